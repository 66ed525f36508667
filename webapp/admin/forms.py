from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField, ValidationError
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from ..auth.models import Role
from ..core.forms import LANGUAGE_CHOICES, BaseForm, counter, options
from ..core.i18n import current_language, territory_names
from ..organisations.models import SCHOOL_KIND_LABELS, OrganisationKind
from ..planning.milestones import MAX_LEAD_DAYS
from ..programmes import registry

ROLE_LABELS = {
    Role.TEACHER: _l("Teacher"),
    Role.PRINCIPAL: _l("Principal"),
    Role.COORDINATOR: _l("International coordinator"),
    Role.ADMIN: _l("Administrator"),
}

KIND_LABELS = {
    OrganisationKind.MUNICIPALITY: _l("Municipality"),
    OrganisationKind.SCHOOL_AUTHORITY: _l("School authority"),
    OrganisationKind.SCHOOL_GROUP: _l("School group"),
}


def country_choices():
    territories = territory_names(current_language())
    return options(
        sorted(((c, territories.get(c, c)) for c in registry.countries().all_codes()), key=lambda pair: pair[1])
    )


class OrganisationForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the organisation's name.")), Length(max=200)])
    kind = SelectField(
        _l("Kind of organisation"), choices=options((k.value, label) for k, label in KIND_LABELS.items())
    )
    country = SelectField(_l("Country"))
    portfolio_public = BooleanField(
        _l("Publish our portfolio of granted projects"),
        description=_l(
            "A public page with the projects the teams marked public: title, programme, period, "
            "partner countries and the final report's summary. No names of people."
        ),
    )

    coordinator_signoff = BooleanField(
        _l("A coordinator signs off every application after the principal"),
        description=_l(
            "For organisations that co-fund the projects or apply themselves: after the principal has "
            "approved, one of our coordinators signs off before the team submits."
        ),
    )

    _lead_keys: list[str] = []  # the milestones `organisation_form` adds a field for, `lead_<key>`

    def __init__(self, *args, has_coordinator: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
        self.has_coordinator = has_coordinator

    def validate_coordinator_signoff(self, field):
        if field.data and not self.has_coordinator:  # approved applications would wait for nobody
            raise ValidationError(_l("Give someone the coordinator role first: nobody could sign off yet."))

    def lead_fields(self) -> list:
        """The lead-time field of each milestone, in the milestones' order."""
        return [self[f"lead_{key}"] for key in self._lead_keys]

    def lead_days(self) -> dict[str, int]:
        """The lead times the organisation set (an empty field: Grantpath's default)."""
        chosen = {key: self[f"lead_{key}"].data for key in self._lead_keys}
        return {key: days for key, days in chosen.items() if days is not None}


class WorkingDaysField(IntegerField):
    """A milestone's lead time: a whole number of working days, 0 to MAX_LEAD_DAYS; empty for the
    default. What was typed is kept when it is refused."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist and isinstance(valuelist[0], str) else ""
        self.data = counter(text) if text else None
        if text and (self.data is None or self.data > MAX_LEAD_DAYS):
            self.data = None
            raise ValueError(
                _l(
                    "Enter a whole number of working days from 0 to %(max)d, or leave it empty for the default.",
                    max=MAX_LEAD_DAYS,
                )
            )


def organisation_form(milestones, *args, lead_days: dict | None = None, **kwargs) -> OrganisationForm:
    """The organisation form with a lead-time field per milestone (`lead_<key>`), filled with the
    organisation's own lead times."""
    fields = {}
    for m in milestones:
        note = _l("Empty: Grantpath's default, %(num)d working days before the deadline.", num=m.lead_days)
        if m.only_if == "coordinator_signoff":
            note = _l("Used when a coordinator signs off. %(default)s", default=note)
        fields[f"lead_{m.key}"] = WorkingDaysField(
            LazyString(lambda label=m.label: label.get(current_language())),
            description=note,
            render_kw={"min": 0, "max": MAX_LEAD_DAYS, "inputmode": "numeric"},
        )
    form_class = type(
        "OrganisationForm",
        (OrganisationForm,),
        {**fields, "_lead_keys": [m.key for m in milestones]},
    )
    own = {f"lead_{key}": value for key, value in (lead_days or {}).items() if f"lead_{key}" in fields}
    return form_class(*args, **own, **kwargs)


class SchoolForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the school's name.")), Length(max=200)])
    kind = SelectField(
        _l("Kind"),
        choices=options(SCHOOL_KIND_LABELS.items()),
        validate_choice=True,
        default="school",
        description=_l(
            "The programmes ask who applies: a school, or the organisation itself (a consortium or a school "
            "development project is applied for by the school authority or education department)."
        ),
    )
    city = StringField(_l("City"), validators=[Length(max=120)])
    country = SelectField(_l("Country"))
    oid = StringField(
        _l("Erasmus+ Organisation ID (OID)"),
        validators=[
            Optional(),
            Regexp(r"^E\d{8}$", message=_l("An OID is the letter E followed by 8 digits, e.g. E10123456.")),
        ],
        description=_l("From the Erasmus+ and European Solidarity Corps organisation registration system."),
        filters=[lambda v: v.upper() if isinstance(v, str) else v],
    )
    pic = StringField(
        _l("PIC (optional)"),
        validators=[Optional(), Regexp(r"^\d{9}$", message=_l("A PIC has exactly 9 digits."))],
        description=_l("Only needed for actions managed centrally by EACEA."),
    )
    address = StringField(_l("Postal address"), validators=[Length(max=300)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()


def _school_id(value):
    """The school select's value: an id, or None for roles across the whole organisation."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class MembershipForm(BaseForm):
    role = SelectField(_l("Role"), choices=options((r.value, label) for r, label in ROLE_LABELS.items()))
    school_id = SelectField(_l("School"), coerce=_school_id, validate_choice=False)

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.school_id.choices = options([("", _l("— whole organisation —"))] + [(s.id, s.name) for s in schools])

    def validate_school_id(self, field):
        if field.data is not None and field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Choose one of your organisation's schools."))
        if self.role.data not in set(Role):
            return  # the role field reports its own error
        if Role(self.role.data).needs_school and not field.data:
            raise ValidationError(_l("Teachers and principals belong to a school: choose one."))
        if not Role(self.role.data).needs_school and field.data:
            raise ValidationError(
                _l("Coordinators and administrators work across the whole organisation: choose no school.")
            )


class InviteForm(MembershipForm):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter an email address.")),
            Email(_l("Enter an email address like name@school.se.")),
            Length(max=254),
        ],
    )
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the person's name.")), Length(max=200)])
    language = SelectField(_l("Language of the invitation"), choices=options(LANGUAGE_CHOICES))


class UserForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the person's name.")), Length(max=200)])
    language = SelectField(_l("Language"), choices=options(LANGUAGE_CHOICES))
    active = BooleanField(_l("Account active (may sign in)"))
