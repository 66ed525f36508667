"""The typed shape of a programme action's definition in workflows/*.yaml."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localised(Strict):
    """A text in each of Grantpath's languages."""

    sv: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: str) -> str:
        return getattr(self, language, None) or self.en


class CallRound(Strict):
    id: str = Field(pattern=r"^\d{4}-[A-Za-z0-9]+$")
    label: Localised
    deadline: datetime = Field(description="Local wall-clock time in `timezone`, as the call states it")
    timezone: str
    confirmed: bool = Field(description="False while the date is expected from earlier years' pattern only")
    source: str = Field(min_length=3)
    note: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("deadline")
    @classmethod
    def _wall_clock(cls, value: datetime) -> datetime:
        if value.tzinfo is not None:
            raise ValueError("write the deadline as local time without an offset; the zone goes in `timezone`")
        return value

    @property
    def deadline_utc(self) -> datetime:
        return self.deadline.replace(tzinfo=ZoneInfo(self.timezone)).astimezone(timezone.utc)


class ActionDefinition(Strict):
    key: str = Field(pattern=r"^[A-Z0-9-]+$")
    programme: Literal["erasmus_plus", "nordplus_junior"]
    action_code: str
    version: int = Field(ge=2021, description="The call year whose rules and form this file describes")
    name: Localised
    national_agency: str
    call_rounds: list[CallRound] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_rounds(self):
        ids = [r.id for r in self.call_rounds]
        if len(ids) != len(set(ids)):
            raise ValueError("call round ids must be unique")
        return self

    def call_round(self, round_id: str) -> CallRound | None:
        return next((r for r in self.call_rounds if r.id == round_id), None)

    def open_rounds(self, now: datetime) -> list[CallRound]:
        return [r for r in self.call_rounds if r.deadline_utc > now]


class CountryGroup(Strict):
    source: str
    countries: list[str] = Field(min_length=1)

    @field_validator("countries")
    @classmethod
    def _iso_codes(cls, values: list[str]) -> list[str]:
        bad = [c for c in values if len(c) != 2 or not c.isupper()]
        if bad:
            raise ValueError(f"not ISO 3166 alpha-2 codes: {', '.join(bad)}")
        return values


class Countries(Strict):
    groups: dict[str, CountryGroup]

    def all_codes(self) -> list[str]:
        return sorted({c for g in self.groups.values() for c in g.countries})
