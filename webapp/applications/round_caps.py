"""Caps per organisation and call round (a definition's `eligibility.round_caps`): which caps an
application, or a planned one, breaks, counted over the school's own applications.

Only warnings: the programme, not Grantpath, refuses a second application, and Grantpath cannot see
the school's participations as a partner in other organisations' applications, so the count is a
lower bound and the warning says what it counts. The school is the applicant (the OID holder)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import case, false, literal

from ..core.i18n import current_language
from ..extensions import db
from ..lifecycle import STATES, Status
from ..organisations.models import School
from ..programmes import registry
from ..programmes.eligibility import RoundCap
from ..programmes.schema import ActionDefinition, Localised
from .access import visible_clause
from .models import Application


def _counts(state) -> bool:
    """A place under a cap is taken by anything still in play (drafts too: two drafts for one round
    is what the warning is for) and by anything sent (a rejected application was still one of the
    round's). A withdrawn application, or one the principal declined to send, takes none."""
    return state.in_play or state.sent


def counting_statuses() -> tuple[Status, ...]:
    return tuple(s.status for s in STATES.values() if _counts(s))


@dataclass(frozen=True)
class Counted:
    """Another application under the cap; `visible` says whether the viewer may open it."""

    id: int
    title: str
    action_key: str
    visible: bool


@dataclass(frozen=True)
class BrokenCap:
    cap: RoundCap
    school_name: str
    round_id: str
    others: tuple[Counted, ...]


def broken_caps(application: Application, user=None) -> list[BrokenCap]:
    """The caps this application breaks together with the school's other counted applications of
    its round; none when it does not count itself (withdrawn, declined)."""
    if not _counts(STATES[Status(application.status)]):
        return []
    year = application.call_year
    definition = registry.get(application.action_key, year) if year else None  # None: by the round
    return caps_for(
        application.school,
        application.action_key,
        application.call_round,
        user,
        exclude_id=application.id,
        definition=definition,
    )


def caps_for(
    school: School,
    action_key: str,
    round_id: str,
    user=None,
    *,
    exclude_id: int | None = None,
    definition: ActionDefinition | None = None,
) -> list[BrokenCap]:
    """The caps a planned application (school, action, round) would break: one query for every cap
    of the definition, none when it has no caps (Nordplus)."""
    definition = definition or registry.for_round(action_key, round_id)
    caps = definition.eligibility.round_caps if definition else []
    if not caps:
        return []
    visible = visible_clause(user) if getattr(user, "is_authenticated", False) else false()
    query = (
        db.select(
            Application.id,
            Application.title,
            Application.action_key,
            case((visible, literal(True)), else_=literal(False)).label("visible"),
        )
        .join(School, Application.school_id == School.id)
        .where(
            Application.school_id == school.id,
            Application.call_round == round_id,
            Application.action_key.in_(sorted({key for cap in caps for key in cap.counts})),
            Application.status.in_(counting_statuses()),
        )
        .order_by(Application.id)
    )
    if exclude_id is not None:
        query = query.where(Application.id != exclude_id)
    rows = [Counted(r.id, r.title, r.action_key, bool(r.visible)) for r in db.session.execute(query)]
    broken = []
    for cap in caps:
        others = tuple(r for r in rows if r.action_key in cap.counts)
        if len(others) + 1 > cap.max:
            broken.append(BrokenCap(cap, school.name, round_id, others))
    return broken


@dataclass(frozen=True)
class OtherLink:
    label: str
    url: str | None  # None: the viewer may not open it, and its title is not shown


@dataclass(frozen=True)
class CapWarning:
    """A broken cap in words: `lead` is followed by the other applications, then `rule`."""

    lead: str
    others: tuple[OtherLink, ...]
    rule: str
    doubt: str | None
    note: str | None


def warnings(broken: list[BrokenCap], language: str | None = None) -> list[CapWarning]:
    language = language or current_language()
    return [_warning(b, language) for b in broken]


def _warning(broken: BrokenCap, language: str) -> CapWarning:
    cap, count = broken.cap, len(broken.others)
    names = {"school": broken.school_name, "action": " / ".join(cap.counts), "round": broken.round_id}
    lead = ngettext(
        "%(school)s already has another %(action)s application in round %(round)s:",
        "%(school)s already has %(num)d other %(action)s applications in round %(round)s:",
        count,
        **names,
    )
    if cap.role == "coordinator":
        rule = ngettext(
            "The programme allows one per organisation and round.",
            "The programme allows %(num)d per organisation and round.",
            cap.max,
        )
    else:
        rule = ngettext(
            "The programme allows one participation per organisation and round, as coordinator or partner. "
            "Grantpath counts only the school's own applications, not its part in other organisations' applications.",
            "The programme allows %(num)d participations per organisation and round, as coordinator or partner. "
            "Grantpath counts only the school's own applications, not its part in other organisations' applications.",
            cap.max,
        )
    others = tuple(
        OtherLink(o.title, url_for("applications.show", application_id=o.id))
        if o.visible
        else OtherLink(_("another application"), None)
        for o in broken.others
    )
    doubt = None if cap.confirmed else _("The sources for this cap are uncertain.")
    note = cap.note.get(language) if isinstance(cap.note, Localised) else None
    return CapWarning(lead, others, rule, doubt, note)
