"""Plain values for the PDF templates: the templates never see a model, and everything the
document shows is in the dict (which is also what the cache key is made of)."""

from __future__ import annotations

import contextlib
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import force_locale, gettext

from ..applications.models import Application
from ..applications.presenters import state_of
from ..budgets import presenters as budget_presenters
from ..core.i18n import current_language, format_day, format_moment, territory_names
from ..partners.forms import STATUS_LABELS
from ..partners.models import Partner
from ..programmes import registry, rules, scoring
from ..sections import services as sections
from ..sections.presenters import display_value


def _country(code: str, language: str) -> str:
    """A country's name; a region without an ISO code (Southern Schleswig, XS) by its name in countries.yaml."""
    return registry.countries().name(code, language) or territory_names(language).get(code, code)


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _school(application: Application, language: str) -> dict:
    school = application.school
    return {
        "name": school.name,
        "city": school.city,
        "country": school.country,
        "country_name": _country(school.country, language),
        "oid": school.oid or "",
        "pic": school.pic or "",
        "address": school.address,
    }


def _partner(partner: Partner, language: str) -> dict:
    return {
        "name": partner.name,
        "city": partner.city,
        "country": partner.country,
        "country_name": _country(partner.country, language),
        "oid": partner.oid or "",
        "contact": partner.contact_name,
        "status": partner.status,
        "status_label": str(STATUS_LABELS[partner.status]),
    }


def _sections(definition, answers: dict, participants, report) -> list[dict]:
    language = current_language()
    result = []
    for section in definition.sections:
        if not section.official:
            continue
        data = answers.get(section.key, {})
        if section.repeat:
            items = [(heading, values) for _, heading, values in rules.repeat_items(section, data, participants)]
        else:
            items = [(None, data)]
        result.append(
            {
                "key": section.key,
                "title": section.title.get(language),
                "form_ref": section.form_ref,
                "state": report.sections[section.key].state,
                "items": [
                    {
                        "heading": heading,
                        "fields": [
                            _field(f, values, participants) for f in section.fields if rules.is_visible(f, values)
                        ],
                    }
                    for heading, values in items
                ],
            }
        )
    return result


def _field(fdef, values: dict, participants) -> dict:
    value = values.get(fdef.key)
    count = rules.count_characters(value) if fdef.is_text else None
    return {
        "label": fdef.label.get(current_language()),
        "value": display_value(fdef, value, participants),
        "text": fdef.type == "textarea",
        "count": count,
        "limit": fdef.max_chars,
        "over": bool(fdef.max_chars and count and count > fdef.max_chars),
    }


def _deadline_line(moment, call_round) -> str:
    """The deadline as the call states it ("5 mars 2026 kl. 12.00 (Bryssel)"), with Stockholm's
    time before it only where the clock differs from the call's."""
    local = format_moment(moment)
    official = registry.deadline_text(moment, call_round)
    if not official or local in official:
        return official or local
    return f"{local} ({official})"


def _timeline(definition, answers: dict, application: Application) -> list[dict]:
    """Start and end of the project, every dated activity, and the deadline: where each date sits in
    the answers is the definition's `timeline` mapping."""
    entries = []
    timeline = definition.timeline
    start = _date(definition.answer(answers, timeline.start)) if timeline else None
    if start:
        entries.append((start, gettext("Project starts")))
        months = definition.answer(answers, timeline.duration_months)
        if isinstance(months, (int, float)) and 0 < months < 1200:
            # a start stored before dates were bounded may have no end Python can hold: then none is shown
            with contextlib.suppress(OverflowError, ValueError):
                entries.append((start + relativedelta(months=int(months), days=-1), gettext("Project ends")))
    for dated in timeline.dated_items if timeline else []:
        section = definition.section(dated.section)
        items = (answers.get(dated.section) or {}).get("items")
        for index, item in enumerate(items if isinstance(items, list) else []):
            item = item or {}
            begin = _date(item.get(dated.start))
            if begin is None:
                continue
            title = item.get(dated.title) if dated.title else None
            name = (title or f"{section.repeat.item_label.get(current_language())} {index + 1}").strip()
            finish = _date(item.get(dated.end)) if dated.end else None
            label = name + (f" – {format_day(finish)}" if finish and finish != begin else "")
            entries.append((begin, label))
    if application.deadline:
        entries.append((application.deadline.date(), gettext("Deadline for the application")))
    return [{"date": format_day(day), "label": label} for day, label in sorted(entries, key=lambda e: e[0])]


def _self_assessment(definition, application: Application, report) -> dict | None:
    if definition.scoring is None:
        return None
    criteria = scoring.self_assessment(definition, sections.scores(application), report.sections)
    return {
        "criteria": [
            {
                "title": c.title,
                "score": c.score,
                "max": c.max_points,
                "threshold": c.threshold,
                "below": c.below_threshold,
            }
            for c in criteria
        ],
        "total": sum(c.score or 0 for c in criteria),
        "max": sum(c.max_points for c in criteria),
        "pass_mark": definition.scoring.pass_mark,
        "scored": any(c.score is not None for c in criteria),
    }


def dossier(application: Application, language: str) -> dict:
    with force_locale(language):
        report = sections.report(application)
        definition = report.definition
        state = state_of(application)
        answers = sections.answers(application)
        participants = sections.participants(application)
        call_round = definition.call_round(application.call_round)
        ticks = sections.checklist_ticks(application)
        return {
            "language": language,
            "title": application.title,
            "action_key": definition.key,
            "action_name": definition.name.get(language),
            "programme": registry.programme(definition.programme).name,
            "national_agency": definition.national_agency,
            "call_round": call_round.label.get(language) if call_round else application.call_round,
            "deadline": _deadline_line(application.deadline, call_round),
            "deadline_confirmed": bool(call_round and call_round.confirmed),
            "status": str(state.label),
            "draft": not state.sent,
            "applicant": _school(application, language),
            "team": [u.name for u in application.team],
            "partners": [_partner(p, language) for p in application.partners],
            "sections": _sections(definition, answers, participants, report),
            "timeline": _timeline(definition, answers, application),
            "self_assessment": _self_assessment(definition, application, report),
            "checklist": [
                {"label": i.label.get(language), "done": bool(ticks.get(i.key))} for i in definition.checklist
            ],
            "annexes": [{"label": a.label.get(language), "required": a.required} for a in definition.annexes],
            "open_problems": len(report.problems),
            "budget": budget_presenters.budget_table(definition, answers, participants),
        }


def letter(application: Application, partner: Partner, language: str) -> dict:
    """A letter of intent (Nordplus) or a mandate (Erasmus+) from one partner, ready to sign."""
    with force_locale(language):
        definition = sections.definition_of(application)
        call_round = definition.call_round(application.call_round)
        answers = sections.answers(application)
        return {
            "language": language,
            "kind": registry.programme(definition.programme).partner_document,
            "title": application.title,
            "title_en": definition.answer(answers, definition.title_en) or "",
            "action_key": definition.key,
            "action_name": definition.name.get(language),
            "programme": registry.programme(definition.programme).name,
            "national_agency": definition.national_agency,
            "call_round": call_round.label.get(language) if call_round else application.call_round,
            "applicant": _school(application, language),
            "partner": _partner(partner, language),
        }
