"""Pieces every part of the UI shares: background tasks, table models, images, the theme, backend
names.
"""
