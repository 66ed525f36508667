"""The programme chooser: which actions fit the school's answers (workflows/chooser.yaml), why, and
what is uncertain about each. The rules are data; this module only matches them."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from ..core.i18n import current_language
from ..core.models import utcnow
from ..programmes import registry


@dataclass(frozen=True)
class Recommendation:
    definition: object
    reason: str
    next_round: object
    why: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)


def localised(text, language: str | None = None) -> str:
    """A data text as users read it: a Localised in the language, or a plain (English) string."""
    if text is None:
        return ""
    return text.get(language or current_language()) if hasattr(text, "get") else str(text)


def _holds(when: dict, answered: dict) -> bool:
    return all(answered.get(key, set()) & set(values) for key, values in when.items())


def definition_uncertainties(definition, next_round=None) -> list[str]:
    """What the definition itself marks unconfirmed: the round, its hour, the partnership, the criteria."""
    language = current_language()
    result = []
    if next_round is not None:
        label = next_round.label.get(language)
        if not next_round.confirmed:
            result.append(_("The deadline of %(round)s follows earlier years' dates and is unconfirmed.", round=label))
        if not next_round.hour_confirmed:
            result.append(
                _("The day of %(round)s is confirmed, the hour is not: the sources do not give it.", round=label)
            )
    partnership = definition.eligibility.partnership
    if not partnership.confirmed:
        result.append(_("Unconfirmed partnership rule: %(note)s", note=localised(partnership.note, language)))
    if definition.scoring and not definition.scoring.confirmed:
        result.append(_("Unconfirmed award criteria: %(note)s", note=localised(definition.scoring.note, language)))
    return result


def recommend(answers: dict) -> list[Recommendation]:
    """The recommendations whose conditions all hold, each with the next open round of its action, the
    answers it rests on and what is uncertain about it. An answer left out counts as its question's
    default; an answer also counts as the answers it stands for (a Finnish partner is Nordic and EU)."""
    language = current_language()
    chooser = registry.chooser()
    questions = {q.key: q for q in chooser.questions}
    answered = {key: q.answers(answers.get(key)) for key, q in questions.items()}
    open_rounds = registry.open_rounds(utcnow())
    result = []
    for rec in chooser.recommendations:
        if not _holds(rec.when, answered):
            continue
        rounds = [(d, r) for d, rs in open_rounds if d.key == rec.action for r in rs]
        definition = rounds[0][0] if rounds else registry.get(rec.action)
        next_round = rounds[0][1] if rounds else None
        why = []
        for key in rec.when:
            question = questions[key]
            value = answers.get(key) or question.default
            choice = next(c for c in question.choices if c.value == value)
            line = f"{question.label.get(language)} {choice.label.get(language)}"
            if value not in rec.when[key]:  # it fits through an overlap: say which answer it counts as
                counted = next(c for c in question.choices if c.value in rec.when[key] and c.value in choice.counts_as)
                line += " " + _("(this also counts as: %(answer)s)", answer=counted.label.get(language))
            why.append(line)
        uncertain = [u.text.get(language) for u in rec.uncertain if _holds(u.when, answered)]
        uncertain += definition_uncertainties(definition, next_round)
        result.append(Recommendation(definition, rec.reason.get(language), next_round, why, uncertain))
    return result
