"""Dialogs: credentials, settings, the operator, the cost of a batch."""
