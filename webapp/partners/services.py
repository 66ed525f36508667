"""Partners of an application: the pipeline from identified to confirmed. Services raise Conflict
and never commit; the request boundary does."""

from __future__ import annotations

from datetime import date

from ..applications.models import Application
from ..auth.models import User
from ..core import audit
from ..core.errors import Conflict
from ..core.i18n import today_in_stockholm
from ..core.models import versioned_write
from ..directory import learning as directory
from ..extensions import db
from ..programmes import registry
from .models import Partner, PartnerStatus

FIELDS = (
    "name",
    "kind",
    "country",
    "city",
    "oid",
    "contact_name",
    "contact_email",
    "status",
    "next_step",
    "next_step_due",
    "notes",
    "status_since",
    "directory_entry_id",
)
#: What a partner's form sets: the day of the status follows the status, the directory link is set
#: by adding from the directory or by learning.
FORM_FIELDS = FIELDS[:-2]


def partner_of(application: Application, partner_id: int) -> Partner | None:
    partner = db.session.get(Partner, partner_id)
    return partner if partner is not None and partner.application_id == application.id else None


def by_status(application: Application) -> dict[str, list[Partner]]:
    columns = {status.value: [] for status in PartnerStatus}
    for partner in application.partners:
        columns.setdefault(partner.status, []).append(partner)
    return columns


def save(
    user: User, application: Application, partner: Partner | None, data: dict, expected_version: int | None
) -> Partner:
    """Creates a partner, or changes one if nobody saved it since the form was loaded."""
    creating = partner is None
    if not creating and expected_version != partner.version:  # None (not posted) is a conflict too
        raise Conflict(partner)
    before = None if creating else audit.snapshot(partner, FIELDS)
    data = {field: data.get(field) for field in FORM_FIELDS}
    if creating:
        partner = Partner(application_id=application.id)
        db.session.add(partner)
        _assign(partner, data)
        db.session.flush()
    else:
        partner_id = partner.id
        try:
            with versioned_write(partner):
                _assign(partner, data)
        except Conflict:
            raise Conflict(partner_of(application, partner_id)) from None  # None: removed meanwhile
    if partner.status == PartnerStatus.CONFIRMED:
        directory.learn_from(user, partner, application.organisation_id)
    db.session.expire(application, ["partners"])
    audit.record(
        user,
        "partner.created" if creating else "partner.updated",
        application,
        application.organisation_id,
        before,
        audit.snapshot(partner, FIELDS),
    )
    return partner


_NULLABLE = {"oid", "next_step_due", "status_since", "directory_entry_id"}


def _assign(partner: Partner, data: dict) -> None:
    """Sets the fields given; the day of the status is today's when the status changes."""
    if "status" in data and data["status"] != partner.status:
        partner.status_since = today_in_stockholm()
    for field, value in data.items():
        if field == "country":
            value = registry.countries().normalise(value)  # EL (Erasmus+ codes) is stored as GR
        setattr(partner, field, (value or None) if field in _NULLABLE else (value or ""))


def add_from_directory(user: User, application: Application, entry) -> Partner:
    """The entry as a new partner of the application, identified and linked to its entry."""
    data = {field: getattr(entry, field) for field in FORM_FIELDS if hasattr(entry, field)}
    partner = Partner(application_id=application.id, directory_entry_id=entry.id)
    db.session.add(partner)
    _assign(partner, {**data, "status": PartnerStatus.IDENTIFIED, "next_step": "", "next_step_due": None})
    db.session.flush()
    db.session.expire(application, ["partners"])
    after = {**audit.snapshot(partner, FIELDS), "from_directory": entry.id}
    audit.record(user, "partner.created", application, application.organisation_id, None, after)
    return partner


def remove(user: User, application: Application, partner: Partner) -> audit.AuditEvent:
    """Removes the partner; Conflict if someone else removed or changed it at the same moment. The
    event keeps every field, so the removal can be undone (`restore`)."""
    snapshot = audit.snapshot(partner, FIELDS)
    with versioned_write(partner):
        db.session.delete(partner)
    db.session.expire(application, ["partners"])
    event = audit.record(user, "partner.removed", application, application.organisation_id, snapshot, None)
    db.session.flush()
    return event


def undoable_removal(application: Application, event_id: int | None) -> audit.AuditEvent | None:
    """The removal of one of this application's partners, if it has not been undone yet."""
    event = db.session.get(audit.AuditEvent, event_id) if event_id else None
    if event is None or event.action != "partner.removed" or event.object_type != "application":
        return None
    if event.object_id != application.id:
        return None
    restored = db.session.scalars(
        db.select(audit.AuditEvent.changes).where(
            audit.AuditEvent.action == "partner.restored",
            audit.AuditEvent.object_type == "application",
            audit.AuditEvent.object_id == application.id,
        )
    )
    return None if any((c.get("restored_from") or [None, None])[1] == event.id for c in restored) else event


def restore(user: User, application: Application, removal: audit.AuditEvent) -> Partner:
    """Puts a removed partner back as it was (a new row: its letters and links name the new id)."""
    data = {field: (removal.changes.get(field) or [None])[0] for field in FIELDS}
    for day in ("next_step_due", "status_since"):
        data[day] = date.fromisoformat(data[day]) if data[day] else None
    if (
        data["directory_entry_id"]
        and directory.entry_in(data["directory_entry_id"], application.organisation_id) is None
    ):
        data["directory_entry_id"] = None  # the entry was removed meanwhile
    partner = Partner(application_id=application.id)
    db.session.add(partner)
    _assign(partner, {**data, "status": data["status"] or PartnerStatus.IDENTIFIED})
    db.session.flush()
    db.session.expire(application, ["partners"])
    after = {**audit.snapshot(partner, FIELDS), "restored_from": removal.id}
    audit.record(user, "partner.restored", application, application.organisation_id, None, after)
    return partner
