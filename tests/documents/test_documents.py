"""Uploaded PDFs: only a real PDF within the size limit is kept, byte for byte, and only those who
may see the application download it. A refused file is explained next to its field, with
everything else as typed; nothing is stored and the status stays."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from pages import field_errors, parse, refusal, say
from uploads import PNG, attach_annexes, pdf_bytes, upload
from webapp.applications.models import Application, Submission
from webapp.auth.models import Role
from webapp.config import REQUEST_SLACK_BYTES, ConfigError
from webapp.documents import services
from webapp.documents.forms import CHOOSE_AGAIN, CHOOSE_FILE
from webapp.documents.models import Document, DocumentKind
from webapp.lifecycle import Status


@pytest.fixture
def approved(make, db):
    application = make.application(status=Status.APPROVED, deadline=datetime.now(UTC) + timedelta(days=30))
    attach_annexes(application)
    db.session.commit()
    return application


def _submission(pdf, name="ansökan.pdf") -> dict:
    return {
        "reference": "KA210-SCH-3D084792",
        "submitted_on": datetime.now(UTC).date().isoformat(),
        "submitted_time": "09:15",
        **({"submitted_pdf": upload(pdf, name)} if pdf is not None else {}),
    }


def _register(client, application, pdf, name="ansökan.pdf"):
    return client.post(f"/applications/{application.id}/transitions/register_submission", data=_submission(pdf, name))


def _documents(db, application_id) -> list[Document]:
    db.session.rollback()
    query = db.select(Document).where(Document.application_id == application_id, Document.kind != DocumentKind.ANNEX)
    return list(db.session.scalars(query))


def test_the_submitted_pdf_is_kept_and_downloads_byte_identical_for_readers(login, make, db, approved):
    pdf = pdf_bytes(pages=2, title="Ansökan KA210")
    assert _register(login(approved.owner), approved, pdf, "Ansökan – Läsglädje.pdf").status_code == 302
    (document,) = _documents(db, approved.id)
    assert (document.kind, document.filename, document.size) == (
        DocumentKind.SUBMITTED_APPLICATION,
        "Ansökan – Läsglädje.pdf",
        len(pdf),
    )
    assert document.sha256 == hashlib.sha256(pdf).hexdigest() and document.uploaded_by_id == approved.owner_id
    url = f"/applications/{approved.id}/documents/{document.id}"

    reader = make.user(Role.TEACHER, school=approved.school)  # not on the team, but sees the application
    coordinator = make.user(Role.COORDINATOR, organisation=approved.school.organisation)
    for person in (reader, coordinator, approved.owner):
        overview = login(person).get(f"/applications/{approved.id}").get_data(as_text=True)
        assert url in parse(overview).find(id="documents").links()
        response = login(person).get(url)
        assert response.status_code == 200 and response.data == pdf
        assert response.mimetype == "application/pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith('attachment; filename="Ansokan-Lasgladje.pdf"')
        assert "filename*=UTF-8''Ans%C3%B6kan%20%E2%80%93%20L%C3%A4sgl%C3%A4dje.pdf" in disposition


def test_no_one_outside_gets_a_document_and_ids_do_not_cross_applications(login, make, db, approved):
    _register(login(approved.owner), approved, pdf_bytes())
    (document,) = _documents(db, approved.id)
    outsider = make.user(Role.ADMIN)  # an admin, of another organisation
    assert login(outsider).get(f"/applications/{approved.id}/documents/{document.id}").status_code == 404
    sibling = make.application(approved.school, owner=approved.owner)  # same school, same owner
    db.session.commit()
    assert login(approved.owner).get(f"/applications/{sibling.id}/documents/{document.id}").status_code == 404
    assert login(approved.owner).get(f"/applications/{approved.id}/documents/{document.id + 1}").status_code == 404


@pytest.mark.parametrize(
    "content,name,message",
    [
        (PNG, "skärmbild.pdf", services.NOT_A_PDF),
        ("Det här är ingen PDF.\n".encode(), "anteckning.pdf", services.NOT_A_PDF),
        (b"%PDF-1.7\n" + b"\x00garbage\xff" * 50, "trasig.pdf", services.DAMAGED),
        (b"", "tom.pdf", services.EMPTY),
        (pdf_bytes(pages=0), "inga-sidor.pdf", services.NO_PAGES),
        (pdf_bytes(password="hemligt"), "låst.pdf", services.PASSWORD),
        (None, None, CHOOSE_FILE),
    ],
    ids=["png", "text", "broken", "empty", "no-pages", "password", "missing"],
)
def test_a_file_that_is_no_readable_pdf_is_refused_next_to_its_field(login, db, approved, content, name, message):
    response = _register(login(approved.owner), approved, content, name)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(page) == {"submitted_pdf": say(message)}
    form = parse(page)
    assert form.find("input", id="reference").attrs["value"] == "KA210-SCH-3D084792"  # the rest as typed
    assert form.find("input", id="submitted_time").attrs["value"] == "09:15"
    assert form.find("form", enctype="multipart/form-data") is not None
    assert say(CHOOSE_AGAIN) in form.find(id="submitted_pdf-help").text()
    assert _documents(db, approved.id) == []
    stored = db.session.get(Application, approved.id)
    assert stored.status == Status.APPROVED and stored.submission is None


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])  # AES: what "restrict editing" in Word and Acrobat uses
def test_an_encrypted_pdf_that_opens_without_a_password_is_accepted(login, db, approved, algorithm):
    pdf = pdf_bytes(owner="bara-utskrift", algorithm=algorithm)  # restrictions only: every reader opens it
    assert _register(login(approved.owner), approved, pdf).status_code == 302
    assert [d.data for d in _documents(db, approved.id)] == [pdf]


def test_a_file_over_the_limit_is_refused_with_the_limit(app, login, db, approved, monkeypatch):
    pdf = pdf_bytes()
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", len(pdf) - 1)
    response = _register(login(approved.owner), approved, pdf)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {
        "submitted_pdf": say(lambda: services.too_large(len(pdf) - 1))
    }
    assert _documents(db, approved.id) == [] and db.session.get(Application, approved.id).status == Status.APPROVED
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", len(pdf))  # exactly at the limit: fine
    assert _register(login(approved.owner), approved, pdf).status_code == 302


def test_a_far_too_large_request_gets_the_413_page_that_says_the_limit(app, login, db, approved, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 4 * 1024 * 1024)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 5 * 1024 * 1024)
    # Encoded here, in memory: the test client would spool a body this large to a file it never closes.
    huge = FileStorage(io.BytesIO(b"%PDF-1.7\n" + b"0" * (6 * 1024 * 1024)), "stor.pdf", "submitted_pdf")
    boundary, body = encode_multipart({**_submission(None), "submitted_pdf": huge})
    response = login(approved.owner).post(
        f"/applications/{approved.id}/transitions/register_submission",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413
    assert "4 MB" in refusal(response.get_data(as_text=True))
    assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 0
    assert _documents(db, approved.id) == []


def test_the_request_cap_follows_the_upload_limit_and_a_bad_limit_stops_start_up(db_url):
    from support import build_app

    assert build_app(db_url, MAX_UPLOAD_BYTES=1000).config["MAX_CONTENT_LENGTH"] == 1000 + REQUEST_SLACK_BYTES
    with pytest.raises(ConfigError, match="MAX_UPLOAD_BYTES 'ten'"):
        build_app(db_url, MAX_UPLOAD_BYTES="ten")
    with pytest.raises(ConfigError, match="MAX_CONTENT_LENGTH 1000 must be larger"):
        build_app(db_url, MAX_UPLOAD_BYTES=2000, MAX_CONTENT_LENGTH=1000)


@pytest.mark.parametrize(
    "uploaded,kept",
    [
        ("rapport.pdf", "rapport.pdf"),
        ("Slutrapport.PDF", "Slutrapport.pdf"),
        ("C:\\Users\\anna\\Skrivbord\\Läsglädje: slutrapport.pdf", "Läsglädje slutrapport.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("rapport\u202efdp.exe", "rapport fdp.exe.pdf"),  # a right-to-left override cannot hide the type
        ("  ...  ", "document.pdf"),
        ("", "document.pdf"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
    ],
)
def test_the_uploaded_name_is_cleaned_but_stays_readable(uploaded, kept):
    assert services.clean_filename(uploaded) == kept
