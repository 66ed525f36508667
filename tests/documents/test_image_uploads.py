"""A signed annex may be a phone's photo of the letter (issue 14): a JPEG or PNG is accepted for an
annex, judged by its content and never by its name, and always downloaded as an attachment of the
type it is. The submitted application and the reports stay PDF only."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import date

import pytest
from PIL import Image, ImageFile

from pages import field_errors, parse, say
from uploads import attach_annexes, pdf_bytes, upload
from webapp.applications.models import Outcome
from webapp.documents import services
from webapp.documents.models import Document, DocumentKind
from webapp.lifecycle import Status

SLOT = "letter_of_intent.applicant"


@pytest.fixture
def nordplus(make, db):
    application = make.application(action_key="NPJ-MOBILITY", call_round="2027-R1")
    db.session.commit()
    return application


def image_bytes(fmt: str, size=(640, 480), **save) -> bytes:
    """A real photo-like image made with Pillow: a gradient, so that its bytes are not trivial."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A PNG of under 100 bytes whose header declares `width` × `height` pixels and whose pixel data
    is one compressed row: decoding it would mean allocating every declared pixel."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1)))
        + chunk(b"IEND", b"")
    )


def _attach(client, application, data: bytes, name: str):
    return client.post(
        f"/applications/{application.id}/annexes/{SLOT}", data={"seen": "", f"{SLOT}-file": upload(data, name)}
    )


def _annexes(db, application) -> list[Document]:
    db.session.rollback()
    query = db.select(Document).where(Document.application_id == application.id, Document.kind == DocumentKind.ANNEX)
    return list(db.session.scalars(query))


@pytest.mark.parametrize(
    ("fmt", "name", "kept", "mimetype"),
    [
        ("JPEG", "IMG_0042 signerad.png", "IMG_0042 signerad.jpg", "image/jpeg"),  # the name lies; the content wins
        ("PNG", "Avsiktsförklaring.pdf", "Avsiktsförklaring.png", "image/png"),
        ("MPO", "foto.jpeg", "foto.jpg", "image/jpeg"),  # a phone's JPEG with a second picture inside
    ],
)
def test_a_photo_of_the_signed_letter_is_kept_and_downloads_as_an_attachment_of_its_type(
    login, db, nordplus, fmt, name, kept, mimetype
):
    extra = {"save_all": True, "append_images": [Image.new("RGB", (640, 480), "white")]} if fmt == "MPO" else {}
    data = image_bytes(fmt, **extra)
    client = login(nordplus.owner)
    assert _attach(client, nordplus, data, name).status_code == 302
    (document,) = _annexes(db, nordplus)
    assert (document.filename, document.size, document.annex_key) == (kept, len(data), "letter_of_intent")

    response = client.get(f"/applications/{nordplus.id}/documents/{document.id}")
    assert response.status_code == 200 and response.data == data
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert kept.rsplit(".", 1)[1] in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_pdf_is_still_an_annex_and_downloads_as_a_pdf(login, db, nordplus):
    pdf = pdf_bytes(title="scan")
    client = login(nordplus.owner)
    assert _attach(client, nordplus, pdf, "scan.png").status_code == 302
    (document,) = _annexes(db, nordplus)
    assert document.filename == "scan.pdf"
    response = client.get(f"/applications/{nordplus.id}/documents/{document.id}")
    assert response.mimetype == "application/pdf" and response.data == pdf


def test_the_annex_field_offers_images_and_says_so(login, nordplus):
    page = parse(login(nordplus.owner).get(f"/applications/{nordplus.id}/annexes").get_data(as_text=True))
    file_input = page.find("input", id=f"{SLOT}-file")
    assert file_input.attrs["accept"] == "application/pdf,image/jpeg,image/png"


def _apng() -> bytes:
    frames = [Image.new("RGB", (32, 32), colour) for colour in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:])
    return out.getvalue()


PNG_FILE = image_bytes("PNG")
JPEG_FILE = image_bytes("JPEG")
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (HTML, "brev.pdf", services.NOT_A_PDF_OR_IMAGE),
        (HTML, "brev.png", services.NOT_A_PDF_OR_IMAGE),
        (image_bytes("GIF"), "brev.gif", services.NOT_A_PDF_OR_IMAGE),
        (image_bytes("WEBP"), "brev.jpg", services.NOT_A_PDF_OR_IMAGE),
        (PNG_FILE[: len(PNG_FILE) // 2], "brev.png", services.DAMAGED_IMAGE),
        (JPEG_FILE[: len(JPEG_FILE) // 2], "brev.jpg", services.DAMAGED_IMAGE),
        (_apng(), "brev.png", services.ANIMATED),
        (b"%PDF-1.7\n" + b"\x00trasig\xff" * 50, "brev.jpg", services.DAMAGED),
    ],
    ids=["html-as-pdf", "html-as-png", "gif", "webp", "truncated-png", "truncated-jpeg", "animated-png", "broken-pdf"],
)
def test_a_file_that_is_not_what_it_claims_is_refused_at_the_field_and_not_kept(
    login, db, nordplus, content, name, message
):
    response = _attach(login(nordplus.owner), nordplus, content, name)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True))[f"{SLOT}-file"] == say(message)
    assert _annexes(db, nordplus) == []


