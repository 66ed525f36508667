"""The dossier's plain values (webapp/pdf/context.py) as a Word document: Word's own styles (Title,
Heading 1–3, Normal, List Bullet, a grid table style), so the navigation pane, the table of contents
and the user's own style changes work on it as on any document they wrote themselves.

The order is the PDF dossier's: the cover, the form's sections in the official order (a question is a
heading, its answer Normal text, its character limit a note under the question), the partners, the
timeline, the self-assessment, the budget and the checklist. While the application is not sent, every
page's header says DRAFT."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from docx import Document

from ..core.i18n import format_moment, format_number

MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: The language Word checks the spelling in, and the document's language property.
LANGUAGE_TAGS = {"sv": "sv-SE", "en": "en-GB"}
TABLE_STYLE = "Light Grid Accent 1"

#: Characters XML 1.0 does not allow (C0 controls but tab, line feed and carriage return; lone
#: surrogates; U+FFFE and U+FFFF): lxml refuses them, so they are dropped, never a failed document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")


def clean(value):
    """The context with every string made fit for XML (a dict, list or tuple walked through)."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(clean(v) for v in value)
    return value


class _Writer:
    """python-docx with each style's id looked up once: python-docx's own `style=` looks the style
    up by name and then scans every style for the default on each paragraph, most of the time."""

    def __init__(self, language: str):
        self.doc = Document()
        self._ids = {}
        self.tag = LANGUAGE_TAGS.get(language, language)
        for lang in self.doc.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang"):
            lang.set(qn("w:val"), self.tag)  # spelling and grammar in the document's language

    def style_id(self, name: str) -> str | None:
        """The style's id, or None for the default paragraph style (Normal), which needs none."""
        if name not in self._ids:
            style = self.doc.styles[name]
            self._ids[name] = None if style.builtin and name == "Normal" else style.style_id
        return self._ids[name]

    def paragraph(self, text: str = "", style: str = "Normal", *, bold: bool = False, italic: bool = False):
        paragraph = self.doc.add_paragraph()
        style_id = self.style_id(style)
        if style_id:
            paragraph._p.style = style_id
        if text:
            run = paragraph.add_run(text)
            if bold:
                run.bold = True
            if italic:
                run.italic = True
        return paragraph

    def heading(self, text: str, level: int):
        return self.paragraph(text, f"Heading {level}")

    def fact(self, label: str, value: str) -> None:
        """A line of the cover: the label in bold, then its value."""
        paragraph = self.paragraph(f"{label}: ", bold=True)
        paragraph.add_run(value or "–")

    def answer(self, text: str) -> None:
        """An answer's text: a blank line starts a new paragraph, a single line break stays a break."""
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
        for block in _BLANK_LINE.split(text):
            self.paragraph(block)

    def table(self, header: list[str] | None, rows: list, *, total: list | None = None, numbers: tuple = ()):
        """A table in the document's table style; the header row repeats on every page it spans."""
        lines = ([header] if header else []) + list(rows) + ([total] if total else [])
        table = self.doc.add_table(rows=len(lines), cols=len(lines[0]))
        table._tbl.tblStyle_val = self.style_id(TABLE_STYLE)
        for index, (row, values) in enumerate(zip(table.rows, lines, strict=True)):
            strong = (header and index == 0) or (total and index == len(lines) - 1)
            for column, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                paragraph = cell.paragraphs[0]
                if value not in (None, ""):
                    run = paragraph.add_run(str(value))
                    if strong:
                        run.bold = True
                if column in numbers and index > 0:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if header:
            table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        return table

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _header_and_footer(writer: _Writer, data: dict) -> None:
    section = writer.doc.sections[0]
    if data["draft"]:
        paragraph = section.header.paragraphs[0]
        paragraph._p.style = writer.style_id("Header")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(_("DRAFT")).bold = True
    footer = section.footer.paragraphs[0]
    footer._p.style = writer.style_id("Footer")
    footer.add_run(f"{data['title']} · {_('Page')} ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    field.append(OxmlElement("w:r"))
    footer._p.append(field)


def _properties(writer: _Writer, data: dict, generated: datetime) -> None:
    properties = writer.doc.core_properties
    author = ", ".join(data["team"]) or data["applicant"]["name"]
    properties.title = data["title"][:255]
    properties.subject = f"{data['programme']} {data['action_key']}: {data['action_name']}"[:255]
    properties.author = properties.last_modified_by = author[:255]
    properties.keywords = data["action_key"]
    properties.category = data["programme"]
    properties.comments = _("Generated %(when)s by Grantpath", when=format_moment(generated))
    properties.language = writer.tag
    properties.created = properties.modified = generated.astimezone(UTC)
    properties.revision = 1


def _cover(writer: _Writer, data: dict, generated: datetime) -> None:
    writer.paragraph(data["title"], "Title")
    kind = _("Application draft") if data["draft"] else _("Application")
    writer.paragraph(f"{data['programme']} · {data['action_key']} · {kind}", "Subtitle")
    writer.paragraph(data["action_name"])
    deadline = data["deadline"]
    if not data["deadline_confirmed"]:
        deadline += " – " + _("not yet confirmed")
    applicant = data["applicant"]
    ids = f"OID {applicant['oid'] or '–'}" + (f" · PIC {applicant['pic']}" if applicant["pic"] else "")
    partners = "; ".join(f"{p['name']} ({p['country_name']})" for p in data["partners"])
    for label, value in (
        (_("Call round"), data["call_round"]),
        (_("Deadline"), deadline),
        (_("Applicant"), f"{applicant['name']}, {applicant['city']}, {applicant['country_name']} · {ids}"),
        (_("Partners"), partners),
        (_("National agency"), data["national_agency"]),
        (_("Team"), ", ".join(data["team"])),
        (_("Status"), data["status"]),
    ):
        writer.fact(label, value)
    if data["open_problems"]:
        missing = ngettext(
            "%(num)d thing is still missing in the form.",
            "%(num)d things are still missing in the form.",
            data["open_problems"],
        )
    else:
        missing = _("Everything the form asks for is answered and within its limits.")
    writer.paragraph(missing)
    writer.paragraph(_("Generated %(when)s by Grantpath", when=format_moment(generated)), italic=True)


def _limit_note(field: dict) -> str | None:
    if not field["limit"] or field["count"] is None:
        return None
    note = _("%(count)s / %(max)s characters", count=format_number(field["count"]), max=format_number(field["limit"]))
    if field["over"]:
        note += " – " + _("%(over)s over the limit", over=format_number(field["count"] - field["limit"]))
    return note


def _sections(writer: _Writer, data: dict) -> None:
    for section in data["sections"]:
        writer.heading(section["title"], 1)
        if section["form_ref"]:
            writer.paragraph(section["form_ref"], italic=True)
        if not section["items"]:
            writer.paragraph(_("Not answered yet"), italic=True)
        for item in section["items"]:
            if item["heading"]:
                writer.heading(item["heading"], 2)
            level = 3 if item["heading"] else 2
            for field in item["fields"]:
                writer.heading(field["label"], level)
                note = _limit_note(field)
                if note:
                    writer.paragraph(note, italic=True)
                if field["value"]:
                    writer.answer(field["value"])
                else:
                    writer.paragraph(_("Not answered yet"), italic=True)


def _partners(writer: _Writer, data: dict) -> None:
    writer.heading(_("Partners"), 1)
    applicant = data["applicant"]
    rows = [
        (
            f"{applicant['name']} ({_('applicant')})",
            applicant["country_name"],
            applicant["city"],
            applicant["oid"] or "–",
            "–",
        )
    ]
    rows += [(p["name"], p["country_name"], p["city"], p["oid"] or "–", p["status_label"]) for p in data["partners"]]
    writer.table([_("Organisation"), _("Country"), _("City"), "OID", _("Where you stand")], rows)


def _timeline(writer: _Writer, data: dict) -> None:
    writer.heading(_("Timeline"), 1)
    if data["timeline"]:
        writer.table([_("Date"), _("What")], [(e["date"], e["label"]) for e in data["timeline"]])
    else:
        writer.paragraph(_("No dates yet."), italic=True)


def _self_assessment(writer: _Writer, data: dict) -> None:
    assessment = data["self_assessment"]
    if not assessment:
        return
    writer.heading(_("Self-assessment"), 1)
    rows = [
        (c["title"], "–" if c["score"] is None else c["score"], c["max"], c["threshold"])
        for c in assessment["criteria"]
    ]
    total = [
        _("Total"),
        assessment["total"] if assessment["scored"] else "–",
        assessment["max"],
        assessment["pass_mark"],
    ]
    writer.table([_("Criterion"), _("Score"), _("Maximum"), _("Threshold")], rows, total=total, numbers=(1, 2, 3))


def _budget(writer: _Writer, data: dict) -> None:
    budget = data["budget"]
    if not budget:
        return
    writer.heading(_("Budget"), 1)
    total = [_("Total"), _("of the lump sum %(amount)s", amount=budget["of"]) if budget["of"] else "", budget["total"]]
    writer.table([_("Item"), _("Calculation (euro)"), _("Amount")], budget["rows"], total=total, numbers=(2,))
    for note in budget["notes"]:
        writer.paragraph(note, "List Bullet")


def _checklist(writer: _Writer, data: dict) -> None:
    writer.heading(_("Checklist"), 1)
    for item in data["checklist"]:
        writer.paragraph(f"{_('Done') if item['done'] else _('Not yet')}: {item['label']}", "List Bullet")
    if data["annexes"]:
        writer.heading(_("Annexes"), 2)
        for annex in data["annexes"]:
            suffix = "" if annex["required"] else f" ({_('not always required')})"
            writer.paragraph(annex["label"] + suffix, "List Bullet")


def document(data: dict, language: str, generated: datetime | None = None) -> bytes:
    """The dossier context `data` (pdf.context.dossier) as the bytes of a .docx in `language`."""
    generated = generated or datetime.now(UTC)
    data = clean(data)
    with force_locale(language):
        writer = _Writer(language)
        _properties(writer, data, generated)
        _header_and_footer(writer, data)
        _cover(writer, data, generated)
        for part in (_sections, _partners, _timeline, _self_assessment, _budget, _checklist):
            part(writer, data)
        return writer.bytes()


def _blank(label: str, writer: _Writer, value: str = "") -> None:
    """A line to fill in by hand: the label, then what is known or a line of underscores."""
    writer.paragraph(f"{label}: " + (value or "_" * 40))


def letter(data: dict, language: str, generated: datetime | None = None) -> bytes:
    """A partner's letter of intent (Nordplus) or mandate (Erasmus+), `data` as pdf.context.letter
    gives it, for a partner who signs in Word: the PDF letter's own words and blanks."""
    generated = generated or datetime.now(UTC)
    data = clean(data)
    partner, applicant = data["partner"], data["applicant"]
    with force_locale(language):
        writer = _Writer(language)
        properties = writer.doc.core_properties
        properties.title = data["title"][:255]
        properties.author = applicant["name"][:255]
        properties.language = writer.tag
        properties.created = properties.modified = generated.astimezone(UTC)
        place = ", ".join(part for part in (partner["city"], partner["country_name"]) if part)
        writer.paragraph(f"{partner['name']}\n{place}")
        writer.paragraph(f"{data['programme']} · {data['action_key']}\n{data['call_round']}")
        project = data["title"] + (
            f" ({data['title_en']})" if data["title_en"] and data["title_en"] != data["title"] else ""
        )
        if data["kind"] == "letter_of_intent":
            writer.paragraph(_("Letter of intent"), "Title")
            _blank(_("Application ID in Espresso"), writer)
            writer.fact(_("Project"), project)
            writer.fact(_("Programme"), data["action_name"])
            writer.fact(_("Coordinator"), f"{applicant['name']}, {applicant['city']}, {applicant['country_name']}")
            writer.paragraph(
                _(
                    "%(partner)s confirms that it takes part in the project above as a partner, coordinated by %(coordinator)s, and will carry out its share of the activities described in the application if the project is granted.",
                    partner=partner["name"],
                    coordinator=applicant["name"],
                )
            )
            _blank(_("Our role in the project"), writer)
            signers = [
                (_("Legal representative"), [(_("Name and title"), ""), (_("Place and date"), "")]),
                (
                    _("Project coordinator at the organisation"),
                    [(_("Name"), partner.get("contact") or ""), (_("Place and date"), "")],
                ),
            ]
        else:
            writer.paragraph(_("Mandate"), "Title")
            writer.fact(_("Project"), project)
            writer.fact(_("Action"), f"{data['action_key']} – {data['action_name']}")
            writer.fact(
                _("Applicant and coordinator"),
                f"{applicant['name']}, {applicant['country_name']}, OID {applicant['oid'] or '–'}",
            )
            writer.fact(_("Partner"), f"{partner['name']}, {partner['country_name']}, OID {partner['oid'] or '_' * 12}")
            writer.paragraph(
                _(
                    "I, the undersigned, legal representative of %(partner)s, authorise %(coordinator)s to apply for the project above on our behalf to the national agency (%(agency)s), to sign the grant agreement and its amendments if the project is granted, and to receive the grant and distribute it among the partners as agreed.",
                    partner=partner["name"],
                    coordinator=applicant["name"],
                    agency=data["national_agency"],
                )
            )
            writer.paragraph(
                _(
                    "%(partner)s undertakes to take part in the project as described in the application and to meet the obligations that the grant agreement places on partners.",
                    partner=partner["name"],
                )
            )
            signers = [
                (
                    _("Legal representative of %(partner)s", partner=partner["name"]),
                    [(_("Name and title"), ""), (_("Place and date"), "")],
                )
            ]
        for role, lines in signers:
            writer.paragraph("")
            writer.paragraph("_" * 40)
            writer.paragraph(role, bold=True)
            for line, value in lines:
                _blank(line, writer, value)
        writer.paragraph(_("Generated %(when)s by Grantpath", when=format_moment(generated)), italic=True)
        return writer.bytes()
