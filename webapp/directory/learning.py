"""The directory learns from confirmed partners: a partner an application confirms is kept as an
entry (or linked to the one it matches), so the next teacher finds it with its earlier cooperation."""

from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from ..core import audit
from ..extensions import db
from .models import ContactSource, DirectoryEntry, EntryKind, folded

#: What a confirmed partner teaches an entry that lacks it; the rest stays as the directory keeps it.
LEARNED = ("kind", "city", "oid", "contact_name", "contact_email")


def entry_in(entry_id: int | None, organisation_id: int, *, organisation_only: bool = False) -> DirectoryEntry | None:
    """The entry if it is in the organisation's directory (and, if asked, an organisation one may
    apply with, not a twin town or a network)."""
    entry = db.session.get(DirectoryEntry, entry_id) if entry_id else None
    if entry is None or entry.organisation_id != organisation_id:
        return None
    return None if organisation_only and not entry.is_organisation else entry


def matching_entry(organisation_id: int, name: str, country: str) -> DirectoryEntry | None:
    """The organisation entry of the same name, compared case-folded in Python ("ÉCOLE" is "École":
    SQLite's lower() folds ASCII only), in the same country."""
    wanted = folded(name.strip())
    candidates = db.session.execute(
        db.select(DirectoryEntry.id, DirectoryEntry.name)
        .where(
            DirectoryEntry.organisation_id == organisation_id,
            DirectoryEntry.entry_kind == EntryKind.ORGANISATION,
            DirectoryEntry.country == country,
        )
        .order_by(DirectoryEntry.id)
    )
    found = next((entry_id for entry_id, entry_name in candidates if folded(entry_name.strip()) == wanted), None)
    return db.session.get(DirectoryEntry, found) if found else None


def learn_from(user, partner, organisation_id: int) -> DirectoryEntry | None:
    """Links the confirmed partner to its entry, creating one (source: earlier project) when the
    directory has none, and fills in what the entry lacks. Someone saving the entry at the same
    moment wins: the partner is saved all the same and the entry learns next time."""
    entry = entry_in(partner.directory_entry_id, organisation_id) or matching_entry(
        organisation_id, partner.name, partner.country
    )
    try:
        with db.session.begin_nested():
            if entry is None:
                entry = DirectoryEntry(
                    organisation_id=organisation_id,
                    entry_kind=EntryKind.ORGANISATION,
                    name=partner.name,
                    country=partner.country,
                    source=ContactSource.EARLIER_PROJECT,
                )
                db.session.add(entry)
                before = None
            else:
                before = audit.snapshot(entry, LEARNED)
            for field in LEARNED:
                if not getattr(entry, field, None) and getattr(partner, field):
                    setattr(entry, field, getattr(partner, field))
            db.session.flush()
            partner.directory_entry_id = entry.id
            db.session.flush()
    except StaleDataError:
        return None
    after = audit.snapshot(entry, LEARNED)
    if before != after:
        action = "directory.created" if before is None else "directory.learned"
        audit.record(user, action, entry, organisation_id, before, {**after, "from_partner": partner.id})
    return entry
