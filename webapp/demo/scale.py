"""The demo at scale (`flask --app webapp demo-data --scale N`): after the normal demo, N more
applications in the demo municipality, spread over 200 more schools with a teacher each, every one
with a partner and its idea written, in varied stages, states and call rounds. Everything goes in by
bulk INSERTs (a few statements per thousand rows), so 10,000 applications take seconds, not hours:
none of these applications took its steps through the lifecycle, they only fill the lists."""

from __future__ import annotations

from datetime import timedelta

from ..applications.models import Application, Outcome
from ..auth.models import Membership, Role, User
from ..core.models import utcnow
from ..extensions import db
from ..lifecycle import Stage, Status
from ..organisations.models import Organisation, School
from ..partners.models import Partner, PartnerStatus
from ..programmes import registry
from ..sections.models import SectionAnswer

SCHOOLS = 200
BATCH = 2_000  # rows per INSERT statement batch

#: Where a scaled application stands: stages and states in the mix a municipality's list shows.
PLACES = [
    (Stage.IDEA, Status.DRAFT),
    (Stage.IDEA, Status.DRAFT),
    (Stage.PARTNERS, Status.DRAFT),
    (Stage.PARTNERS, Status.DRAFT),
    (Stage.ORGANISATION, Status.DRAFT),
    (Stage.SUBMISSION, Status.DRAFT),
    (Stage.SUBMISSION, Status.AWAITING_APPROVAL),
    (Stage.SUBMISSION, Status.CHANGES_REQUESTED),
    (Stage.SUBMISSION, Status.APPROVED),
    (Stage.SUBMISSION, Status.SUBMITTED),
    (Stage.SUBMISSION, Status.GRANTED),
    (Stage.SUBMISSION, Status.REJECTED),
    (Stage.SUBMISSION, Status.RESERVE_LIST),
    (Stage.SUBMISSION, Status.REPORTING),
    (Stage.SUBMISSION, Status.CLOSED),
    (Stage.IDEA, Status.WITHDRAWN),
]
TOPICS = ["klimat", "läsning", "matematik", "demokrati", "musik", "idrott", "mat", "konst", "digital", "natur"]
PARTNERS = [("Kouvolan koulu", "FI", "Kouvola"), ("Ringsted Skole", "DK", "Ringsted"), ("Brno ZŠ", "CZ", "Brno")]


def _amounts(definition) -> list[int]:
    """Euros an application of this action may ask for: its lump sums, else unit-cost totals."""
    rule = definition.lump_sum_split
    if rule is not None:
        section_key, field_key = rule.lump_sum.split(".")
        field = next(f for f in definition.section(section_key).fields if f.key == field_key)
        return [int(choice.value) for choice in field.choices or () if choice.value.isdigit()] or [30_000]
    return [12_000 + 1_500 * step for step in range(20)] if definition.unit_costs is not None else []


def _calls() -> list[tuple]:
    """(action, round, call year, deadline, first section, its first text field, amounts) of every round."""
    calls = []
    for definition in registry.all_actions():
        section = definition.sections[0]
        field = next((f.key for f in section.fields if f.type in ("text", "textarea")), None)
        for call_round in definition.call_rounds:
            calls.append(
                (
                    definition.key,
                    call_round.id,
                    definition.call_year,
                    call_round.deadline_utc,
                    section.key,
                    field,
                    _amounts(definition),
                )
            )
    return calls


#: The statuses whose applications have an outcome, and whether it was a grant.
OUTCOMES = {
    Status.GRANTED: True,
    Status.REPORTING: True,
    Status.CLOSED: True,
    Status.REJECTED: False,
    Status.RESERVE_LIST: False,
}


