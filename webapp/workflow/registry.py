"""Loads and validates every programme definition at start-up; the database stores only the key."""
from __future__ import annotations

from pathlib import Path

import yaml
from flask import Flask, current_app
from pydantic import ValidationError

from ..config import ConfigError
from .schema import ActionDefinition, Countries


class WorkflowError(ConfigError):
    """A definition file that does not match the schema: names the file, the key path and the fault."""


def load_file(path: Path, model=ActionDefinition):
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise WorkflowError(f"{path.name}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        faults = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}" for err in exc.errors()
        )
        raise WorkflowError(f"{path.name}: {faults}") from None


def load_dir(folder: Path) -> dict[str, ActionDefinition]:
    definitions: dict[str, ActionDefinition] = {}
    for path in sorted(p for p in folder.glob("*.yaml") if p.name != COUNTRIES_FILE):
        definition = load_file(path)
        if definition.key in definitions:
            raise WorkflowError(f"{path.name}: the key {definition.key} is defined twice")
        definitions[definition.key] = definition
    if not definitions:
        raise WorkflowError(f"no programme definitions found in {folder}")
    return definitions


COUNTRIES_FILE = "countries.yaml"


def init_app(app: Flask) -> None:
    folder = Path(app.config["WORKFLOWS_DIR"])
    app.extensions["workflows"] = load_dir(folder)
    app.extensions["countries"] = load_file(folder / COUNTRIES_FILE, Countries)


def countries() -> Countries:
    return current_app.extensions["countries"]


def all_actions() -> list[ActionDefinition]:
    return list(current_app.extensions["workflows"].values())


def get(key: str) -> ActionDefinition | None:
    return current_app.extensions["workflows"].get(key)
