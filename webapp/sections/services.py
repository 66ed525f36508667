"""The application's content: answers per section, checklist and self-assessment (each saved with its
own version counter; every saved version of a section is kept), the report of what is left per
stage, and reuse of an earlier application.
Every rule comes from the programme definition through webapp.programmes.rules."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from flask import g, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from ..applications.models import Application
from ..auth.models import User
from ..budgets import requested
from ..core import audit
from ..core.access import Decision
from ..core.database import after_commit
from ..core.errors import Conflict
from ..core.forms import counter
from ..core.i18n import today_in_stockholm
from ..core.models import versioned_write
from ..directory.learning import matching_entry
from ..extensions import db
from ..lifecycle import Stage, requirement
from ..partners.models import Partner, PartnerStatus
from ..programmes import checks, registry, rules
from ..programmes.schema import ActionDefinition, SectionDef
from .models import ChecklistTicks, SectionAnswer, SectionVersion, SelfAssessment


def definition_of(application: Application) -> ActionDefinition | None:
    return registry.get(application.action_key, application.call_year) or registry.for_round(
        application.action_key, application.call_round
    )


def participants(application: Application) -> list[rules.Participant]:
    school = application.school
    result = [rules.Participant("applicant", school.name, school.country, True, school.kind, school.city)]
    result += [
        rules.Participant(p.org_key, p.name, p.country, p.status == PartnerStatus.CONFIRMED, p.kind, p.city)
        for p in application.partners
    ]
    return result


def answer_rows(application: Application) -> dict[str, SectionAnswer]:
    return {row.section_key: row for row in application.answers}


def answers(application: Application) -> dict[str, dict]:
    return {key: row.data or {} for key, row in answer_rows(application).items()}


def scores(application: Application) -> dict:
    return application.self_assessment.data if application.self_assessment else {}


def checklist_ticks(application: Application) -> dict:
    return application.checklist.data if application.checklist else {}


def version_of(row) -> int:
    """The version an editor was built from: 0 for content never saved."""
    return row.version if row is not None else 0


def eligible_countries(definition: ActionDefinition) -> set[str]:
    return registry.countries().codes(definition.eligibility.partnership.eligible_country_groups)


@dataclass
class Report:
    """Where the whole application stands: per stage, per section, and what is left."""

    definition: ActionDefinition
    stages: list[rules.StageReport]

    @property
    def sections(self) -> dict[str, rules.SectionReport]:
        return {r.section.key: r for stage in self.stages for r in stage.sections}

    def stage(self, key: str) -> rules.StageReport:
        return next(s for s in self.stages if s.stage == key)

    @property
    def problems(self) -> list[rules.Problem]:
        return [p for stage in self.stages for p in stage.problems]


def report(application: Application) -> Report | None:
    """What is left in each stage. A page that only reads (GET) asks it several times (the page, the
    lifecycle's requirements): worked out once per request, as nothing it reads changes meanwhile."""
    reading = has_request_context() and request.method in ("GET", "HEAD")
    if reading and application.id in g.setdefault("section_reports", {}):
        return g.section_reports[application.id]
    definition = definition_of(application)
    if definition is None:
        return None
    data = answers(application)
    orgs = participants(application)
    eligible = eligible_countries(definition)
    found = Report(definition, [checks.stage_report(definition, stage, data, orgs, eligible) for stage in Stage])
    if reading:
        g.section_reports[application.id] = found
    return found


# --- Saving: each piece of content as a whole, only over the version the editor was built from ----


def _store(
    user: User,
    application: Application,
    model,
    row,
    expected_version: int,
    data: dict,
    kept=None,
    always_new: bool = False,
    **identity,
):
    """Creates or replaces one content row, refusing with Conflict when someone saved it since the
    editor loaded `expected_version`. The write runs in a savepoint: a lost race undoes only itself.
    `kept(row)`, if given, builds a row to store beside it in the same savepoint (the history) when
    the save made a new version: saving the same answers again changes nothing, not even the version,
    unless `always_new`."""
    if expected_version != version_of(row):
        raise Conflict(row)
    try:
        with versioned_write(application, *([row] if row is not None else [])):
            if row is None:
                row = model(application_id=application.id, data=data, updated_by=user, **identity)
                db.session.add(row)
            else:
                row.data = data
                row.updated_by = user
                if always_new:
                    flag_modified(row, "data")
            if kept is not None:
                db.session.flush()  # the new version number, or the lost race, now
                if row.version != expected_version:
                    db.session.add(kept(row))
    except Conflict:
        current = db.session.scalar(db.select(model).filter_by(application_id=application.id, **identity))
        raise Conflict(current) from None
    db.session.expire(application, ["answers", "checklist", "self_assessment"])
    return row


def save_section(
    user: User, application: Application, section_key: str, data: dict, expected_version: int, *, always_new=False
) -> SectionAnswer:
    row = answer_rows(application).get(section_key)
    before = _size(row.data) if row else 0
    row = _store(
        user,
        application,
        SectionAnswer,
        row,
        expected_version,
        data,
        kept=_version_row,
        always_new=always_new,
        section_key=section_key,
    )
    audit.record(
        user,
        "section.saved",
        application,
        application.organisation_id,
        {"characters": before},
        {"section": section_key, "characters": _size(data)},  # the key as a change, so the log names it
    )
    definition = definition_of(application)
    if definition is not None and section_key in requested.budget_sections(definition):
        keep_requested(application, definition)
    return row


def keep_requested(application: Application, definition: ActionDefinition) -> None:
    """Stores what the application asks for, in euros, for the lists' sums. An UPDATE of its own,
    not through the ORM: it must not bump the record's version, or a budget saved by one writer
    would make another's edit of the title a conflict; and after the request's commit, when the
    save no longer holds the application's row for sharing (two budget saves at once would
    otherwise deadlock on PostgreSQL)."""
    amount = requested.requested_eur(definition, answers(application), participants(application))
    application_id = application.id

    def store() -> None:
        db.session.execute(db.update(Application).where(Application.id == application_id).values(requested_eur=amount))

    after_commit(store)


def _version_row(row: SectionAnswer) -> SectionVersion:
    """The history's copy of a section as it was just stored."""
    return SectionVersion(
        application_id=row.application_id,
        section_key=row.section_key,
        version=row.version,
        data=copy.deepcopy(row.data),
        saved_by=row.updated_by,
        saved_at=row.updated_at,
    )


def versions(application: Application, section_key: str) -> Select:
    """A section's saved versions, newest first, with their authors."""
    return (
        db.select(SectionVersion)
        .where(SectionVersion.application_id == application.id, SectionVersion.section_key == section_key)
        .options(selectinload(SectionVersion.saved_by))
        .order_by(SectionVersion.version.desc())
    )


def history_page(application: Application, section_key: str, page: int, per_page: int = 20):
    return db.paginate(versions(application, section_key), page=page, per_page=per_page, error_out=False)


def version_numbers(application: Application, section_key: str) -> list[int]:
    """Every saved version's number, newest first (for choosing two to compare)."""
    return list(
        db.session.scalars(
            db.select(SectionVersion.version)
            .where(SectionVersion.application_id == application.id, SectionVersion.section_key == section_key)
            .order_by(SectionVersion.version.desc())
        )
    )


def saved_version(application: Application, section_key: str, number: int | None) -> SectionVersion | None:
    if number is None:
        return None
    return db.session.scalar(
        db.select(SectionVersion).where(
            SectionVersion.application_id == application.id,
            SectionVersion.section_key == section_key,
            SectionVersion.version == number,
        )
    )


def restore_version(user: User, application: Application, old: SectionVersion) -> SectionAnswer:
    """An earlier version's texts as the current answer: always a new version (even when they equal
    the current ones), saved, audited and refused on a conflict like any other save, so nothing in
    the history is lost."""
    current = answer_rows(application).get(old.section_key)
    return save_section(
        user, application, old.section_key, copy.deepcopy(old.data), version_of(current), always_new=True
    )


def save_checklist(user: User, application: Application, ticked: set[str], expected_version: int) -> ChecklistTicks:
    definition = definition_of(application)
    ticks = {item.key: item.key in ticked for item in definition.checklist}
    before = checklist_ticks(application)
    row = _store(user, application, ChecklistTicks, application.checklist, expected_version, ticks)
    audit.record(user, "checklist.saved", application, application.organisation_id, before, ticks)
    return row


def save_scores(user: User, application: Application, points: dict, expected_version: int) -> SelfAssessment:
    before = scores(application)
    row = _store(user, application, SelfAssessment, application.self_assessment, expected_version, points)
    audit.record(user, "self_assessment.saved", application, application.organisation_id, before, points)
    return row


def characters(data) -> int:
    """The characters of every text in a piece of content, counted as the limits count them."""
    return _size(data)


def _size(data) -> int:
    if isinstance(data, str):
        return rules.count_characters(data)
    if isinstance(data, dict):
        return sum(_size(v) for v in data.values())
    if isinstance(data, list):
        return sum(_size(v) for v in data)
    return 0


def apply_item_action(section: SectionDef, data: dict, action: str) -> str:
    """The editor's "add" and "remove-<n>" buttons on a freely repeated section; returns the anchor
    of a new item (or "")."""
    if not (section.repeat and not section.repeat.per_organisation):
        return ""
    items = data["items"]
    if action == "add" and (section.repeat.max is None or len(items) < section.repeat.max):
        items.append({})
        return f"items-{len(items) - 1}"
    index = counter(action.removeprefix("remove-")) if action.startswith("remove-") else None
    if index is not None and index < len(items):
        del items[index]
    return ""


@requirement("stage_complete")
def stage_is_complete(application: Application, transition, user=None) -> Decision:
    """A stage completes when every section of it and its programme checks hold."""
    result = report(application)
    if result is None:
        return Decision.deny(_l("The programme of this application is not known."))
    problems = result.stage(transition.stage).problems
    if problems:
        return Decision.deny(
            ngettext(
                "The stage is not complete yet: %(num)d thing is left.",
                "The stage is not complete yet: %(num)d things are left.",
                len(problems),
            )
        )
    return Decision.allow()


def copy_content(source: Application, target: Application, definition: ActionDefinition, with_partners: bool) -> None:
    """Reuse: the texts of sections the new form also has (same keys), optionally the partners."""
    copies = []
    for row in source.answers:
        section = definition.section(row.section_key)
        if section is None:
            continue
        copied = _copied_data(section, row.data or {}, with_partners)
        if copied is not None:
            copies.append(SectionAnswer(section_key=row.section_key, data=copied))
    target.answers.extend(copies)
    if with_partners:
        _copy_partners(source, target, copies)
    start_history(copies)  # the copied texts start the new history
    db.session.flush()
    target.requested_eur = requested.requested_eur(
        definition, {row.section_key: row.data for row in copies}, participants(target)
    )  # a new row: no other writer to step around


def start_history(rows: list[SectionAnswer]) -> None:
    """Answers written other than through save_section (reuse, demo data) become each section's
    first version in the history."""
    db.session.flush()
    db.session.add_all(_version_row(row) for row in rows)


def _copy_partners(source: Application, target: Application, copies: list[SectionAnswer]) -> None:
    """The earlier application's partners, linked to their directory entries (or the entry of the
    same name and country; a partner that declined stays behind); a confirmation was for the earlier application, so it is asked again."""
    mapping = {}
    today = today_in_stockholm()
    for partner in source.partners:
        if partner.status == PartnerStatus.DECLINED:
            continue
        twin = Partner(
            name=partner.name,
            kind=partner.kind,
            country=partner.country,
            city=partner.city,
            oid=partner.oid,
            contact_name=partner.contact_name,
            contact_email=partner.contact_email,
            notes=partner.notes,
            directory_entry_id=partner.directory_entry_id
            or getattr(matching_entry(target.organisation_id, partner.name, partner.country), "id", None),
            status=PartnerStatus.INTERESTED if partner.status == PartnerStatus.CONFIRMED else partner.status,
            status_since=today,
        )
        target.partners.append(twin)
        mapping[partner.org_key] = twin
    db.session.flush()
    for row in copies:
        items = (row.data or {}).get("items")
        if isinstance(items, dict):
            row.data = {"items": {mapping[k].org_key if k in mapping else k: v for k, v in items.items()}}


def _copied_data(section: SectionDef, data: dict, with_partners: bool) -> dict | None:
    keys = {f.key for f in section.fields}
    if not section.repeat:
        return {k: v for k, v in data.items() if k in keys}
    items = data.get("items")
    if isinstance(items, list):
        return {"items": [{k: v for k, v in (i or {}).items() if k in keys} for i in items]}
    if isinstance(items, dict):
        # Texts about partners travel only with the partners themselves.
        return {
            "items": {
                o: {k: v for k, v in (i or {}).items() if k in keys}
                for o, i in items.items()
                if with_partners or o == "applicant"
            }
        }
    return None
