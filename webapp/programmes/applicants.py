"""Who may apply for an action: a school, or the organisation's applying body (a definition's
`eligibility.applicants`, checked where an application is started or moved to another unit)."""

from __future__ import annotations

from flask_babel import gettext as _

from ..core.i18n import current_language
from ..organisations.models import school_kind_label
from .schema import ActionDefinition, Localised


def applicant_refusal(definition: ActionDefinition | None, school) -> str | None:
    """Why `school` (a unit of the organisation, with its `kind`) may not apply, or None."""
    rule = definition.eligibility.applicants if definition else None
    if rule is None or school.kind in rule.kinds:
        return None
    message = _(
        "%(action)s is applied for by: %(kinds)s. %(name)s is registered as: %(kind)s.",
        action=definition.key,
        kinds=", ".join(school_kind_label(k) for k in rule.kinds),
        name=school.name,
        kind=school_kind_label(school.kind),
    )
    if isinstance(rule.note, Localised):
        message += " " + rule.note.get(current_language())
    return message
