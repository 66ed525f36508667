"""A file sent as a download: an ASCII filename every browser accepts, the exact name in filename*
beside it, never cached by a shared cache, never sniffed into another type."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Response


def ascii_filename(name: str) -> str:
    """ "Läsglädje – rapport.pdf" as "Lasgladje-rapport.pdf"; an empty result falls back to "grantpath"."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9]+", "-", ascii_stem).strip("-")[:100] or "grantpath"
    return f"{cleaned}.{extension}" if extension else cleaned


def attachment(data: bytes, name: str, mimetype: str = "application/pdf") -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_filename(name)}\"; filename*=UTF-8''{quote(name)}"
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