def test_an_image_over_the_size_limit_is_refused_with_the_limit(app, login, db, nordplus, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", len(JPEG_FILE) - 1)
    response = _attach(login(nordplus.owner), nordplus, JPEG_FILE, "brev.jpg")
    assert response.status_code == 422
    expected = say(lambda: services.too_large(len(JPEG_FILE) - 1))
    assert field_errors(response.get_data(as_text=True))[f"{SLOT}-file"] == expected
    assert _annexes(db, nordplus) == []


@pytest.mark.parametrize(
    "side",
    [8_000, 10_000, 20_000],  # over Grantpath's limit; over Pillow's warning; over Pillow's error
)
def test_a_decompression_bomb_is_refused_from_its_header(login, db, nordplus, side):
    """The pixel data holds one row: had it been decoded, the file would be refused as damaged
    (after allocating every declared pixel); it is refused for its size before that."""
    bomb = png_declaring(side, side)
    assert len(bomb) < 200
    response = _attach(login(nordplus.owner), nordplus, bomb, "brev.png")
    assert response.status_code == 422
    expected = say(lambda: services.too_many_pixels(services.MAX_IMAGE_PIXELS))
    assert field_errors(response.get_data(as_text=True))[f"{SLOT}-file"] == expected
    assert _annexes(db, nordplus) == []


@pytest.mark.parametrize("loads_truncated", [False, True])
def test_a_cut_off_image_is_refused_whatever_pillow_is_told_to_load(app, monkeypatch, loads_truncated):
    """WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES for the whole process; the check holds either
    way. A PNG may lose its last checksum (the IEND chunk's, after every pixel) but no more."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", loads_truncated)
    small_jpeg, progressive = image_bytes("JPEG", (1, 1)), image_bytes("JPEG", progressive=True)
    with app.test_request_context():
        for data, cuts in [(JPEG_FILE, (1, 12)), (small_jpeg, (1, 12)), (progressive, (1, 12)), (PNG_FILE, (5, 12))]:
            assert services.check_pdf_or_image("a", io.BytesIO(data)).data == data
            for cut in (*cuts, len(data) // 2):
                with pytest.raises(services.Refused) as refused:
                    services.check_pdf_or_image("a", io.BytesIO(data[:-cut]))
                assert refused.value.message == services.DAMAGED_IMAGE


def test_the_pixel_limit_is_inclusive(app, monkeypatch):
    monkeypatch.setattr(services, "MAX_IMAGE_PIXELS", 100 * 100)
    with app.test_request_context():
        assert services.check_pdf_or_image("a.png", io.BytesIO(image_bytes("PNG", (100, 100)))).mimetype == "image/png"
        with pytest.raises(services.Refused):
            services.check_pdf_or_image("a.png", io.BytesIO(image_bytes("PNG", (101, 100))))


def test_the_submitted_application_and_the_reports_still_refuse_an_image(login, make, db):
    approved = make.application(status=Status.APPROVED)
    attach_annexes(approved)
    running = make.application(status=Status.REPORTING)
    running.outcome = Outcome(
        granted=True,
        amount_eur=60000,
        project_start=date(2024, 9, 1),
        project_end=date(2026, 8, 31),
        final_report_due=date(2026, 10, 30),
    )
    db.session.commit()
    submission = {"reference": "KA210-SCH-3D084792", "submitted_on": "2026-03-01", "submitted_time": "09:15"}
    posts = [
        (approved, "register_submission", submission, "submitted_pdf"),
        (running, "close_project", {"summary": "Eleverna skrev en bok."}, "report_pdf"),
    ]
    for application, transition, data, field in posts:
        response = login(application.owner).post(
            f"/applications/{application.id}/transitions/{transition}",
            data={**data, field: upload(PNG_FILE, "rapport.pdf")},
        )
        assert response.status_code == 422
        assert field_errors(response.get_data(as_text=True))[field] == say(services.NOT_A_PDF)
        assert parse(response.get_data(as_text=True)).find("input", id=field).attrs["accept"] == "application/pdf,.pdf"
    db.session.rollback()
    kept = db.select(Document).where(Document.application_id.in_((approved.id, running.id)))
    assert db.session.scalars(kept.where(Document.kind != DocumentKind.ANNEX)).all() == []
