"""The application as a Word document (issue 18): opened with python-docx, its title, headings in the
official order, each answer under its question with its character limit, the partner and budget
tables, the draft marking, both languages, access, and text Word's XML cannot hold."""

import io

import pytest
from babel import Locale
from docx.table import Table
from docx.text.paragraph import Paragraph
from flask_babel import force_locale, gettext

import docx
from pages import words
from webapp.auth.models import Role
from webapp.core.i18n import format_number
from webapp.docx import render
from webapp.lifecycle import Status
from webapp.pdf import context
from webapp.sections import services as sections

OBJECTIVES = "Eleverna arbetar med de globala målen."


def url(application, lang: str | None = None) -> str:
    return f"/applications/{application.id}/application.docx" + (f"?lang={lang}" if lang else "")


def open_docx(response) -> docx.document.Document:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == render.MIMETYPE
    return docx.Document(io.BytesIO(response.data))


def blocks(document) -> list:
    return list(document.iter_inner_content())


def headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def table_after(document, heading: str) -> list[list[str]]:
    """The cells of the first table after the Heading 1 `heading`."""
    content = blocks(document)
    start = next(i for i, b in enumerate(content) if isinstance(b, Paragraph) and b.text == heading)
    table = next(b for b in content[start:] if isinstance(b, Table))
    assert table.style.name == render.TABLE_STYLE
    return [[cell.text for cell in row.cells] for row in table.rows]


def header_text(document) -> str:
    return "\n".join(p.text for p in document.sections[0].header.paragraphs)


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
    sections.save_section(owner, application, "summary", {"objectives": OBJECTIVES}, 0)
    sections.save_section(
        owner, application, "work_packages", {"items": [{"title": "Lokala förändringsprojekt", "grant": 80000}]}, 0
    )
    sections.save_scores(owner, application, {"relevance": 20, "design": 25}, 0)
    db.session.commit()
    return application


def test_title_properties_and_headings_in_the_official_order(login, ka220):
    response = login(ka220.owner).get(url(ka220))
    document = open_docx(response)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="YEPSA-2-unga-europeer.docx"')
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    first = document.paragraphs[0]
    assert (first.style.name, first.text) == ("Title", "YEPSA 2 – unga européer")
    properties = document.core_properties
    assert properties.title == "YEPSA 2 – unga européer" and properties.language == "sv-SE"
    assert properties.author == ka220.owner.name
    definition = sections.definition_of(ka220)
    official = [s.title.get("sv") for s in definition.sections if s.official]
    assert official[:3] == [
        definition.section(k).title.get("sv") for k in ("context", "summary", "organisation_profiles")
    ]
    own_parts = words("sv", "Partners", "Timeline", "Self-assessment", "Budget", "Checklist")
    assert headings(document, 1) == official + own_parts
    # the same order as the PDF dossier's, from the same context
    assert official == [s["title"] for s in context.dossier(ka220, "sv")["sections"]]
    # a repeated section: an item per organisation (Heading 2), its questions one level below
    assert ka220.school.name in headings(document, 2)
    profile = definition.section("organisation_profiles").fields[0].label.get("sv")
    assert profile in headings(document, 3)


def test_each_answer_under_its_question_with_the_limit_noted(login, ka220):
    document = open_docx(login(ka220.owner).get(url(ka220)))
    field = next(f for f in sections.definition_of(ka220).section("summary").fields if f.key == "objectives")
    paragraphs = document.paragraphs
    at = next(i for i, p in enumerate(paragraphs) if p.text == field.label.get("sv"))
    assert paragraphs[at].style.name == "Heading 2"
    with force_locale("sv"):
        limit = gettext(
            "%(count)s / %(max)s characters", count=format_number(len(OBJECTIVES)), max=format_number(field.max_chars)
        )
    assert [paragraphs[at + 1].text, paragraphs[at + 2].text] == [limit, OBJECTIVES]
    assert paragraphs[at + 2].style.name == "Normal"
    # an unanswered text field still notes its limit, and says it is not answered
    other = next(f for f in sections.definition_of(ka220).section("summary").fields if f.max_chars and f is not field)
    at = next(i for i, p in enumerate(paragraphs) if p.text == other.label.get("sv"))
    with force_locale("sv"):
        limit = gettext("%(count)s / %(max)s characters", count="0", max=format_number(other.max_chars))
    assert [paragraphs[at + 1].text, paragraphs[at + 2].text] == [limit, *words("sv", "Not answered yet")]
    assert paragraphs[at + 2].runs[0].italic


