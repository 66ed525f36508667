"""Loads and validates every programme definition at start-up; the database stores only the action
key and the call year, so an application keeps the rules it started with.

Layout of workflows/: one folder per action, one file per call year (`ka210-sch/2026.yaml`). A file
may start with `extends: <file>` to take every top-level key of another file and override some.
Shared data sits beside the folders: programmes.yaml, countries.yaml, choices.yaml, chooser.yaml,
needs.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from flask import Flask, current_app
from pydantic import BaseModel, ValidationError

from ..config import ConfigError
from ..core.i18n import current_language, format_moment
from .rules import STAGE_CHECKS
from .schema import ActionDefinition, SectionDef
from .shared import Chooser, Countries, Programmes, SharedChoices


class DefinitionError(ConfigError):
    """A definition that does not match the schema: names the file, the line, the key path and the fault."""


def _read(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
        return yaml.safe_load(text), yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise DefinitionError(f"{path.name}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    except OSError as exc:
        raise DefinitionError(f"{path}: cannot be read ({exc.strerror})") from None


def _line_of(node, loc) -> int | None:
    """The line of the YAML node at a pydantic error location, if the file itself holds it."""
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _raw(path: Path, seen: tuple[Path, ...] = ()):
    data, node = _read(path)
    if not isinstance(data, dict):
        raise DefinitionError(f"{path.name}: expected a mapping of keys at the top")
    base = data.pop("extends", None)
    if base is None:
        return data, node
    base_path = (path.parent / base).resolve()
    if base_path in seen:
        raise DefinitionError(f"{path.name}: extends itself through {base}")
    base_data, _ = _raw(base_path, (*seen, path.resolve()))
    return {**base_data, **data}, node


def _validate(model: type[BaseModel], data, node, path: Path, root: Path):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        name = path.relative_to(root) if path.is_relative_to(root) else path.name
        faults = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "(top)"
            line = _line_of(node, err["loc"])
            faults.append(f"{'line ' + str(line) + ', ' if line else ''}{loc}: {err['msg']}")
        raise DefinitionError(f"{name}: " + "; ".join(faults)) from None


def load_file(path: Path, model: type[BaseModel] = ActionDefinition, root: Path | None = None, prepend=()):
    data, node = _raw(path)
    if prepend and isinstance(data.get("sections"), list):
        data = {**data, "sections": [*prepend, *data["sections"]]}
    return _validate(model, data, node, path, root or path.parent)


@dataclass
class Catalogue:
    """Every definition by action key and call year, and the shared data they refer to."""

    actions: dict[str, dict[int, ActionDefinition]]
    programmes: Programmes
    countries: Countries
    choices: SharedChoices
    chooser: Chooser
    needs_sections: list[SectionDef] = field(default_factory=list)

    def latest(self) -> list[ActionDefinition]:
        return [years[max(years)] for years in self.actions.values()]

    def definition(self, key: str, call_year: int | None = None) -> ActionDefinition | None:
        """The definition of `key` for `call_year`, or its newest when no year is given."""
        years = self.actions.get(key or "")
        if not years:
            return None
        return years.get(call_year) if call_year is not None else years[max(years)]


def _check_references(catalogue: Catalogue, path_of: dict) -> None:
    groups = set(catalogue.countries.groups)
    for key, versions in catalogue.actions.items():
        for year, definition in versions.items():
            where = path_of[(key, year)]
            if definition.programme not in catalogue.programmes.programmes:
                raise DefinitionError(f"{where}: programme {definition.programme} is not in programmes.yaml")
            unknown_checks = {c for checks in definition.stage_checks.values() for c in checks} - set(STAGE_CHECKS)
            if unknown_checks:
                raise DefinitionError(f"{where}: stage_checks names unknown checks {sorted(unknown_checks)}")
            zones = {r.timezone for r in definition.call_rounds} - set(catalogue.programmes.deadline_zones)
            if zones:
                raise DefinitionError(f"{where}: programmes.yaml names no label for the time zones {sorted(zones)}")
            unknown = set(definition.eligibility.partnership.eligible_country_groups) - groups
            if unknown:
                raise DefinitionError(
                    f"{where}: eligibility.partnership names unknown country groups {sorted(unknown)}"
                )
            for section in definition.sections:
                for f in section.fields:
                    if f.choices_from and f.choices_from not in catalogue.choices.lists:
                        raise DefinitionError(
                            f"{where}: {section.key}.{f.key} takes choices from unknown list {f.choices_from}"
                        )
    for rec in catalogue.chooser.recommendations:
        if rec.action not in catalogue.actions:
            raise DefinitionError(f"chooser.yaml: recommends unknown action {rec.action}")


def load_all(folder: Path) -> Catalogue:
    folder = Path(folder)
    needs = _read_needs(folder / "needs.yaml", folder)
    actions: dict[str, dict[int, ActionDefinition]] = {}
    path_of = {}
    for path in sorted(folder.glob("*/*.yaml")):
        definition = load_file(path, root=folder, prepend=[n.model_dump(exclude_none=True) for n in needs])
        year = definition.call_year
        if path.stem != str(year):
            raise DefinitionError(f"{path.relative_to(folder)}: the file of call year {year} must be named {year}.yaml")
        if year in actions.get(definition.key, {}):
            raise DefinitionError(f"{path.relative_to(folder)}: {definition.key} {year} is defined twice")
        actions.setdefault(definition.key, {})[year] = definition
        path_of[(definition.key, year)] = str(path.relative_to(folder))
    if not actions:
        raise DefinitionError(f"no programme definitions found in {folder}")
    catalogue = Catalogue(
        actions=actions,
        programmes=load_file(folder / "programmes.yaml", Programmes, folder),
        countries=load_file(folder / "countries.yaml", Countries, folder),
        choices=load_file(folder / "choices.yaml", SharedChoices, folder),
        chooser=load_file(folder / "chooser.yaml", Chooser, folder),
        needs_sections=needs,
    )
    _check_references(catalogue, path_of)
    return catalogue


def _read_needs(path: Path, root: Path) -> list[SectionDef]:
    data, node = _raw(path)
    sections = data.get("sections") if isinstance(data, dict) else None
    if not isinstance(sections, list):
        raise DefinitionError(f"{path.name}: expected `sections:` with a list")
    return [_validate(SectionDef, s, node, path, root) for s in sections]


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