def _in_batches(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(db.insert(model), rows[start : start + BATCH])


def add(organisation: Organisation, count: int) -> int:
    """Adds `count` applications to the organisation, over SCHOOLS new schools; commits, answers
    how many it added."""
    first_school = (db.session.scalar(db.select(db.func.max(School.id))) or 0) + 1
    _in_batches(
        School,
        [
            {"organisation_id": organisation.id, "name": f"Skola {n:03}", "city": "Solna", "country": "SE"}
            for n in range(1, SCHOOLS + 1)
        ],
    )
    schools = list(
        db.session.scalars(
            db.select(School.id).where(School.organisation_id == organisation.id, School.id >= first_school)
        )
    )
    password = db.session.scalar(db.select(User.password_hash).where(User.password_hash.is_not(None)).limit(1))
    first_user = (db.session.scalar(db.select(db.func.max(User.id))) or 0) + 1
    _in_batches(
        User,
        [
            {
                "email": f"larare.{n:03}@example.org",
                "name": f"Lärare {n:03}",
                "language": "sv",
                "password_hash": password,
            }
            for n in range(1, len(schools) + 1)
        ],
    )
    teachers = list(db.session.scalars(db.select(User.id).where(User.id >= first_user).order_by(User.id)))
    _in_batches(
        Membership,
        [
            {"user_id": user, "organisation_id": organisation.id, "school_id": school, "role": Role.TEACHER}
            for user, school in zip(teachers, schools, strict=True)
        ],
    )
    calls, now = _calls(), utcnow()
    first_application = (db.session.scalar(db.select(db.func.max(Application.id))) or 0) + 1
    rows = []
    for n in range(count):
        action, round_id, year, deadline, _section, _field, amounts = calls[n % len(calls)]
        stage, status = PLACES[(n * 7) % len(PLACES)]
        changed = now - timedelta(days=n % 400, minutes=n)
        rows.append(
            {
                "school_id": schools[n % len(schools)],
                "owner_id": teachers[n % len(teachers)],
                "action_key": action,
                "call_round": round_id,
                "call_year": year,
                "deadline": deadline,
                "title": f"{TOPICS[n % len(TOPICS)].capitalize()} och {TOPICS[(n * 3 + 1) % len(TOPICS)]} {n + 1}",
                "stage": stage,
                "status": status,
                "requested_eur": amounts[n % len(amounts)] if amounts and stage != Stage.IDEA else None,
                "created_at": changed - timedelta(days=30),
                "updated_at": changed,
            }
        )
    _in_batches(Application, rows)
    applications = list(
        db.session.scalars(
            db.select(Application.id).where(Application.id >= first_application).order_by(Application.id)
        )
    )
    _in_batches(
        Partner,
        [
            {
                "application_id": application,
                "name": PARTNERS[n % len(PARTNERS)][0],
                "country": PARTNERS[n % len(PARTNERS)][1],
                "city": PARTNERS[n % len(PARTNERS)][2],
                "status": PartnerStatus.CONFIRMED if n % 3 else PartnerStatus.INTERESTED,
            }
            for n, application in enumerate(applications)
        ],
    )
    answers = []
    for n, application in enumerate(applications):
        _action, _round, _year, _deadline, section, field, _amounts = calls[n % len(calls)]
        if field:
            text = f"Eleverna arbetar med {TOPICS[n % len(TOPICS)]} tillsammans med sin partnerskola."
            answers.append({"application_id": application, "section_key": section, "data": {field: text}})
    _in_batches(SectionAnswer, answers)
    _in_batches(
        Outcome,
        [
            {
                "application_id": application["id"],
                "granted": OUTCOMES[application["status"]],
                "amount_eur": application["requested_eur"] if OUTCOMES[application["status"]] else None,
                "recorded_at": now,
            }
            for application in (dict(row, id=i) for i, row in zip(applications, rows, strict=True))
            if application["status"] in OUTCOMES
        ],
    )
    db.session.commit()
    refresh_statistics()
    return len(applications)


def refresh_statistics() -> None:
    """Has the database's planner count the rows just added (PostgreSQL's autovacuum would, a while
    later): until then it plans for empty tables, and a list of 10,000 takes ten times as long."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.execute(db.text("ANALYZE"))
            connection.commit()
