"""The queue: its Qt model and view, the preview and the decision panel."""
