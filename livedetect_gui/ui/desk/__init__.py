"""The desk controller (a QObject, no widgets) and its collaborators: the work of the desk."""
