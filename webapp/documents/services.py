"""Checking an uploaded file and keeping it with its application. A file is judged by its content,
never by its name or the type the browser claims: within the size limit (MAX_UPLOAD_BYTES), it must
open as a PDF with pages, or, where a photo of a signed page will do (an annex), as a complete still
JPEG or PNG of at most MAX_IMAGE_PIXELS."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image
from pypdf import PasswordType, PdfReader
from sqlalchemy.orm import defer, joinedload, undefer

from ..core.i18n import format_size
from ..extensions import db
from .models import Document, DocumentKind

MAX_FILENAME = 120  # of the column's 200, so a cleaned name always fits with room to spare
_WINDOWS_REFUSES = set('<>:"/\\|?*')
#: A 48-megapixel phone photo fits; decoding one at most takes a few hundred MB for a moment.
MAX_IMAGE_PIXELS = 50_000_000

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
#: how each accepted type starts, and the extension its cleaned name gets
_MAGIC = {PDF: b"%PDF-", JPEG: b"\xff\xd8\xff", PNG: b"\x89PNG\r\n\x1a\n"}
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
_PILLOW_FORMATS = {JPEG: ("JPEG", "MPO"), PNG: ("PNG",)}  # MPO: a phone's JPEG with a second picture inside
_UPLOADED_EXTENSIONS = (".pdf", ".jpeg", ".jpg", ".png")

EMPTY = _l("The file is empty.")
NOT_A_PDF = _l("The file is not a PDF.")
DAMAGED = _l("The file is not a PDF, or it is damaged.")
NO_PAGES = _l("The PDF has no pages.")
PASSWORD = _l("The file is protected with a password. Upload a copy that opens without one.")
NOT_A_PDF_OR_IMAGE = _l("The file is not a PDF, JPEG or PNG.")
DAMAGED_IMAGE = _l("The image is damaged or incomplete. Save or photograph it again.")
ANIMATED = _l("The image is animated. Upload a still image or a PDF.")


def too_many_pixels(limit: int):
    return _l("The image has more than %(megapixels)d megapixels. Upload a smaller copy.", megapixels=limit // 10**6)


def too_large(limit: int):
    return _l("The file is larger than %(size)s.", size=format_size(limit))


@dataclass(frozen=True)
class Upload:
    """A checked file, ready to be stored: what a form hands on to the lifecycle's effects."""

    filename: str
    data: bytes
    sha256: str
    mimetype: str = PDF  # what the content turned out to be

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


def clean_filename(name: str | None, extension: str = ".pdf") -> str:
    """The name as uploaded, safe anywhere and still readable: no folders, no control or invisible
    characters (a right-to-left override could disguise the extension), none that Windows refuses,
    at most MAX_FILENAME characters, always ending in `extension`, the one of the content (an
    uploaded .pdf, .jpg, .jpeg or .png is dropped). "../Slutrapport: Läsglädje.PDF" becomes
    "Slutrapport Läsglädje.pdf"; the download adds an ASCII name beside it."""
    base = unicodedata.normalize("NFC", re.split(r"[/\\]", name or "")[-1])
    stem = next((base[: -len(e)] for e in _UPLOADED_EXTENSIONS if base.lower().endswith(e)), base)
    stem = "".join(" " if unicodedata.category(c).startswith("C") or c in _WINDOWS_REFUSES else c for c in stem)
    stem = " ".join(stem.split()).strip(" .")[: MAX_FILENAME - len(extension)].rstrip(" .")
    return f"{stem or 'document'}{extension}"


def detected_type(data: bytes) -> str | None:
    """The accepted type the bytes start like (PDF, JPEG, PNG), whatever the name says; None otherwise."""
    return next((mimetype for mimetype, magic in _MAGIC.items() if data.startswith(magic)), None)


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


class _ImageBytes(io.BytesIO):
    """The upload as a file that notes a read at its end. WeasyPrint switches Pillow's
    LOAD_TRUNCATED_IMAGES on for the whole process, so Pillow decodes a cut-off JPEG without a
    word; a decoder that still asks for bytes once all of them are read had a truncated file."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.end = len(data)
        self.ran_out = False

    def read(self, size: int | None = -1) -> bytes:
        if size != 0 and self.tell() >= self.end:
            self.ran_out = True
        return super().read(size)


def _check_image(data: bytes, mimetype: str) -> None:
    """Raises Refused unless the bytes are one complete still image of the type they start like, of
    at most MAX_IMAGE_PIXELS. The size in the header is checked before a pixel is decoded, and
    Pillow's own bomb warning counts as a refusal: a tiny PNG may declare 20000×20000 pixels."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS[mimetype]) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise Refused(too_many_pixels(MAX_IMAGE_PIXELS))
                if image.format == "PNG" and getattr(image, "n_frames", 1) > 1:
                    raise Refused(ANIMATED)
                image.verify()  # a PNG's chunks and checksums; the image cannot be used afterwards
            stream = _ImageBytes(data)
            with Image.open(stream, formats=_PILLOW_FORMATS[mimetype]) as image:
                if image.format != "PNG":  # decodes every byte of a JPEG, at an eighth of its size
                    image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
                stream.ran_out = False
                image.load()
            if stream.ran_out:
                raise Refused(DAMAGED_IMAGE)
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused(too_many_pixels(MAX_IMAGE_PIXELS)) from None
    except Exception:  # Pillow raises many kinds on a damaged file; every one of them means "damaged"
        raise Refused(DAMAGED_IMAGE) from None


def _read(stream) -> bytes:
    """Reads at most one byte more than the limit from `stream`; refuses an empty or too large file."""
    limit = max_bytes()
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise Refused(too_large(limit))
    if not data:
        raise Refused(EMPTY)
    return data


def _checked(filename: str | None, data: bytes, mimetype: str) -> Upload:
    """`data` as an Upload of `mimetype`, once it opens as one."""
    if mimetype == PDF:
        if _pages(data) < 1:
            raise Refused(NO_PAGES)
    else:
        _check_image(data, mimetype)
    return Upload(clean_filename(filename, EXTENSIONS[mimetype]), data, hashlib.sha256(data).hexdigest(), mimetype)


def check_pdf(filename: str | None, stream) -> Upload:
    """Accepts the file only as a readable PDF: the submitted application and the reports."""
    data = _read(stream)
    if detected_type(data) != PDF:
        raise Refused(NOT_A_PDF)
    return _checked(filename, data, PDF)


def check_pdf_or_image(filename: str | None, stream) -> Upload:
    """Accepts a readable PDF, JPEG or PNG: a signed annex may be a scan or a phone's photo of it."""
    data = _read(stream)
    mimetype = detected_type(data)
    if mimetype is None:
        raise Refused(NOT_A_PDF_OR_IMAGE)
    return _checked(filename, data, mimetype)


def mimetype_of(document: Document) -> str:
    """The type to serve a stored file as, from its content (checked on upload); never guessed by a browser."""
    return detected_type(document.data) or "application/octet-stream"


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
