"""The programme definitions the app runs on, loaded and validated at start-up (webapp/programmes/
loader.py); the database stores only the action key and the call year, so an application keeps the
rules it started with."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from ..core.i18n import current_language, format_moment
from .loader import Catalogue, load_all
from .schema import ActionDefinition
from .shared import Chooser, Countries, SharedChoices


def init_app(app: Flask) -> None:
    app.extensions["programmes"] = load_all(Path(app.config["WORKFLOWS_DIR"]))
    app.add_template_global(deadline_text, "deadline_text")
    app.add_template_filter(public_source, "public_source")


_OWN_CITATION = re.compile(r"\s*\(docs/sources/[^)]*\)|docs/sources/[\w.-]+\.md(?:#[\w-]+)?\s*")


def public_source(text: str | None) -> str:
    """A source or an uncertainty note as users see it: the public sources it names, without the
    citations of our own notes in docs/sources/ that the data carries for developers."""
    cleaned = _OWN_CITATION.sub("", text or "")
    parts = [part.strip() for part in cleaned.split(";")]
    parts = [p[1:-1] if p.startswith("(") and p.endswith(")") and p.count("(") == 1 else p for p in parts]
    return "; ".join(p for p in parts if p)


def _catalogue() -> Catalogue:
    return current_app.extensions["programmes"]


def all_actions() -> list[ActionDefinition]:
    """The newest version of every action, in the order programmes list them."""
    return sorted(_catalogue().latest(), key=lambda d: (d.programme, d.key))


def get(key: str, call_year: int | None = None) -> ActionDefinition | None:
    return _catalogue().definition(key, call_year)


def for_round(key: str, round_id: str) -> ActionDefinition | None:
    """The definition whose call year holds this round."""
    years = _catalogue().actions.get(key or "", {})
    return next((d for d in years.values() if d.call_round(round_id)), None)


def round_ids() -> list[str]:
    """Every call round any definition names, newest first: the lists' round filter."""
    ids = {r.id for years in _catalogue().actions.values() for d in years.values() for r in d.call_rounds}
    return sorted(ids, reverse=True)


def open_rounds(now):
    """(definition, its open rounds) for every action that has a round still open."""
    result = []
    for key in sorted(_catalogue().actions):
        for year in sorted(_catalogue().actions[key]):
            definition = _catalogue().actions[key][year]
            rounds = definition.open_rounds(now)
            if rounds:
                result.append((definition, rounds))
    return result


def programme(key: str):
    return _catalogue().programmes.programmes[key]


def deadline_text(moment, call_round) -> str:
    """The deadline as the call states it, e.g. "5 mars 2026 kl. 12.00 (Bryssel)"."""
    if moment is None or call_round is None:
        return ""
    label = _catalogue().programmes.deadline_zones[call_round.timezone].get(current_language())
    return label % {"moment": format_moment(moment, ZoneInfo(call_round.timezone))}


def countries() -> Countries:
    return _catalogue().countries


def choices() -> SharedChoices:
    return _catalogue().choices


def chooser() -> Chooser:
    return _catalogue().chooser


def open_rounds_now():
    """open_rounds() at this moment, for the forms that start or move an application."""
    return open_rounds(datetime.now(UTC))
