"""Spreadsheet safety shared by every export (CSV and XLSX)."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text a spreadsheet could run as a formula gets a leading apostrophe (CSV/XLSX
    injection, e.g. a name typed as ``=HYPERLINK(...)``); other values pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
