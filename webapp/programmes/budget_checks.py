"""The check `unit_costs`: every filled-in activity of a unit-cost budget can be computed (a place
Grantpath cannot find asks for the distance by hand; a participant the activity type does not
have, a host in the sender's own country ... each named at its field). The sums themselves are
webapp/budgets'; this module only says, in the reader's language, what keeps an item from them."""

from __future__ import annotations

from flask_babel import gettext as _

from ..budgets import answers as budget_answers
from ..core.i18n import format_number
from .rules import Participant, Problem, field_label
from .schema import ActionDefinition

#: what the team fixes in the form itself (a missing or unparsable value): the section says so already
_SAID_BY_THE_FORM = {"missing", "required", "not_whole"}


def issue_message(definition, section, item, issue) -> str:
    """Why `item` of the unit-cost section is not in the budget, as its problem says it."""
    fdef = section.field(issue.field)
    said = {"where": item.heading, "field": field_label(fdef) if fdef else issue.field, "action": definition.key}
    if issue.code == "not_found":
        return _(
            "%(where)s: %(field)s: Grantpath cannot find %(place)s; enter the one-way distance in km (%(action)s)",
            place=issue.place,
            **said,
        )
    if issue.code == "min" and isinstance(issue.limit, int | float):
        return _(
            "%(where)s: %(field)s: at least %(limit)s for the budget (%(action)s)",
            limit=format_number(issue.limit),
            **said,
        )
    if issue.code in ("max", "out_of_range") and isinstance(issue.limit, int | float):
        return _(
            "%(where)s: %(field)s: at most %(limit)s for the budget (%(action)s)",
            limit=format_number(issue.limit),
            **said,
        )
    if issue.code == "same_country":
        return _("%(where)s: %(field)s: a trip within one country gets no Nordplus travel grant (%(action)s)", **said)
    if issue.code == "not_allowed":
        return _("%(where)s: %(field)s: this type of activity has no such participants (%(action)s)", **said)
    return _("%(where)s: %(field)s: the budget cannot be computed from this value (%(action)s)", **said)


def unit_cost_problems(
    definition: ActionDefinition, participants: list[Participant], eligible: set[str], answers: dict | None = None
) -> list[Problem]:
    budget = budget_answers.unit_cost_budget(definition, answers or {}, participants)
    if budget is None:
        return []
    section = definition.section(definition.unit_costs.section)
    return [
        Problem(issue_message(definition, section, item, issue), section.key, issue.field, item.anchor)
        for item in budget.items
        for issue in item.issues
        if issue.code not in _SAID_BY_THE_FORM
    ]
