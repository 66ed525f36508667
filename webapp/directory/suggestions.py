"""Partners to suggest for an application, from the organisation's directory, each with the reasons
it is suggested: only organisations in countries that count for the action; then what they share
with the application (topics, school levels), earlier cooperation and how it went, a twin-town
link, and the distance. The weights are plain numbers here, so the order is easy to explain."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..applications.access import visible_clause
from ..applications.models import Application
from ..budgets import distances
from ..core.i18n import format_number
from ..extensions import db
from ..lifecycle import STATES, Status
from ..organisations.models import School
from ..partners.models import Partner, PartnerStatus
from ..programmes.rules import country_name
from ..sections import services as sections
from .models import ContactSource, DirectoryEntry, EntryKind
from .services import countries_that_count

LIMIT = 10
NEAR_KM = 1500  # "near" for a school exchange: a day's travel or a short flight

WEIGHTS = {
    "twin_town": 3,
    "funded_together": 3,
    "worked_together": 1,
    "declined_before": -2,
    "topic": 2,  # per topic in common, at most three counted
    "level": 1,
    "near": 1,
}


@dataclass
class Suggestion:
    entry: DirectoryEntry
    score: int = 0
    reasons: list = field(default_factory=list)  # what a teacher reads, most telling first
    distance_km: int | None = None

    def add(self, weight_key: str, reason, times: int = 1) -> None:
        self.score += WEIGHTS[weight_key] * times
        self.reasons.append(reason)


def _terms(text: str) -> list[str]:
    """The topics or levels an entry lists: "läsning, klimat; idrott" → three."""
    return [t.strip() for t in re.split(r"[,;/\n]", text or "") if len(t.strip()) >= 3]


def _mentions(text: str, term: str) -> bool:
    """Whether the (case-folded) text mentions the term or its stem: "klimat" in "klimatsmart"."""
    term = term.casefold()
    stem = term[:-2] if len(term) >= 7 else term
    return stem in text


def application_text(application: Application) -> str:
    """What the team wrote so far, case-folded: the title and every text answer."""
    parts = [application.title or ""]

    def walk(value):
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(sections.answers(application))
    return " ".join(parts).casefold()


def _earlier(organisation_id: int, application: Application, user) -> dict[int, list]:
    """Entry id → its partnerships in the organisation's other applications that `user` may see
    (another school's titles are not a teacher's to read), newest first."""
    rows = db.session.execute(
        db.select(
            Partner.directory_entry_id,
            Partner.status,
            Application.title,
            Application.status,
            Application.action_key,
            Application.call_round,
        )
        .join(Application, Partner.application_id == Application.id)
        .join(DirectoryEntry, Partner.directory_entry_id == DirectoryEntry.id)
        .join(School, Application.school_id == School.id)
        .where(
            DirectoryEntry.organisation_id == organisation_id,
            Application.id != application.id,
            visible_clause(user),
        )
        .order_by(Application.created_at.desc(), Application.id.desc())
    )
    earlier: dict[int, list] = {}
    for row in rows:
        earlier.setdefault(row[0], []).append(row[1:])
    return earlier


def _cooperation(suggestion: Suggestion, partnerships: list) -> None:
    """The two most telling earlier partnerships: a granted one first, then a refusal, then the newest."""

    def telling(partnership) -> int:
        partner_status, status = partnership[0], partnership[2]
        if partner_status == PartnerStatus.CONFIRMED and STATES[Status(status)].funded:
            return 0
        return 1 if partner_status == PartnerStatus.DECLINED else 2

    for partner_status, title, status, action_key, call_round in sorted(partnerships, key=telling)[:2]:
        state = STATES[Status(status)]
        context = {"title": title, "action": action_key, "round": call_round, "state": state.label}
        if partner_status == PartnerStatus.DECLINED:
            suggestion.add("declined_before", _l("Declined to join “%(title)s” (%(action)s %(round)s).", **context))
        elif state.funded and partner_status == PartnerStatus.CONFIRMED:
            suggestion.add(
                "funded_together", _l("Partner in “%(title)s” (%(action)s %(round)s): %(state)s.", **context)
            )
        else:
            suggestion.add("worked_together", _l("In “%(title)s” (%(action)s %(round)s): %(state)s.", **context))


def suggest(application: Application, user, wanted: str = "", limit: int = LIMIT) -> list[Suggestion]:
    """The best `limit` directory organisations for the application, best first, as `user` may see
    them. `wanted` are words the team looks for (topics, levels); without them, what the application
    says is matched."""
    definition = sections.definition_of(application)
    if definition is None:
        return []
    organisation_id = application.organisation_id
    countries = countries_that_count(definition)
    taken_ids = {p.directory_entry_id for p in application.partners if p.directory_entry_id}
    taken_names = {(p.country, p.name.casefold()) for p in application.partners}
    entries = db.session.scalars(
        db.select(DirectoryEntry).where(
            DirectoryEntry.organisation_id == organisation_id, DirectoryEntry.country.in_(sorted(countries))
        )
    ).all()
    twin_towns = {
        (e.country, e.city.casefold() or e.name.casefold()): e for e in entries if e.entry_kind == EntryKind.TWIN_TOWN
    }
    text = " ".join(wanted.split()).casefold() if wanted.strip() else application_text(application)
    earlier = _earlier(organisation_id, application, user)
    school = application.school
    results = []
    for entry in entries:
        if entry.entry_kind != EntryKind.ORGANISATION or entry.id in taken_ids:
            continue
        if (entry.country, entry.name.casefold()) in taken_names:
            continue
        suggestion = Suggestion(entry)
        twin = twin_towns.get((entry.country, entry.city.casefold()))
        if twin is not None:
            suggestion.add("twin_town", _l("In %(city)s, a twin town: %(town)s.", city=entry.city, town=twin.name))
        elif entry.source == ContactSource.TWIN_TOWN:
            suggestion.add("twin_town", _l("Met through a twin town."))
        _cooperation(suggestion, earlier.get(entry.id, []))
        topics = [t for t in _terms(entry.topics) if _mentions(text, t)]
        if topics:
            suggestion.add("topic", _l("Topics in common: %(topics)s.", topics=", ".join(topics)), min(len(topics), 3))
        levels = [t for t in _terms(entry.levels) if _mentions(text, t)]
        if levels:
            suggestion.add("level", _l("School levels: %(levels)s.", levels=", ".join(levels)))
        km = distances.distance_between(school.city, school.country, entry.city, entry.country)
        if km is not None:
            suggestion.distance_km = round(km)
            if km <= NEAR_KM:
                suggestion.add("near", _l("%(km)s km away.", km=format_number(round(km))))
        suggestion.reasons.insert(
            0, _l("%(country)s counts for %(action)s.", country=country_name(entry.country), action=definition.key)
        )
        results.append(suggestion)
    results.sort(key=lambda s: (-s.score, s.distance_km if s.distance_km is not None else 10**6, s.entry.name))
    return results[:limit]
