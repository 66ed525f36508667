"""What the review page shows: every section in the form's order with its answer, its comments and
what changed since the principal's last review (the words marked by the section history's own
compare), and how the overview links to it. Plain values, so the template compares no status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import cycle

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..applications.models import Application
from ..core.access import can
from ..lifecycle import STATES, TRANSITIONS, Status
from ..programmes.schema import SectionDef
from ..sections import services as sections
from ..sections.presenters import FieldChange, compare_answers
from . import services
from .models import SectionComment


@dataclass(frozen=True)
class Change:
    """How a section stands against the last review."""

    label: str
    tone: str  # a badge tone of webapp.lifecycle.states.TONES
    counts: bool  # counted in "n sections changed since"


UNCHANGED = Change(_l("Unchanged since the last review"), "neutral", False)
CHANGED = Change(_l("Changed since the last review"), "attention", True)
NEW = Change(_l("New since the last review"), "info", True)

#: The decision a review was taken with, as the page names it (the transition's own label otherwise).
_DECISIONS = {
    "request_changes": _l("Changes asked for"),
    "approve": _l("Approved and signed"),
    "decline": _l("Declined"),
}


@dataclass(frozen=True)
class SectionReview:
    section: SectionDef
    answered: bool
    change: Change | None  # None without a review, or for a section answered neither then nor now
    fields: list[FieldChange]  # `changed` marks the fields whose words differ from the last review's
    comments: list[SectionComment] = field(default_factory=list)  # open ones first
    earlier_missing: bool = False  # changed, but the reviewed version is not in the history to compare with

    @property
    def open_count(self) -> int:
        return sum(1 for c in self.comments if c.is_open)


@dataclass(frozen=True)
class LastReview:
    at: datetime
    by: str
    decision: str
    changed: int  # sections changed or new since


@dataclass(frozen=True)
class ReviewPage:
    sections: list[SectionReview]
    last: LastReview | None


def review_page(application: Application) -> ReviewPage | None:
    """Every section of the form, compared with the version the last review saw. A constant number
    of queries however many sections: answers, reviewed versions and comments are each one load."""
    definition = sections.definition_of(application)
    if definition is None:
        return None
    review = services.latest_review(application)
    recorded = (review.section_versions or {}) if review else {}
    earlier = services.reviewed_versions(application, review)
    comments = services.comments_by_section(application)
    rows = sections.answer_rows(application)
    orgs = sections.participants(application)
    result = []
    for section in definition.sections:
        row = rows.get(section.key)
        current = (row.data or {}) if row else {}
        before, change, missing = current, None, False
        if review is not None and section.key in recorded:
            version = earlier.get(section.key)
            if row is not None and row.version != recorded[section.key]:
                before, missing = (version.data or {}, False) if version is not None else (current, True)
            change = UNCHANGED
        elif review is not None and row is not None:
            change = NEW
        fields = _shown(section, compare_answers(section, before, current, orgs))
        if change is UNCHANGED and (missing or any(f.changed for f in fields)):
            change = CHANGED
        result.append(SectionReview(section, row is not None, change, fields, comments.get(section.key, []), missing))
    return ReviewPage(result, _last(review, result))


def _shown(section: SectionDef, changes: list[FieldChange]) -> list[FieldChange]:
    """The fields to show: a field asked only after a certain answer is left out while empty on both
    sides. compare_answers gives every field of the section in the form's order, item after item."""
    return [
        change
        for change, fdef in zip(changes, cycle(section.fields), strict=False)
        if not (fdef.show_if and not change.changed and not str(change.after))
    ]


def _last(review, shown: list[SectionReview]) -> LastReview | None:
    if review is None:
        return None
    transition = TRANSITIONS.get(review.step)
    decision = _DECISIONS.get(review.step) or (transition.label if transition else review.step)
    return LastReview(
        review.reviewed_at,
        review.reviewer.name if review.reviewer else str(_l("Not known")),
        str(decision),
        sum(1 for s in shown if s.change is not None and s.change.counts),
    )


DECIDING_LABEL = _l("Review the application")
READING_LABEL = _l("Comments and review")


@dataclass(frozen=True)
class ReviewLink:
    url: str
    label: str
    primary: bool  # the principal's own step now
    open_comments: int


def deciding(application: Application) -> bool:
    """The application waits for this user's decision: the review page is their next step."""
    return STATES[Status(application.status)].waits_for_principal and bool(can("application.decide", application))


def review_link(application: Application) -> ReviewLink:
    """The overview's link to the review page: the principal's next step while it waits for them."""
    primary = deciding(application)
    return ReviewLink(
        url_for("review.index", application_id=application.id),
        str(DECIDING_LABEL if primary else READING_LABEL),
        primary,
        sum(services.open_counts(application).values()),
    )
