"""Real PDFs (and things that only pretend to be one) for the upload tests, made with pypdf."""

from __future__ import annotations

import io

from pypdf import PdfWriter


def pdf_bytes(
    pages: int = 1,
    title: str = "Grantpath test",
    password: str | None = None,
    owner: str | None = None,
    algorithm: str = "RC4-128",
):
    """A small, valid PDF with blank A4 pages; `title` makes its bytes differ from another's."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    if password is not None or owner is not None:
        writer.encrypt(user_password=password or "", owner_password=owner, algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(data: bytes, name: str = "rapport.pdf"):
    """A file for the test client's form data: (stream, filename) makes the post multipart."""
    return (io.BytesIO(data), name)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def attach_annexes(application, user=None) -> None:
    """Uploads a signed-looking PDF for every required annex still missing, as the team does before
    registering the submission (webapp/annexes)."""
    import hashlib

    from webapp.annexes import services as annexes
    from webapp.documents.services import Upload

    for slot in annexes.missing(application):
        data = pdf_bytes(title=slot.key)
        upload = Upload(f"{slot.annex.key}.pdf", data, hashlib.sha256(data).hexdigest())
        annexes.attach(user or application.owner, application, slot, upload, seen=None)
