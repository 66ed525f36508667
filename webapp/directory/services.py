"""Finding and keeping directory entries: the search (filters and words over the entry's
case-folded `search_text`, a page at a time: one query for the page, one for the count) and saving an entry with its audit trail."""

from __future__ import annotations

from ..core import audit
from ..extensions import db
from ..programmes import registry
from .models import DirectoryEntry, EntryKind, folded

PER_PAGE = 25
FIELDS = (
    "entry_kind",
    "name",
    "kind",
    "country",
    "city",
    "oid",
    "contact_name",
    "contact_email",
    "languages",
    "topics",
    "levels",
    "source",
    "notes",
)


def countries_that_count(definition) -> set[str]:
    """The countries of the action's eligible groups and its listed partner-only regions (Southern
    Schleswig for Nordplus). Partner-only groups without a list (KA220's non-associated third
    countries) are left out: the directory offers partners that count."""
    partnership, countries = definition.eligibility.partnership, registry.countries()
    listed = {code for code in partnership.partner_only_countries if code not in countries.groups}
    return countries.codes(partnership.eligible_country_groups) | listed


def eligible_for(action_key: str | None) -> set[str] | None:
    """The countries that count for the action's newest definition; None when none is asked for."""
    definition = registry.get(action_key) if action_key else None
    return None if definition is None else countries_that_count(definition)


def _like(words: str) -> str:
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(
    user,
    *,
    words: str = "",
    country: str = "",
    entry_kind: str = "",
    kind: str = "",
    source: str = "",
    action: str = "",
):
    """The entries of the user's organisations that match every filter given, by name."""
    query = db.select(DirectoryEntry).where(DirectoryEntry.organisation_id.in_(user.organisation_ids))
    for word in folded(words).split()[:10]:
        query = query.where(DirectoryEntry.search_text.like(_like(word), escape="\\"))
    if country:
        query = query.where(DirectoryEntry.country == country)
    if entry_kind:
        query = query.where(DirectoryEntry.entry_kind == entry_kind)
    if kind:  # the kind of organisation: school, preschool ... (twin towns and networks have none)
        query = query.where(DirectoryEntry.kind == kind, DirectoryEntry.entry_kind == EntryKind.ORGANISATION)
    if source:
        query = query.where(DirectoryEntry.source == source)
    eligible = eligible_for(action)
    if eligible is not None:
        query = query.where(DirectoryEntry.country.in_(sorted(eligible)))
    return query.order_by(DirectoryEntry.name, DirectoryEntry.id)


def countries_in(user) -> list[str]:
    """The country codes of the entries in the user's organisations' directories."""
    return list(
        db.session.scalars(
            db.select(DirectoryEntry.country)
            .where(DirectoryEntry.organisation_id.in_(user.organisation_ids))
            .distinct()
        )
    )


def page(query, number: int):
    """Page `number` of the results; a page past the last answers the last one."""
    result = db.paginate(query, page=max(number, 1), per_page=PER_PAGE, error_out=False)
    if result.pages and result.page > result.pages:
        result = db.paginate(query, page=result.pages, per_page=PER_PAGE, error_out=False)
    return result


def save(user, entry: DirectoryEntry | None, organisation_id: int, data: dict) -> DirectoryEntry:
    creating = entry is None
    before = None if creating else audit.snapshot(entry, FIELDS)
    if creating:
        entry = DirectoryEntry(organisation_id=organisation_id)
        db.session.add(entry)
    for field in FIELDS:
        value = data.get(field)
        setattr(entry, field, (value or None) if field == "oid" else (value or ""))
    db.session.flush()
    action = "directory.created" if creating else "directory.updated"
    audit.record(user, action, entry, entry.organisation_id, before, audit.snapshot(entry, FIELDS))
    return entry


def known_entries(organisation_id: int) -> set[tuple[str, str, str]]:
    """Each entry of the organisation's directory as (name, country, city) in one case, read in one
    query: an import skips a row that is already there."""
    rows = db.session.execute(
        db.select(DirectoryEntry.name, DirectoryEntry.country, DirectoryEntry.city).where(
            DirectoryEntry.organisation_id == organisation_id
        )
    )
    return {entry_key(name, country, city) for name, country, city in rows}


def entry_key(name: str, country: str, city: str) -> tuple[str, str, str]:
    """What makes two entries the same organisation: name, country and city, in any case."""
    return (name or "").casefold(), (country or "").upper(), (city or "").casefold()


def add_many(user, organisation_id: int, rows: list[dict]) -> list[DirectoryEntry]:
    """New entries (an import) stored in one flush rather than one each, every one with the audit
    event save() writes for it."""
    entries = [DirectoryEntry(organisation_id=organisation_id) for _ in rows]
    for entry, data in zip(entries, rows, strict=True):
        for field in FIELDS:
            value = data.get(field)
            setattr(entry, field, (value or None) if field == "oid" else (value or ""))
    db.session.add_all(entries)
    db.session.flush()
    for entry in entries:
        audit.record(user, "directory.created", entry, organisation_id, None, audit.snapshot(entry, FIELDS))
    return entries
