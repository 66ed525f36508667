"""Partners of an application: the pipeline from identified to confirmed."""
from __future__ import annotations

from flask import abort
from sqlalchemy.orm.exc import StaleDataError

from ..applications.models import Application
from ..auth.models import User
from ..core import audit
from ..extensions import db
from .models import Partner, PartnerStatus

FIELDS = ("name", "country", "city", "oid", "contact_name", "contact_email", "status", "notes")


class PartnerConflict(Exception):
    def __init__(self, current: Partner):
        super().__init__("partner conflict")
        self.current = current


def partner_of(application: Application, partner_id: int) -> Partner:
    partner = db.session.get(Partner, partner_id)
    if partner is None or partner.application_id != application.id:
        abort(404)
    return partner


def by_status(application: Application) -> dict[str, list[Partner]]:
    columns = {status.value: [] for status in PartnerStatus}
    for partner in application.partners:
        columns.setdefault(partner.status, []).append(partner)
    return columns


def save(user: User, application: Application, partner: Partner | None, data: dict, expected_version: int | None) -> Partner:
    creating = partner is None
    if not creating and expected_version != partner.version:  # None (not posted) is a conflict too
        raise PartnerConflict(partner)
    before = None if creating else audit.snapshot(partner, FIELDS)
    if creating:
        partner = Partner(application=application)
        db.session.add(partner)
    for field in FIELDS:
        value = data.get(field)
        setattr(partner, field, (value or None) if field == "oid" else (value or ""))
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise PartnerConflict(db.session.get(Partner, partner.id)) from None
    audit.record(user, "partner.created" if creating else "partner.updated", application,
                 application.school.organisation_id, before, audit.snapshot(partner, FIELDS))
    return partner


def remove(user: User, application: Application, partner: Partner) -> None:
    audit.record(user, "partner.removed", application, application.school.organisation_id, audit.snapshot(partner, FIELDS), None)
    db.session.delete(partner)
