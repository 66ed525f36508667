"""Loads and validates every programme definition at start-up; the database stores only the key and
the call year (the version), so an application keeps the rules it started with.

Layout of workflows/: one folder per action, one file per call year (`ka210-sch/2026.yaml`). A file
may start with `extends: <file>` to take every top-level key of another file and override some.
Shared data sits beside the folders: countries.yaml, choices.yaml, chooser.yaml, needs.yaml.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from flask import Flask, current_app
from pydantic import BaseModel, ValidationError

from ..config import ConfigError
from .schema import ActionDefinition, Chooser, Countries, SectionDef, SharedChoices


class WorkflowError(ConfigError):
    """A definition that does not match the schema: names the file, the line, the key path and the fault."""


def _read(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
        return yaml.safe_load(text), yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise WorkflowError(f"{path.name}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    except OSError as exc:
        raise WorkflowError(f"{path}: cannot be read ({exc.strerror})") from None


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
        raise WorkflowError(f"{path.name}: expected a mapping of keys at the top")
    base = data.pop("extends", None)
    if base is None:
        return data, node
    base_path = (path.parent / base).resolve()
    if base_path in seen:
        raise WorkflowError(f"{path.name}: extends itself through {base}")
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
        raise WorkflowError(f"{name}: " + "; ".join(faults)) from None


def load_file(path: Path, model: type[BaseModel] = ActionDefinition, root: Path | None = None, prepend=()):
    data, node = _raw(path)
    if prepend and isinstance(data.get("sections"), list):
        data = {**data, "sections": [*prepend, *data["sections"]]}
    return _validate(model, data, node, path, root or path.parent)


@dataclass
class Workflows:
    """Every definition by key and call year, and the shared data they refer to."""

    actions: dict[str, dict[int, ActionDefinition]]
    countries: Countries
    choices: SharedChoices
    chooser: Chooser
    needs_sections: list[SectionDef] = field(default_factory=list)

    def latest(self) -> list[ActionDefinition]:
        return [versions[max(versions)] for versions in self.actions.values()]


def _check_references(workflows: Workflows, path_of: dict) -> None:
    groups = set(workflows.countries.groups)
    for key, versions in workflows.actions.items():
        for year, definition in versions.items():
            where = path_of[(key, year)]
            unknown = set(definition.eligibility.partnership.eligible_country_groups) - groups
            if unknown:
                raise WorkflowError(f"{where}: eligibility.partnership names unknown country groups {sorted(unknown)}")
            for section in definition.sections:
                for f in section.fields:
                    if f.choices_from and f.choices_from not in workflows.choices.lists:
                        raise WorkflowError(f"{where}: {section.key}.{f.key} takes choices from unknown list {f.choices_from}")
    for rec in workflows.chooser.recommendations:
        if rec.action not in workflows.actions:
            raise WorkflowError(f"chooser.yaml: recommends unknown action {rec.action}")


def load_all(folder: Path) -> Workflows:
    folder = Path(folder)
    needs = _read_needs(folder / "needs.yaml", folder)
    actions: dict[str, dict[int, ActionDefinition]] = {}
    path_of = {}
    for path in sorted(folder.glob("*/*.yaml")):
        definition = load_file(path, root=folder, prepend=[n.model_dump(exclude_none=True) for n in needs])
        year = definition.call_year
        if path.stem != str(year):
            raise WorkflowError(f"{path.relative_to(folder)}: the file of call year {year} must be named {year}.yaml")
        if year in actions.get(definition.key, {}):
            raise WorkflowError(f"{path.relative_to(folder)}: {definition.key} {year} is defined twice")
        actions.setdefault(definition.key, {})[year] = definition
        path_of[(definition.key, year)] = str(path.relative_to(folder))
    if not actions:
        raise WorkflowError(f"no programme definitions found in {folder}")
    workflows = Workflows(
        actions=actions,
        countries=load_file(folder / "countries.yaml", Countries, folder),
        choices=load_file(folder / "choices.yaml", SharedChoices, folder),
        chooser=load_file(folder / "chooser.yaml", Chooser, folder),
        needs_sections=needs,
    )
    _check_references(workflows, path_of)
    return workflows


def _read_needs(path: Path, root: Path) -> list[SectionDef]:
    data, node = _raw(path)
    sections = data.get("sections") if isinstance(data, dict) else None
    if not isinstance(sections, list):
        raise WorkflowError(f"{path.name}: expected `sections:` with a list")
    return [_validate(SectionDef, s, node, path, root) for s in sections]


def init_app(app: Flask) -> None:
    app.extensions["workflows"] = load_all(Path(app.config["WORKFLOWS_DIR"]))


def _workflows() -> Workflows:
    return current_app.extensions["workflows"]


def all_actions() -> list[ActionDefinition]:
    """The newest version of every action, in the order programmes list them."""
    return sorted(_workflows().latest(), key=lambda d: (d.programme, d.key))


def get(key: str, version: int | None = None) -> ActionDefinition | None:
    versions = _workflows().actions.get(key or "")
    if not versions:
        return None
    return versions.get(version) if version is not None else versions[max(versions)]


def for_round(key: str, round_id: str) -> ActionDefinition | None:
    """The definition whose call year holds this round (an application's version)."""
    versions = _workflows().actions.get(key or "", {})
    return next((d for d in versions.values() if d.call_round(round_id)), None)


def open_rounds(now):
    """(definition, its open rounds) for every action that has a round still open."""
    result = []
    for key in sorted(_workflows().actions):
        for year in sorted(_workflows().actions[key]):
            definition = _workflows().actions[key][year]
            rounds = definition.open_rounds(now)
            if rounds:
                result.append((definition, rounds))
    return result


def countries() -> Countries:
    return _workflows().countries


def choices() -> SharedChoices:
    return _workflows().choices


def chooser() -> Chooser:
    return _workflows().chooser
