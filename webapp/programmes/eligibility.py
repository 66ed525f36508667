"""The shape of a definition's `eligibility`: who may apply and with whom, and the rules that
span an application (the participant cap, the language, caps per round, activity limits, who may
coordinate). The checks that read them are in programmes.checks and programmes.activity_checks."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..organisations.models import SchoolKind
from .base import KEY, Localised, Sourced, Strict


class Range(Strict):
    min: int | None = None
    max: int | None = None


class Partnership(Sourced):
    """Who must take part: counted over the applicant and the confirmed partners."""

    min_organisations: int = Field(ge=1)
    min_countries: int = Field(ge=1)
    eligible_country_groups: list[str] = Field(min_length=1, description="groups of workflows/countries.yaml")
    partner_only_countries: list[str] = Field(
        default_factory=list,
        description="codes or groups of workflows/countries.yaml whose organisations may be partners but never "
        "apply; they count towards none of the minimums",
    )


class ItemsWhere(Strict):
    """Items of a repeated section that a rule leaves out: those whose `field` has one of these values."""

    field: str = Field(pattern=KEY)
    equals: list[str] = Field(min_length=1)


class ParticipantCount(Sourced):
    """Where `max_participants` is counted: a number field of a freely repeated section, summed over
    its items (the whole application, not one item), leaving out the items `not_counting` names."""

    items: str = Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$", description="section.field")
    not_counting: ItemsWhere | None = None


class LanguageRule(Sourced):
    """The language the application must be written in when an organisation from one of
    `when_countries` takes part (a Nordplus application with a Baltic partner is in English)."""

    answer: str = Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$", description="the choice field of the language")
    must_be: str = Field(min_length=1, description="a value of that field's choices")
    when_countries: list[str] = Field(min_length=1)


class RoundCap(Sourced):
    """A programme's cap on applications per organisation (OID) and call round, as data so that
    Grantpath can warn before a second application breaks it (webapp/applications/round_caps.py).
    `counts` names the actions counted together; `role` says whether only applications as
    coordinator count or participations in any role (Grantpath knows only the school's own
    applications, so it counts those either way and says so)."""

    max: int = Field(ge=1, description="applications (or participations) allowed per organisation and round")
    counts: list[str] = Field(min_length=1, description="action keys counted together; the definition's own among them")
    role: Literal["coordinator", "any"] = "coordinator"


class Ratio(Strict):
    """A maximum that grows with another number of the same item: `at_most` for every `per` of
    `field`, a started `per` counting as a whole (2 teachers per 10 pupils: 11 pupils allow 4)."""

    field: str = Field(pattern=KEY, description="a number field of the same section")
    per: int = Field(ge=1)
    at_most: int = Field(ge=1)
    unit: Localised = Field(description="what `field` counts, for the message: pupils")


class ActivityLimit(Sourced):
    """A limit on one number of each item of a freely repeated section (an activity), for the items
    whose `when.field` has one of `when.equals` (all items without `when`): `min`, `max`, and a
    maximum per `ratio`. The loader checks that every name is a field or choice of the form."""

    section: str = Field(pattern=KEY)
    when: ItemsWhere | None = None
    field: str = Field(pattern=KEY, description="the number field limited")
    min: float | None = None
    max: float | None = None
    ratio: Ratio | None = None

    @model_validator(mode="after")
    def _some_limit(self):
        if self.min is None and self.max is None and self.ratio is None:
            raise ValueError("an activity limit needs min, max or ratio")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("an activity limit's min is above its max")
        return self


class OrganisationRoles(Sourced):
    """Who may coordinate and who may be a partner, read from a per-organisation section: exactly one
    organisation has `role_field` = `coordinator`, of one of `coordinator_types`; the others, when
    `partner_types` is given, of one of those. `note` says why, in the reader's language."""

    section: str = Field(pattern=KEY)
    role_field: str = Field(pattern=KEY)
    coordinator: str = Field(min_length=1, description="the role field's value for the coordinator")
    type_field: str = Field(pattern=KEY)
    coordinator_types: list[str] = Field(min_length=1)
    partner_types: list[str] | None = Field(default=None, description="None: any type may be a partner")


class OwnApplication(Sourced):
    """A choice of a multiple-choice answer that is an action of its own and cannot be combined with
    anything (a Nordplus preparatory visit): the form no longer offers it, and a stored answer that
    still has it is reported, naming `action`."""

    answer: str = Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$", description="section.field, a multichoice")
    value: str = Field(min_length=1)
    label: Localised
    action: str = Field(pattern=r"^[A-Z0-9-]+$", description="the action to apply for instead")


class Applicants(Sourced):
    """Which kinds of unit may apply (organisations.models.SchoolKind): a school, or the
    organisation's applying body. `note` is shown with a refusal (who may apply otherwise)."""

    kinds: list[SchoolKind] = Field(min_length=1)


class KindCount(Strict):
    """At least `min` organisations of one of `kinds` (organisations.models.SchoolKind)."""

    kinds: list[SchoolKind] = Field(min_length=1)
    min: int = Field(ge=1)
    label: Localised = Field(description="what they are, for the message: schools")


class Composition(Sourced):
    """Who takes part, country by country (KA240): in the coordinator's own country each of
    `own_country`, and in at least `other_countries` other countries each of `each_other_country`.
    Counted over the applicant and the confirmed partners, by their kind."""

    own_country: list[KindCount] = Field(default_factory=list)
    other_countries: int = Field(default=0, ge=0)
    each_other_country: list[KindCount] = Field(default_factory=list)


class Eligibility(Strict):
    partnership: Partnership
    who_may_apply: Localised
    applicants: Applicants | None = Field(default=None, description="None: any kind of unit may apply")
    composition: Composition | None = None
    duration_months: Range | None = None
    lump_sums_eur: list[int] = Field(default_factory=list)
    max_participants: int | None = None
    participants_counted: ParticipantCount | None = Field(
        default=None, description="where max_participants is counted; needs max_participants"
    )
    language: LanguageRule | None = None
    applications_per_round: Localised | None = None
    round_caps: list[RoundCap] = Field(default_factory=list, description="caps per organisation and round")
    activity_limits: list[ActivityLimit] = Field(default_factory=list, description="limits per activity item")
    organisation_roles: OrganisationRoles | None = None
    own_application: list[OwnApplication] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
