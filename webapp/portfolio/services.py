"""The public portfolio: an organisation's granted projects that the teams marked public, as plain
values with no personal data (no people, no contact details, no texts beyond the public summary)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import joinedload, selectinload

from ..applications.models import Application, Outcome
from ..extensions import db
from ..lifecycle import STATES, Status
from ..organisations.models import Organisation, School
from ..partners.models import PartnerStatus
from ..programmes import registry
from ..programmes.rules import country_name

SHOWN = (Status.GRANTED, Status.REPORTING, Status.CLOSED)


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


def published(organisation_id: int) -> Organisation | None:
    organisation = db.session.get(Organisation, organisation_id)
    return organisation if organisation is not None and organisation.portfolio_public else None


def projects(organisation: Organisation) -> list[PublicProject]:
    query = (
        db.select(Application)
        .join(School, Application.school_id == School.id)
        .join(Outcome, Outcome.application_id == Application.id)
        .where(
            School.organisation_id == organisation.id, Outcome.public, Outcome.granted, Application.status.in_(SHOWN)
        )
        .options(joinedload(Application.school), joinedload(Application.outcome), selectinload(Application.partners))
        .order_by(Outcome.project_start.desc(), Application.id.desc())
    )
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
            )
        )
    return result
