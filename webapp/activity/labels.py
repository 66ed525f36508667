"""What each audit event of an application reads as in its activity log, in the reader's language:
a label per action (naming the section or partner when the event says which), the lifecycle's own
label for every step with its comment, and the status (or stage) before and after. An action
without a label here reads as a generic "Change": the log never fails on an event it does not know.

Events store `changes` as {key: [before, after]}, and only the keys that changed (core.audit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from ..core.audit import AuditEvent
from ..core.i18n import current_language
from ..lifecycle import STAGES, STATES, TRANSITIONS, Stage, Status

GENERIC = _l("Change")

#: action -> (its label, its label naming the section or partner concerned, or None)
LABELS: dict[str, tuple[str, str | None]] = {
    "application.created": (_l("Application started"), None),
    "application.updated": (_l("Title, programme or team changed"), None),
    "section.saved": (_l("Section saved"), _l("Section saved: %(name)s")),
    "section.restored": (_l("Section restored"), _l("Section restored: %(name)s")),
    "partner.created": (_l("Partner added"), _l("Partner added: %(name)s")),
    "partner.updated": (_l("Partner changed"), _l("Partner changed: %(name)s")),
    "partner.removed": (_l("Partner removed"), _l("Partner removed: %(name)s")),
    "partner.restored": (_l("Partner put back"), _l("Partner put back: %(name)s")),
    "partner.letter_sent": (_l("Letter mailed to a partner"), _l("Letter mailed to %(name)s")),
    "team.invited": (_l("Co-writer invited"), None),
    "checklist.saved": (_l("Checklist saved"), None),
    "self_assessment.saved": (_l("Self-assessment saved"), None),
    "annex.attached": (_l("Annex uploaded"), _l("Annex uploaded: %(name)s")),
    "annex.removed": (_l("Annex removed"), _l("Annex removed: %(name)s")),
}

LIFECYCLE = "lifecycle."


@dataclass(frozen=True)
class Move:
    """A status or stage before and after a lifecycle step, as labels."""

    kind: str  # "status" or "stage"
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    actor: str | None  # None: the account is gone
    label: str
    comment: str | None = None
    move: Move | None = None


def _pair(changes, key: str) -> tuple:
    """(before, after) of `key`, or (None, None) if the event does not say (or says it oddly)."""
    value = changes.get(key) if isinstance(changes, dict) else None
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return value[0], value[1]
    return None, None


def _text(value) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _named(changes, key: str) -> str | None:
    """The name the event gives: the value after, else the one before (a removed partner)."""
    before, after = _pair(changes, key)
    return _text(after) or _text(before)


def _section_title(key: str | None, definition) -> str | None:
    section = definition.section(key) if key and definition is not None else None
    return section.title.get(current_language()) if section else None


def _annex_named(changes, definition) -> str | None:
    """ "Letter of intent: Tallinna Kool": the annex by its label when the definition still has it."""
    key, organisation = _named(changes, "annex"), _named(changes, "for")
    annex = next((a for a in (definition.annexes if definition else []) if a.key == key), None)
    label = annex.label.get(current_language()) if annex else key
    return f"{label}: {organisation}" if label and organisation else organisation


def _name_in(event: AuditEvent, definition) -> str | None:
    changes = event.changes
    if event.action.startswith("section."):
        return _section_title(_named(changes, "section"), definition)
    if event.action.startswith("partner."):
        return _named(changes, "name")
    if event.action.startswith("annex."):
        return _annex_named(changes, definition)
    return None


_MOVES = (("status", Status, STATES), ("stage", Stage, STAGES))


def _label_of(kind, table, value) -> str | None:
    try:
        return str(table[kind(value)].label)
    except (ValueError, KeyError, TypeError):
        return None


def _move(changes) -> Move | None:
    """The status before and after, or the stage when the status stayed (completing a stage)."""
    for name, kind, table in _MOVES:
        before, after = (_label_of(kind, table, value) for value in _pair(changes, name))
        if before and after and before != after:
            return Move(name, before, after)
    return None


def label(event: AuditEvent, definition=None) -> str:
    """The event in words, in the current language. `definition` (the application's programme
    definition, if known) gives the sections their titles."""
    action = event.action or ""
    if action.startswith(LIFECYCLE):
        transition = TRANSITIONS.get(action.removeprefix(LIFECYCLE))
        return str(transition.label) if transition else str(GENERIC)
    plain, named = LABELS.get(action, (GENERIC, None))
    name = _name_in(event, definition) if named else None
    return str(named) % {"name": name} if name else str(plain)


def describe(event: AuditEvent, definition=None) -> Entry:
    lifecycle = (event.action or "").startswith(LIFECYCLE)
    return Entry(
        id=event.id,
        at=event.at,
        actor=event.actor.name if event.actor else None,
        label=label(event, definition),
        comment=_named(event.changes, "comment") if lifecycle else None,
        move=_move(event.changes) if lifecycle else None,
    )
