"""Cells of the CSV files the desk and the CLI export (history, reports)."""

from __future__ import annotations

# A cell starting with one of these runs as a formula when the CSV is opened in a
# spreadsheet (a photo named "=HYPERLINK(...)"): it is written with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value`` as a CSV cell that a spreadsheet shows and never evaluates; None is empty."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
