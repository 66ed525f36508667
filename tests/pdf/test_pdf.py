"""PDF dossiers and partner letters: content, order, watermark, access, filenames, cache, and the
fetcher that keeps WeasyPrint away from files and the network."""

import io
import socket
import threading
from datetime import UTC, date, datetime

import pytest
from babel import Locale
from flask_babel import force_locale
from pypdf import PdfReader

from pages import words
from webapp.auth.models import Role
from webapp.core.i18n import format_day, format_moment
from webapp.lifecycle import Status
from webapp.partners.models import PartnerStatus
from webapp.pdf import render
from webapp.sections import services as sections


@pytest.fixture(autouse=True)
def _pdf_cache(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FILE_STORAGE_DIR", str(tmp_path / "files"))  # a cache of its own


def text_of(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def page_footer(language: str, number: int, pages: int | None = None) -> str:
    """The footer the PDF stylesheet prints: "<Page> 1 <of> 9" in the document's language."""
    page, of = words(language, "Page", "of")
    return f"{page} {number} {of}" + (f" {pages}" if pages is not None else "")


GENERATED = datetime(2027, 1, 15, 9, 30, tzinfo=UTC)


@pytest.fixture
def ka220(make, db):
    application = make.application(action_key="KA220-SCH", call_round="2027-R1", title="YEPSA 2 – unga européer")
    application.school.oid = "E10234567"
    for name, country in (("Gymnázium Praha", "CZ"), ("Gymnasium Wolfsburg", "DE")):
        make.partner(application, name=name, country=country)
    owner = application.owner
    sections.save_section(
        owner, application, "context", {"title": "YEPSA 2", "start_date": "2027-09-01", "duration_months": 24}, 0
    )
    sections.save_section(owner, application, "summary", {"objectives": "Eleverna arbetar med de globala målen."}, 0)
    sections.save_section(owner, application, "impact", {"assessment": "Enkäter före och efter."}, 0)
    sections.save_section(
        owner, application, "work_packages", {"items": [{"title": "Lokala förändringsprojekt", "grant": 80000}]}, 0
    )
    sections.save_scores(owner, application, {"relevance": 20, "design": 25}, 0)
    db.session.commit()
    return application


def test_dossier_has_the_cover_sections_in_order_and_the_watermark(login, ka220, monkeypatch):
    from webapp.pdf import views

    monkeypatch.setattr(views, "utcnow", lambda: GENERATED)
    response = login(ka220.owner).get(f"/applications/{ka220.id}/dossier.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text, reader = text_of(response.data)
    assert len(reader.pages) >= 5
    cover = reader.pages[0].extract_text()
    definition = sections.definition_of(ka220)
    countries = Locale.parse("sv").territories
    with force_locale("sv"):
        deadline, generated = format_moment(ka220.deadline), format_moment(GENERATED)
    for expected in (
        "YEPSA 2 – unga européer",
        "KA220-SCH",
        definition.name.get("sv"),
        definition.call_round("2027-R1").label.get("sv"),
        deadline,
        "E10234567",
        f"Gymnázium Praha ({countries['CZ']})",
        f"Gymnasium Wolfsburg ({countries['DE']})",
        generated,  # when it was made
    ):
        assert expected in cover, expected
    # Sections in the official form's order (form-structures.md §2), then the dossier's own parts.
    official_order = [
        "context",
        "summary",
        "organisation_profiles",
        "priorities",
        "description",
        "needs_analysis",
        "partnership",
        "impact",
        "project_management",
        "work_packages",
    ]
    titles = [definition.section(key).title.get("sv") + "\n" for key in official_order]
    titles += [w + "\n" for w in words("sv", "Partners", "Timeline", "Self-assessment", "Checklist")]
    start = text.index(titles[0])
    positions = [text.index(t, start) for t in titles]
    assert positions == sorted(positions)
    assert "Eleverna arbetar med de globala målen." in text and "Lokala förändringsprojekt" in text
    with force_locale("sv"):  # timeline: start plus 24 months
        assert format_day(date(2027, 9, 1)) in text and format_day(date(2029, 8, 31)) in text
    (draft,) = words("sv", "DRAFT")
    assert all(draft in page.extract_text() for page in reader.pages)  # the watermark on every page
    assert page_footer("sv", 1, len(reader.pages)) in cover


def test_dossier_in_english_on_request(login, ka220):
    text, _ = text_of(login(ka220.owner).get(f"/applications/{ka220.id}/dossier.pdf?lang=en").data)
    definition = sections.definition_of(ka220)
    assert definition.name.get("en") in text and words("en", "DRAFT")[0] in text and page_footer("en", 1) in text
    assert words("sv", "DRAFT")[0] not in text
    with force_locale("en"):
        assert format_moment(ka220.deadline) in text


def test_no_watermark_once_submitted(login, ka220, db):
    ka220.status = Status.SUBMITTED
    db.session.commit()
    text, _reader = text_of(login(ka220.owner).get(f"/applications/{ka220.id}/dossier.pdf").data)
    assert words("sv", "DRAFT")[0] not in text and words("en", "DRAFT")[0] not in text


def test_download_is_an_attachment_named_after_the_title(login, ka220):
    response = login(ka220.owner).get(f"/applications/{ka220.id}/dossier.pdf")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="YEPSA-2-unga-europeer.pdf"')
    assert "filename*=UTF-8''YEPSA%202%20%E2%80%93%20unga%20europ%C3%A9er.pdf" in disposition


def test_only_readers_of_the_application_may_download(login, ka220, make):
    other_school = make.school(ka220.school.organisation)
    assert (
        login(make.user(Role.TEACHER, school=other_school)).get(f"/applications/{ka220.id}/dossier.pdf").status_code
        == 403
    )
    assert login(make.user(Role.TEACHER)).get(f"/applications/{ka220.id}/dossier.pdf").status_code == 404
    coordinator = make.user(Role.COORDINATOR, organisation=ka220.school.organisation)
    assert login(coordinator).get(f"/applications/{ka220.id}/dossier.pdf").status_code == 200


def test_partner_letters(login, make, db):
    nordplus = make.application(action_key="NPJ-MOBILITY", call_round="2027-R1", title="Läsglädje")
    partner = make.partner(nordplus, name="Valmieras Valsts ģimnāzija", country="LV", contact_name="Ilze Kalniņa")
    client = login(nordplus.owner)
    text, reader = text_of(client.get(f"/applications/{nordplus.id}/partners/{partner.id}/letter.pdf").data)
    assert len(reader.pages) == 1
    letter_of_intent, signed_by, mandate_title = words("sv", "Letter of intent", "Legal representative", "Mandate")
    assert letter_of_intent in text and mandate_title not in text  # Nordplus: a letter of intent
    assert "Valmieras Valsts ģimnāzija" in text and "Ilze Kalniņa" in text
    assert signed_by in text and "Läsglädje" in text
    english, _ = text_of(client.get(f"/applications/{nordplus.id}/partners/{partner.id}/letter.pdf?lang=en").data)
    assert all(w in english for w in words("en", "Letter of intent", "Legal representative"))
    erasmus = make.application(action_key="KA210-SCH", call_round="2027-R1")
    italian = make.partner(erasmus, name="Liceo Sportivo Bologna", country="IT")
    mandate, _ = text_of(
        login(erasmus.owner).get(f"/applications/{erasmus.id}/partners/{italian.id}/letter.pdf?lang=en").data
    )
    (mandate_title, letter_of_intent) = words("en", "Mandate", "Letter of intent")
    assert mandate_title in mandate and letter_of_intent not in mandate  # Erasmus+: a mandate
    assert "Liceo Sportivo Bologna" in mandate and erasmus.school.name in mandate
    # A partner of another application is not reachable through this one.
    assert client.get(f"/applications/{nordplus.id}/partners/{italian.id}/letter.pdf").status_code == 404


def test_cache_serves_an_unchanged_application_and_any_change_renders_anew(login, ka220, db, monkeypatch):
    client = login(ka220.owner)
    renders = []
    real = render.html_to_pdf_within
    monkeypatch.setattr(render, "html_to_pdf_within", lambda html, seconds: renders.append(1) or real(html, seconds))
    first = client.get(f"/applications/{ka220.id}/dossier.pdf").data
    again = client.get(f"/applications/{ka220.id}/dossier.pdf").data
    assert len(renders) == 1 and first == again
    sections.save_section(ka220.owner, ka220, "impact", {"assessment": "Ny text."}, 1)
    db.session.commit()
    changed = client.get(f"/applications/{ka220.id}/dossier.pdf").data
    assert len(renders) == 2 and "Ny text." in text_of(changed)[0]
    make_partner_change = ka220.partners[0]
    make_partner_change.status = PartnerStatus.INTERESTED
    db.session.commit()
    client.get(f"/applications/{ka220.id}/dossier.pdf")
    assert len(renders) == 3


# --- Security: user text is text, and WeasyPrint fetches nothing of its own -----------------------


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection attempt."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.hits = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/probe.png"

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def test_hostile_answers_fetch_nothing_and_embed_nothing(login, make, db, listener, caplog):
    application = make.application(title='<img src="file:///etc/passwd">')
    hostile = (
        f'<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/passwd"> '
        f'<img src="{listener.url}"> <style>@import url({listener.url});</style> <b>bold?</b>'
    )
    sections.save_section(
        application.owner, application, "description", {"objectives": hostile, "motivation": listener.url}, 0
    )
    make.partner(application, name=f'<a rel="attachment" href="{listener.url}">x</a>')
    db.session.commit()
    data = login(application.owner).get(f"/applications/{application.id}/dossier.pdf").data
    text, _reader = text_of(data)
    assert listener.hits == 0
    assert '<img src="file:///etc/passwd">' in text  # shown as the text it is
    assert "root:" not in text
    raw = data.decode("latin-1")
    assert "/EmbeddedFile" not in raw and "/Subtype /Image" not in raw and "/Subtype/Image" not in raw
    assert not [r for r in caplog.records if r.name == render.log.name]  # escaped: the fetcher was never even asked


def test_the_fetcher_refuses_everything_but_bundled_assets(listener):
    fetcher = render.AssetFetcher()
    font = fetcher.fetch("grantpath-asset:/fonts/NotoSans-Regular.ttf")
    assert font.read()[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    for url in (
        "file:///etc/passwd",
        listener.url,
        "https://example.org/x.png",
        "ftp://127.0.0.1/x",
        "grantpath-asset:/../../../../etc/passwd",
        "grantpath-asset:/css/app.css",
        "grantpath-asset:/fonts/../../__init__.py",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert listener.hits == 0


def test_raw_html_with_references_renders_without_fetching(listener, app):
    """Even a template that did put tags in the document could not reach out."""
    html = (
        f'<html><body><img src="{listener.url}"><img src="file:///etc/passwd">'
        f'<link rel="attachment" href="file:///etc/passwd"><a rel="attachment" href="{listener.url}">a</a>'
        f'<link rel="stylesheet" href="{listener.url}"><p>ok</p></body></html>'
    )
    data = render.html_to_pdf(html)
    raw = data.decode("latin-1")
    assert listener.hits == 0
    assert "/EmbeddedFile" not in raw and "/Subtype /Image" not in raw


def test_a_stored_start_in_year_9999_with_a_duration_still_renders(login, make, db):
    """Stored before dates were bounded: the end date (start + months) overflowed and the dossier
    answered 500 for everyone. The timeline now leaves out the end it cannot compute."""
    application = make.application(action_key="KA210-SCH")
    sections.save_section(
        application.owner, application, "context", {"start_date": "9999-12-01", "duration_months": 24}, 0
    )
    db.session.commit()
    response = login(application.owner).get(f"/applications/{application.id}/dossier.pdf")
    assert response.status_code == 200
    text, _reader = text_of(response.data)
    assert format_day(date(9999, 12, 1)) in " ".join(text.split())


@pytest.mark.parametrize("typed", ["9999-12-01", "0001-01-01", "1899-12-31"])
def test_a_date_far_from_any_project_is_refused_at_save(login, make, db, typed):
    application = make.application(action_key="KA210-SCH")
    response = login(application.owner).post(
        f"/applications/{application.id}/sections/context", data={"version": "0", "start_date": typed}
    )
    assert response.status_code == 422 and 'id="start_date-error"' in response.get_data(as_text=True)
    assert typed in response.get_data(as_text=True)  # what was typed is kept
    assert sections.answers(application).get("context", {}).get("start_date") is None


def test_a_render_over_the_time_budget_is_stopped_with_a_clear_page(login, make, db, app, monkeypatch):
    """A letter renders in the request, in a child process killed at the budget: the worker is free
    again. (A dossier renders in the background: tests/pdf/test_background_pdf.py.)"""
    application = make.application(action_key="KA210-SCH")
    partner = make.partner(application)
    db.session.commit()
    letter = f"/applications/{application.id}/partners/{partner.id}/letter.pdf"
    monkeypatch.setitem(app.config, "PDF_RENDER_SECONDS", 0.001)
    response = login(application.owner).get(letter)
    assert response.status_code == 503
    assert response.mimetype == "text/html" and "0.001" in response.get_data(as_text=True)
    monkeypatch.setitem(app.config, "PDF_RENDER_SECONDS", 30)
    assert login(application.owner).get(letter).status_code == 200


def test_the_child_reports_a_failure_instead_of_a_document():
    with pytest.raises(RuntimeError, match="failed"):
        render.html_to_pdf_within(None, 30)  # not a document: WeasyPrint raises in the child
