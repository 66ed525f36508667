"""Partners of an application: the pipeline from identified to confirmed. Services raise Conflict
and never commit; the request boundary does."""

from __future__ import annotations

from ..applications.models import Application
from ..auth.models import User
from ..core import audit
from ..core.errors import Conflict
from ..core.models import versioned_write
from ..extensions import db
from .models import Partner, PartnerStatus

FIELDS = ("name", "country", "city", "oid", "contact_name", "contact_email", "status", "notes")


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


def _assign(partner: Partner, data: dict) -> None:
    for field in FIELDS:
        value = data.get(field)
        setattr(partner, field, (value or None) if field == "oid" else (value or ""))


def remove(user: User, application: Application, partner: Partner) -> None:
    """Removes the partner; Conflict if someone else removed or changed it at the same moment."""
    snapshot = audit.snapshot(partner, FIELDS)
    with versioned_write(partner):
        db.session.delete(partner)
    db.session.expire(application, ["partners"])
    audit.record(user, "partner.removed", application, application.organisation_id, snapshot, None)
