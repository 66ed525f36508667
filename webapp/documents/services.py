"""Checking an uploaded PDF and keeping it with its application. A file is judged by its content,
never by its name or the type the browser claims: it must open as a PDF with pages, within the
size limit (MAX_UPLOAD_BYTES)."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from pypdf import PasswordType, PdfReader
from sqlalchemy.orm import defer, joinedload, undefer

from ..core.i18n import format_size
from ..extensions import db
from .models import Document, DocumentKind

MAX_FILENAME = 120  # of the column's 200, so a cleaned name always fits with room to spare
_WINDOWS_REFUSES = set('<>:"/\\|?*')

EMPTY = _l("The file is empty.")
NOT_A_PDF = _l("The file is not a PDF.")
DAMAGED = _l("The file is not a PDF, or it is damaged.")
NO_PAGES = _l("The PDF has no pages.")
PASSWORD = _l("The file is protected with a password. Upload a copy that opens without one.")


def too_large(limit: int):
    return _l("The file is larger than %(size)s.", size=format_size(limit))


@dataclass(frozen=True)
class Upload:
    """A checked PDF, ready to be stored: what a form hands on to the lifecycle's effects."""

    filename: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


class Refused(ValueError):
    """The file is not accepted; the message says why, for the field."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def max_bytes() -> int:
    return current_app.config["MAX_UPLOAD_BYTES"]


def clean_filename(name: str | None) -> str:
    """The name as uploaded, safe anywhere and still readable: no folders, no control or invisible
    characters (a right-to-left override could disguise the extension), none that Windows refuses,
    at most MAX_FILENAME characters, always ending in .pdf. "../Slutrapport: Läsglädje.PDF"
    becomes "Slutrapport Läsglädje.pdf"; the download adds an ASCII name beside it."""
    base = unicodedata.normalize("NFC", re.split(r"[/\\]", name or "")[-1])
    stem = base[:-4] if base.lower().endswith(".pdf") else base
    stem = "".join(" " if unicodedata.category(c).startswith("C") or c in _WINDOWS_REFUSES else c for c in stem)
    stem = " ".join(stem.split()).strip(" .")[: MAX_FILENAME - 4].rstrip(" .")
    return f"{stem or 'document'}.pdf"


def _pages(data: bytes) -> int:
    """How many pages the PDF has; raises Refused when it cannot be read as one."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise Refused(PASSWORD)
        return len(reader.pages)
    except Refused:
        raise
    except Exception:  # pypdf raises many kinds on a damaged file; every one of them means "not a PDF"
        raise Refused(DAMAGED) from None


def check_pdf(filename: str | None, stream) -> Upload:
    """Reads at most one byte more than the limit from `stream`, and accepts it only as a readable PDF."""
    limit = max_bytes()
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise Refused(too_large(limit))
    if not data:
        raise Refused(EMPTY)
    if not data.startswith(b"%PDF-"):
        raise Refused(NOT_A_PDF)
    if _pages(data) < 1:
        raise Refused(NO_PAGES)
    return Upload(clean_filename(filename), data, hashlib.sha256(data).hexdigest())


def store(application, kind: DocumentKind, upload: Upload, user) -> Document:
    """Keeps the checked file with the application (in the request's transaction)."""
    document = Document(
        application_id=application.id,
        kind=kind,
        filename=upload.filename,
        size=upload.size,
        sha256=upload.sha256,
        data=upload.data,
        uploaded_by_id=user.id,
    )
    db.session.add(document)
    return document


def documents_of(application) -> list[Document]:
    """The application's files, oldest first, without their bytes."""
    query = (
        db.select(Document)
        .where(Document.application_id == application.id)
        .options(defer(Document.data), joinedload(Document.uploaded_by))
        .order_by(Document.uploaded_at, Document.id)
    )
    return list(db.session.scalars(query))


def document_of(application, document_id: int) -> Document | None:
    """One of the application's files with its bytes; a file of another application is not found."""
    query = (
        db.select(Document)
        .where(Document.id == document_id, Document.application_id == application.id)
        .options(undefer(Document.data))
    )
    return db.session.scalar(query)
