"""Grantpath's default milestones (workflows/milestones.yaml): their shape, read and validated once
with the programme loader, so that a fault names the file and the line."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from flask import current_app, has_app_context
from pydantic import Field, model_validator

from ..programmes.base import KEY, Localised, Strict
from ..programmes.loader import REPOSITORY, load_file

#: The most working days an organisation may plan a milestone ahead (about half a year).
MAX_LEAD_DAYS = 120

FILE_NAME = "milestones.yaml"


class Milestone(Strict):
    key: str = Field(pattern=KEY)
    label: Localised
    lead_days: int = Field(ge=0, le=MAX_LEAD_DAYS, description="working days before the deadline's date")
    done_when: Literal["partners_stage", "every_stage", "approved", "signed_off"]
    only_if: Literal["coordinator_signoff"] | None = Field(
        default=None, description="planned only when the organisation has this setting on"
    )


class Milestones(Strict):
    milestones: list[Milestone] = Field(min_length=1)

    @model_validator(mode="after")
    def _in_order(self):
        keys = [m.key for m in self.milestones]
        if len(set(keys)) != len(keys):
            raise ValueError("every milestone needs a key of its own")
        leads = [m.lead_days for m in self.milestones]
        if leads != sorted(leads, reverse=True):
            raise ValueError("list the milestones in order: each one's lead_days at most the one before")
        return self


@cache
def load(path: Path) -> tuple[Milestone, ...]:
    """The milestones of `path`; a fault raises DefinitionError naming the file and line."""
    return tuple(load_file(path, Milestones).milestones)


def defaults() -> tuple[Milestone, ...]:
    """The app's milestones: those of its WORKFLOWS_DIR, or of the repository outside an app."""
    folder = Path(current_app.config["WORKFLOWS_DIR"]) if has_app_context() else REPOSITORY / "workflows"
    path = folder / FILE_NAME
    return load(path if path.is_file() else REPOSITORY / "workflows" / FILE_NAME)
