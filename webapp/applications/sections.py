"""The application's content: answers per section, stage completion, self-assessment, checklist,
and reuse of an earlier application. Rules come from the definition through workflow.rules."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..auth.models import User
from ..core import audit
from ..extensions import db
from ..partners.models import Partner, PartnerStatus
from ..workflow import registry, rules
from ..workflow.schema import STAGES, ActionDefinition, SectionDef
from .models import Application, SectionAnswer, Stage

SELF_ASSESSMENT = "_self_assessment"
CHECKLIST = "_checklist"


class SectionConflict(Exception):
    """Someone saved the section after the editor loaded it; nothing was overwritten."""

    def __init__(self, current: SectionAnswer | None):
        super().__init__("section conflict")
        self.current = current


class StageNotReady(Exception):
    def __init__(self, report: rules.StageReport):
        super().__init__("stage not ready")
        self.report = report


def definition_of(application: Application) -> ActionDefinition | None:
    return registry.get(application.action_key, application.workflow_version) or registry.for_round(
        application.action_key, application.call_round
    )


def organisations(application: Application) -> list[rules.Organisation]:
    school = application.school
    orgs = [rules.Organisation("applicant", school.name, school.country, True)]
    orgs += [
        rules.Organisation(p.org_key, p.name, p.country, p.status == PartnerStatus.CONFIRMED)
        for p in application.partners
    ]
    return orgs


def answer_rows(application: Application) -> dict[str, SectionAnswer]:
    return {row.section_key: row for row in application.answers}


def answers(application: Application) -> dict[str, dict]:
    return {key: row.data or {} for key, row in answer_rows(application).items()}


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
    definition = definition_of(application)
    if definition is None:
        return None
    data = answers(application)
    orgs = organisations(application)
    eligible = eligible_countries(definition)
    return Report(definition, [rules.stage_report(definition, stage, data, orgs, eligible) for stage in STAGES])


def save_section(user: User, application: Application, section_key: str, data: dict, expected_version: int) -> SectionAnswer:
    """Stores the section only if nobody saved it since the editor loaded version `expected_version`
    (0: not saved before). Self-assessment scores and checklist ticks are stored the same way."""
    row = answer_rows(application).get(section_key)
    current_version = row.version if row else 0
    if expected_version != current_version:
        raise SectionConflict(row)
    before = dict(row.data) if row else {}
    if row is None:
        row = SectionAnswer(application=application, section_key=section_key, data=data, updated_by=user)
        db.session.add(row)
    else:
        row.data = data
        row.updated_by = user
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise SectionConflict(db.session.scalar(
            db.select(SectionAnswer).where(SectionAnswer.application_id == application.id, SectionAnswer.section_key == section_key)
        )) from None
    application.updated_at = row.updated_at
    audit.record(user, "section.saved", application, application.school.organisation_id,
                 {"section": section_key, "characters": _size(before)}, {"section": section_key, "characters": _size(data)})
    return row


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
    if not (section.repeat and section.repeat.per == "free"):
        return ""
    items = data["items"]
    if action == "add" and (section.repeat.max is None or len(items) < section.repeat.max):
        items.append({})
        return f"items-{len(items) - 1}"
    if action.startswith("remove-") and action[7:].isdigit() and int(action[7:]) < len(items):
        del items[int(action[7:])]
    return ""


def complete_stage(user: User, application: Application, stage: str) -> None:
    """Moves the application past `stage` when the stage's rules hold."""
    result = report(application).stage(stage)
    if not result.complete:
        raise StageNotReady(result)
    order = list(Stage)
    current = order.index(Stage(application.stage))
    finished = order.index(Stage(stage))
    if finished >= current and finished + 1 < len(order):
        before = application.stage
        application.stage = order[finished + 1]
        audit.record(user, "stage.completed", application, application.school.organisation_id,
                     {"stage": before}, {"stage": application.stage})


def meta_version(application: Application, key: str) -> int:
    row = answer_rows(application).get(key)
    return row.version if row else 0


def scores(application: Application) -> dict:
    return answers(application).get(SELF_ASSESSMENT, {})


def checklist_ticks(application: Application) -> dict:
    return answers(application).get(CHECKLIST, {})


def copy_content(source: Application, target: Application, definition: ActionDefinition, with_partners: bool) -> None:
    """Reuse: the texts of sections the new form also has (same keys), optionally the partners."""
    for row in source.answers:
        section = definition.section(row.section_key)
        if section is None:
            continue
        keys = {f.key for f in section.fields}
        data = row.data or {}
        if section.repeat:
            items = data.get("items")
            if isinstance(items, list):
                copied = {"items": [{k: v for k, v in (i or {}).items() if k in keys} for i in items]}
            elif isinstance(items, dict):
                # Texts about partners travel only with the partners themselves.
                copied = {"items": {o: {k: v for k, v in (i or {}).items() if k in keys} for o, i in items.items()
                                    if with_partners or o == "applicant"}}
            else:
                continue
        else:
            copied = {k: v for k, v in data.items() if k in keys}
        target.answers.append(SectionAnswer(section_key=row.section_key, data=copied))
    if with_partners:
        mapping = {}
        for partner in source.partners:
            copy = Partner(
                name=partner.name, country=partner.country, city=partner.city, oid=partner.oid,
                contact_name=partner.contact_name, contact_email=partner.contact_email, notes=partner.notes,
                # A confirmation was for the earlier application: ask again.
                status=PartnerStatus.INTERESTED if partner.status == PartnerStatus.CONFIRMED else partner.status,
            )
            target.partners.append(copy)
            mapping[partner.org_key] = copy
        db.session.flush()
        for row in target.answers:
            items = (row.data or {}).get("items")
            if isinstance(items, dict):
                row.data = {"items": {mapping[k].org_key if k in mapping else k: v for k, v in items.items()}}
