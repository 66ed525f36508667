"""The typed shape of the data beside the definitions in workflows/: programmes.yaml, countries.yaml,
choices.yaml and chooser.yaml."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

from babel import Locale
from pydantic import Field, field_validator, model_validator

from .schema import KEY, Choice, Localised, Strict


class Pattern(Strict):
    """The shape of an identifier a programme hands out, to catch a mistyped one."""

    regex: str = Field(min_length=2)
    example: str
    source: str = Field(min_length=3)
    confirmed: bool = True

    @model_validator(mode="after")
    def _example_fits(self):
        if not re.fullmatch(self.regex, self.example):
            raise ValueError(f"the example {self.example!r} does not match {self.regex!r}")
        return self


class FinalReport(Strict):
    """When the final report is usually due; the grant agreement's own date rules over it."""

    days_after_end: int = Field(ge=0, le=366, description="the default due date: the project's end plus this")
    source: str = Field(min_length=3)
    confirmed: bool = True

    def due(self, project_end: date) -> date:
        return project_end + timedelta(days=self.days_after_end)


class Programme(Strict):
    """A funding programme (Erasmus+, Nordplus Junior): what every one of its actions shares."""

    name: str = Field(min_length=1)
    partner_document: Literal["letter_of_intent", "mandate"] = Field(
        description="what each partner signs: Nordplus asks for a letter of intent, Erasmus+ for a mandate"
    )
    partner_document_label: Localised
    source: str = Field(min_length=3)
    project_number: Pattern | None = Field(default=None, description="the grant agreement's project number")
    final_report: FinalReport


class Programmes(Strict):
    """workflows/programmes.yaml: the programmes, and how each deadline time zone is named beside a time."""

    programmes: dict[str, Programme]
    deadline_zones: dict[str, Localised] = Field(
        description="zone -> label with %(moment)s, e.g. '%(moment)s (Brussels)'"
    )

    @field_validator("deadline_zones")
    @classmethod
    def _zones_with_moment(cls, value: dict[str, Localised]) -> dict[str, Localised]:
        for zone, label in value.items():
            if "%(moment)s" not in label.sv or "%(moment)s" not in label.en:
                raise ValueError(f"the label of {zone} must contain %(moment)s in both languages")
        return value


class CountryGroup(Strict):
    """A list of countries, or every country outside some groups (`all_except`: the non-associated
    third countries are every country that is neither an EU Member State nor associated)."""

    source: str
    countries: list[str] = Field(default_factory=list)
    all_except: list[str] = Field(default_factory=list, description="groups whose countries are not in this one")

    @field_validator("countries")
    @classmethod
    def _iso_codes(cls, values: list[str]) -> list[str]:
        bad = [c for c in values if len(c) != 2 or not c.isupper()]
        if bad:
            raise ValueError(f"not ISO 3166 alpha-2 codes: {', '.join(bad)}")
        return values

    @model_validator(mode="after")
    def _one_way(self):
        if bool(self.countries) == bool(self.all_except):
            raise ValueError("a group lists either its countries or all_except, not both and not neither")
        return self


class Region(Strict):
    """An area that takes part in a programme without an ISO code of its own (Southern Schleswig):
    stored under a user-assigned code (ISO 3166-1 keeps XA-XZ free for that) and belonging to `country`."""

    name: Localised
    country: str = Field(pattern=r"^[A-Z]{2}$")
    source: str = Field(min_length=3)


class Aliases(Strict):
    """Other codes for a country, e.g. Erasmus+ writes Greece EL: EL -> GR."""

    source: str = Field(min_length=3)
    codes: dict[str, str]


