"""The main window and what it is built from: the action table, toolbar fields, status bar,
banners, help.
"""