def test_partners_and_budget_are_real_tables(login, ka220):
    document = open_docx(login(ka220.owner).get(url(ka220)))
    partners, budget_heading = words("sv", "Partners", "Budget")
    rows = table_after(document, partners)
    countries = Locale.parse("sv").territories
    assert rows[0] == [*words("sv", "Organisation", "Country", "City"), "OID", *words("sv", "Where you stand")]
    assert len(rows) == 4 and all(len(r) == 5 for r in rows)  # the header, the applicant, two partners
    assert rows[1][0].startswith(ka220.school.name) and rows[1][3] == "E10234567"
    assert [r[:2] for r in rows[2:]] == [["Gymnázium Praha", countries["CZ"]], ["Gymnasium Wolfsburg", countries["DE"]]]
    budget = context.dossier(ka220, "sv")["budget"]
    assert budget and budget["rows"]
    cells = table_after(document, budget_heading)
    assert cells[0] == words("sv", "Item", "Calculation (euro)", "Amount")
    assert [tuple(r) for r in cells[1:-1]] == [tuple(r) for r in budget["rows"]]
    assert cells[-1][0] == words("sv", "Total")[0] and cells[-1][2] == budget["total"]
    timeline = table_after(document, words("sv", "Timeline")[0])
    assert timeline[0] == words("sv", "Date", "What") and len(timeline) > 2


def test_draft_marking_until_sent(login, ka220, db):
    client = login(ka220.owner)
    (draft,) = words("sv", "DRAFT")
    document = open_docx(client.get(url(ka220)))
    assert draft in header_text(document)
    assert document.paragraphs[1].text.endswith(words("sv", "Application draft")[0])
    ka220.status = Status.SUBMITTED
    db.session.commit()
    sent = open_docx(client.get(url(ka220)))
    assert draft not in header_text(sent) and words("en", "DRAFT")[0] not in header_text(sent)
    assert sent.paragraphs[1].text.endswith(words("sv", "Application")[0])


def test_english_on_request_and_swedish_by_default(login, ka220):
    client = login(ka220.owner)
    definition = sections.definition_of(ka220)
    english = open_docx(client.get(url(ka220, "en")))
    assert english.core_properties.language == "en-GB"
    assert headings(english, 1)[0] == definition.section("context").title.get("en")
    assert words("en", "Partners", "Timeline")[0] in headings(english, 1)
    assert words("en", "DRAFT")[0] in header_text(english) and words("sv", "DRAFT")[0] not in header_text(english)
    swedish = open_docx(client.get(url(ka220, "sv")))
    assert headings(swedish, 1)[0] == definition.section("context").title.get("sv")
    assert words("sv", "Partners")[0] in headings(swedish, 1)
    assert client.get(url(ka220, "de")).status_code == 200  # an unknown language: the user's own


def test_only_readers_of_the_application_may_download(login, ka220, make):
    other_school = make.school(ka220.school.organisation)
    assert login(make.user(Role.TEACHER, school=other_school)).get(url(ka220)).status_code == 403
    assert login(make.user(Role.TEACHER)).get(url(ka220)).status_code == 404  # another organisation
    coordinator = make.user(Role.COORDINATOR, organisation=ka220.school.organisation)
    assert login(coordinator).get(url(ka220)).status_code == 200


def test_an_application_whose_programme_is_gone_has_no_document(login, ka220, db):
    ka220.action_key, ka220.call_round = "KA999-GONE", "1999-R1"
    db.session.commit()
    assert login(ka220.owner).get(url(ka220)).status_code == 404


def test_text_xml_cannot_hold_is_left_out_and_markup_stays_text(login, make, db):
    # (no NUL here: PostgreSQL stores none, and the forms drop it; clean() is tested with it below)
    application = make.application(title="Tecken\x07 & <b>")
    hostile = "Före\x01\x08\x0b\x0c\x0e\x1f\ufffe efter <w:p>&amp; ]]>\ttab"
    sections.save_section(application.owner, application, "description", {"objectives": hostile}, 0)
    make.partner(application, name="Skola\x1b<i>")
    db.session.commit()
    assert "\x01" in sections.answers(application)["description"]["objectives"]  # stored as typed
    document = open_docx(login(application.owner).get(url(application)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Före efter <w:p>&amp; ]]>\ttab" in text
    assert document.paragraphs[0].text == "Tecken & <b>"
    assert [r[0] for r in table_after(document, words("sv", "Partners")[0])[2:]] == ["Skola<i>"]
    assert not any(ch in text for ch in "\x01\x08\x0b\x0c\x0e\x1f\ufffe")


def test_paragraphs_and_line_breaks_of_an_answer(login, make, db):
    application = make.application()
    answer = "Första stycket.\r\n\r\nAndra stycket,\nrad två."
    sections.save_section(application.owner, application, "description", {"objectives": answer}, 0)
    db.session.commit()
    texts = [p.text for p in open_docx(login(application.owner).get(url(application))).paragraphs]
    at = texts.index("Första stycket.")
    assert texts[at + 1] == "Andra stycket,\nrad två."  # a line break inside the paragraph


def test_the_renderer_cleans_every_string():
    assert render.clean({"a": ["x\x00y", ("\ud800z",)], "b": 3}) == {"a": ["xy", ("z",)], "b": 3}


def test_the_application_page_links_the_word_document(login, ka220):
    page = login(ka220.owner).get(f"/applications/{ka220.id}").get_data(as_text=True)
    assert f'href="/applications/{ka220.id}/application.docx"' in page
    assert f'href="/applications/{ka220.id}/application.docx?lang=en"' in page