class Countries(Strict):
    groups: dict[str, CountryGroup]
    aliases: Aliases | None = None
    regions: dict[str, Region] = Field(default_factory=dict, description="user-assigned code -> region")

    @model_validator(mode="after")
    def _hangs_together(self):
        for name, group in self.groups.items():
            unknown = set(group.all_except) - set(self.groups)
            if unknown:
                raise ValueError(f"group {name}: all_except names unknown groups {sorted(unknown)}")
            if any(self.groups[g].all_except for g in group.all_except):
                raise ValueError(f"group {name}: all_except may only name groups that list their countries")
        aliases = self.aliases.codes if self.aliases else {}
        for code in [*aliases, *aliases.values(), *self.regions]:
            if len(code) != 2 or not code.isupper():
                raise ValueError(f"not a two-letter code: {code}")
        for code in self.regions:
            if not "XA" <= code <= "XZ":
                raise ValueError(f"region {code}: use a user-assigned code, XA to XZ")
        return self

    def normalise(self, code: str | None) -> str | None:
        """The code Grantpath stores: an alias (EL, as Erasmus+ writes Greece) becomes its ISO code (GR)."""
        if not isinstance(code, str):
            return code
        code = code.strip().upper()
        return self.aliases.codes.get(code, code) if self.aliases else code

    def all_codes(self) -> list[str]:
        return sorted({c for g in self.groups.values() for c in g.countries})

    def codes(self, group_names: list[str]) -> set[str]:
        """The countries of listed groups (a group of `all_except` has no finite list: see `contains`)."""
        return {c for name in group_names for c in self.groups[name].countries}

    def contains(self, names: list[str], code: str) -> bool:
        """Whether `code` is one of `names`: each a code itself or a group of countries.yaml."""
        code = self.normalise(code)
        for name in names:
            group = self.groups.get(name)
            if group is None:
                if self.normalise(name) == code:
                    return True
            elif group.all_except:
                if code not in self.regions and code not in self.codes(group.all_except):
                    return True
            elif code in group.countries:
                return True
        return False

    def name(self, code: str, language: str) -> str | None:
        """A region's name (countries with an ISO code are named by Babel)."""
        region = self.regions.get(code)
        return region.name.get(language) if region else None


class SharedChoices(Strict):
    """Option lists several forms share (priorities, topics), in workflows/choices.yaml; a list of
    `country_lists` is the countries of some groups of countries.yaml, named by Babel."""

    lists: dict[str, list[Choice]]
    sources: dict[str, str]
    country_lists: dict[str, list[str]] = Field(default_factory=dict, description="list name -> country groups")

    def with_countries(self, countries: Countries) -> SharedChoices:
        """These lists with each country list filled from `countries` (unknown groups are the loader's fault)."""
        sv, en = Locale.parse("sv").territories, Locale.parse("en").territories
        lists = dict(self.lists)
        for name, groups in self.country_lists.items():
            codes = {c for g in groups if g in countries.groups for c in countries.groups[g].countries}
            lists[name] = [
                Choice(value=c, label=Localised(sv=sv.get(c, c), en=en.get(c, c)))
                for c in sorted(codes, key=lambda c: sv.get(c, c))
            ]
        return self.model_copy(update={"lists": lists})


class ChooserChoice(Strict):
    value: str = Field(min_length=1)
    label: Localised
    counts_as: list[str] = Field(
        default_factory=list,
        description="other answers of the same question this one also is (a Finnish partner is Nordic and EU)",
    )


class ChooserQuestion(Strict):
    key: str = Field(pattern=KEY)
    label: Localised
    help: Localised | None = None
    choices: list[ChooserChoice] = Field(min_length=2)
    default: str | None = Field(default=None, description="preselected; an answer left out counts as this one")

    def answers(self, value: str | None) -> set[str]:
        """The answers a chosen value stands for: itself and what it counts as."""
        choice = next((c for c in self.choices if c.value == (value or self.default)), None)
        return {choice.value, *choice.counts_as} if choice else set()


class Uncertainty(Strict):
    """What is not certain about a recommendation, when these answers were given (always, if none)."""

    when: dict[str, list[str]] = Field(default_factory=dict)
    text: Localised


class Recommendation(Strict):
    action: str
    when: dict[str, list[str]] = Field(description="question key -> answers for which this applies; all must hold")
    reason: Localised
    uncertain: list[Uncertainty] = Field(default_factory=list)


class Chooser(Strict):
    """The idea stage's guided chooser (workflows/chooser.yaml): questions, then recommendations in order."""

    questions: list[ChooserQuestion] = Field(min_length=1)
    recommendations: list[Recommendation] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_answers(self):
        answers = {q.key: {c.value for c in q.choices} for q in self.questions}
        for q in self.questions:
            if q.default is not None and q.default not in answers[q.key]:
                raise ValueError(f"question {q.key}: default {q.default!r} is none of its answers")
            for c in q.choices:
                if set(c.counts_as) - answers[q.key]:
                    raise ValueError(f"question {q.key}: {c.value} counts as unknown answers {c.counts_as}")
        for rec in self.recommendations:
            conditions = [rec.when, *(u.when for u in rec.uncertain)]
            for key, values in (item for when in conditions for item in when.items()):
                if key not in answers:
                    raise ValueError(f"recommendation for {rec.action} asks about unknown question {key}")
                if set(values) - answers[key]:
                    raise ValueError(
                        f"recommendation for {rec.action}: {key} has no answer {sorted(set(values) - answers[key])}"
                    )
        return self
