"""The building blocks of every definition's shape: strict models, texts in both languages, and a
figure with its source."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

KEY = r"^[a-z][a-z0-9_]*$"
FIELD_REF = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localised(Strict):
    """A text in each of Grantpath's languages."""

    sv: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: str) -> str:
        return getattr(self, language, None) or self.en


class Sourced(Strict):
    """A figure or rule with where it comes from; `confirmed: false` marks the uncertain ones."""

    source: str = Field(min_length=3)
    confirmed: bool = True
    note: Localised | str | None = Field(default=None, description="shown to users: Localised (sv/en)")
