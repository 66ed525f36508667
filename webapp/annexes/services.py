"""The programme's annexes as tracked items: each annex of the definition, for each organisation it
is asked of (the applicant, every confirmed partner, or both), is a slot that holds the signed PDF
someone uploaded. The submission is registered only when every required slot holds one: the real
web forms and Espresso refuse to submit without them (docs/sources/erasmus-plus-school-2026.md
#declaration-on-honour-and-annexes, docs/sources/nordplus-junior-2026.md#letters-of-intent)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.orm import defer, joinedload

from ..applications.models import Application
from ..core import audit
from ..core.access import Decision
from ..core.i18n import current_language
from ..documents import services as documents
from ..documents.models import Document, DocumentKind
from ..extensions import db
from ..lifecycle import requirement
from ..programmes import registry
from ..programmes.rules import Participant
from ..programmes.schema import Annex
from ..sections import services as sections

#: which organisations an annex's `per` asks it of
_ASKED_OF = {
    "applicant": lambda org: org.key == "applicant",
    "partner": lambda org: org.key != "applicant",
    "organisation": lambda org: True,
}


@dataclass(frozen=True)
class Slot:
    annex: Annex
    organisation: Participant
    document: Document | None
    drafts_letter: bool  # Grantpath drafts the letter this partner signs (pdf.partner_letter)

    @property
    def key(self) -> str:
        return f"{self.annex.key}.{self.organisation.key}"

    @property
    def partner_id(self) -> int | None:
        return int(self.organisation.key.removeprefix("partner-")) if self.organisation.key != "applicant" else None


def _uploaded(application: Application) -> dict[tuple[str, str], Document]:
    """The newest upload of each slot, without the bytes."""
    query = (
        db.select(Document)
        .where(Document.application_id == application.id, Document.kind == DocumentKind.ANNEX)
        .options(defer(Document.data), joinedload(Document.uploaded_by))
        .order_by(Document.uploaded_at, Document.id)
    )
    return {(d.annex_key, d.annex_for): d for d in db.session.scalars(query)}


def slots(application: Application) -> list[Slot]:
    """Every annex for every organisation it is asked of, in the definition's order; partners count
    once confirmed (an organisation still being asked is not in the application yet)."""
    definition = sections.definition_of(application)
    if definition is None or not definition.annexes:
        return []
    partner_document = registry.programme(definition.programme).partner_document
    organisations = [o for o in sections.participants(application) if o.confirmed]
    uploaded = _uploaded(application)
    return [
        Slot(annex, org, uploaded.get((annex.key, org.key)), org.key != "applicant" and annex.key == partner_document)
        for annex in definition.annexes
        for org in organisations
        if _ASKED_OF[annex.per](org)
    ]


def missing(application: Application) -> list[Slot]:
    return [slot for slot in slots(application) if slot.annex.required and slot.document is None]


def slot_of(application: Application, key: str) -> Slot | None:
    return next((slot for slot in slots(application) if slot.key == key), None)


class Changed(Exception):
    """Someone uploaded or removed this annex's file since the page was loaded."""


def _check_unchanged(slot: Slot, seen: int | None) -> None:
    if (slot.document.id if slot.document else None) != seen:
        raise Changed


def attach(user, application: Application, slot: Slot, upload: documents.Upload, seen: int | None) -> Document:
    """Keeps the signed PDF in its slot, in place of the file the uploader saw there (`seen`, a
    document id or None); if someone changed the slot meanwhile, nothing is replaced (Changed)."""
    _check_unchanged(slot, seen)
    before = {"file": slot.document.filename if slot.document else None}
    if slot.document is not None:
        db.session.delete(slot.document)
    document = documents.store(application, DocumentKind.ANNEX, upload, user)
    document.annex_key, document.annex_for = slot.annex.key, slot.organisation.key
    after = {"annex": slot.annex.key, "for": slot.organisation.name, "file": upload.filename}
    audit.record(user, "annex.attached", application, application.organisation_id, before, after)
    return document


def detach(user, application: Application, slot: Slot, seen: int | None) -> None:
    _check_unchanged(slot, seen)
    document = slot.document
    db.session.delete(document)
    before = {"annex": slot.annex.key, "for": slot.organisation.name, "file": document.filename}
    audit.record(user, "annex.removed", application, application.organisation_id, before, {})


def describe(slot: Slot, language: str) -> str:
    """ "Letter of intent: Tallinna Kesklinna Kool", for lists and refusals."""
    return f"{slot.annex.label.get(language)}: {slot.organisation.name}"


@requirement("annexes_attached")
def annexes_attached(application: Application, transition, user=None) -> Decision:
    """Every required annex is uploaded, for every organisation it is asked of."""
    left = missing(application)
    if not left:
        return Decision.allow()
    names = "; ".join(describe(slot, current_language()) for slot in left)
    return Decision.deny(
        ngettext(
            "%(num)d required annex is not uploaded yet: %(names)s.",
            "%(num)d required annexes are not uploaded yet: %(names)s.",
            len(left),
            names=names,
        )
    )


NOT_NOW = _l("The application is submitted: its annexes stay as they were submitted.")
