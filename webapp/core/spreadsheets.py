"""Cells a spreadsheet opens as text: what every CSV file Grantpath writes shares (the directory's
export, the overview's), so that a value someone typed never runs as a formula (OWASP "CSV injection")."""

from __future__ import annotations

#: What a spreadsheet reads as the start of a formula (OWASP "CSV injection"); TAB and CR too on export.
FORMULA_STARTS = ("=", "+", "-", "@")
NEUTRALISED_STARTS = (*FORMULA_STARTS, "\t", "\r")


def neutralise(value) -> str:
    """A cell a spreadsheet shows as text: one that starts like a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.lstrip(" ").startswith(NEUTRALISED_STARTS) else text  # " =1+1" runs in some programs
