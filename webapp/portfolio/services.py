"""The public portfolio: an organisation's granted projects that the teams marked public, as plain
values with no personal data (no people, no contact details, no texts beyond the public summary)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import joinedload, selectinload

from ..applications.models import Application, Outcome
from ..documents.models import Document, DocumentKind
from ..extensions import db
from ..lifecycle import STATES, Status, statuses
from ..organisations.models import Organisation, School
from ..partners.models import PartnerStatus
from ..programmes import registry
from ..programmes.rules import country_name

SHOWN = statuses("funded")


@dataclass(frozen=True)
class PublicProject:
    title: str
    school: str
    programme: str
    action: str
    start: date | None
    end: date | None
    countries: list[str]
    summary: str
    state: str
    final_report_id: int | None = None  # the report's PDF, public once the project is closed


def _visible(organisation: Organisation):
    """The applications a published portfolio shows: granted, marked public, of its schools."""
    return (
        db.select(Application)
        .join(School, Application.school_id == School.id)
        .join(Outcome, Outcome.application_id == Application.id)
        .where(
            School.organisation_id == organisation.id, Outcome.public, Outcome.granted, Application.status.in_(SHOWN)
        )
    )


def _final_reports(organisation: Organisation) -> dict[int, int]:
    """The latest final report of each closed project the portfolio shows, as (application id, document id)."""
    closed = _visible(organisation).where(Application.status == Status.CLOSED).with_only_columns(Application.id)
    query = (
        db.select(Document.application_id, db.func.max(Document.id))
        .where(Document.kind == DocumentKind.FINAL_REPORT, Document.application_id.in_(closed))
        .group_by(Document.application_id)
    )
    return dict(db.session.execute(query).all())


def published(organisation_id: int) -> Organisation | None:
    organisation = db.session.get(Organisation, organisation_id)
    return organisation if organisation is not None and organisation.portfolio_public else None


def projects(organisation: Organisation) -> list[PublicProject]:
    query = (
        _visible(organisation)
        .options(joinedload(Application.school), joinedload(Application.outcome), selectinload(Application.partners))
        .order_by(Outcome.project_start.desc(), Application.id.desc())
    )
    reports = _final_reports(organisation)
    result = []
    for application in db.session.scalars(query).unique():
        definition = registry.for_round(application.action_key, application.call_round)
        countries = {application.school.country} | {
            p.country for p in application.partners if p.status == PartnerStatus.CONFIRMED
        }
        result.append(
            PublicProject(
                title=application.title,
                school=application.school.name,
                programme=registry.programme(definition.programme).name if definition else "",
                action=application.action_key,
                start=application.outcome.project_start,
                end=application.outcome.project_end,
                countries=sorted(country_name(c) for c in countries),
                summary=application.outcome.final_summary if application.status == Status.CLOSED else "",
                state=str(STATES[Status(application.status)].label),
                final_report_id=reports.get(application.id),
            )
        )
    return result


def public_final_report(organisation: Organisation, document_id: int) -> Document | None:
    """A final report the portfolio links, with its bytes; any other document is not found."""
    if document_id not in _final_reports(organisation).values():
        return None
    return db.session.get(Document, document_id)
