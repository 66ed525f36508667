from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, HiddenField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from ..core.forms import LANGUAGE_CHOICES, BaseForm, options, within_years
from ..core.i18n import current_language, territory_names
from ..organisations.models import SCHOOL_KIND_LABELS
from ..programmes import registry
from .models import PartnerStatus

STATUS_LABELS = {
    PartnerStatus.IDENTIFIED: _l("Identified"),
    PartnerStatus.CONTACTED: _l("Contacted"),
    PartnerStatus.INTERESTED: _l("Interested"),
    PartnerStatus.CONFIRMED: _l("Confirmed"),
    PartnerStatus.DECLINED: _l("Said no"),
}


#: Two-letter codes Babel names that are no country: unions, the unknown region, test locales.
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


def all_countries():
    """Every country: a partner outside the programme's countries may be noted, and the rules say so.
    The regions of workflows/countries.yaml (Southern Schleswig) are offered beside them."""
    language = current_language()
    territories = territory_names(language)
    codes = [c for c in territories if len(c) == 2 and c.isalpha() and c.isupper() and c not in NOT_COUNTRIES]
    pairs = [(c, f"{territories[c]} ({c})") for c in codes]
    pairs += [(code, region.name.get(language)) for code, region in registry.countries().regions.items()]
    return options(sorted(pairs, key=lambda pair: pair[1]))


def _country_code(value):
    """The code Grantpath stores: Erasmus+ writes Greece EL, which is saved as GR (countries.yaml `aliases`)."""
    return registry.countries().normalise(value) if value else value


class PartnerForm(BaseForm):
    name = StringField(
        _l("Organisation"), validators=[DataRequired(_l("Enter the organisation's name.")), Length(max=200)]
    )
    kind = SelectField(
        _l("Kind of organisation"),
        choices=options(SCHOOL_KIND_LABELS.items()),
        validate_choice=True,
        default="school",
        description=_l("Some actions ask for a certain mix, e.g. KA240: school authorities and their schools."),
    )
    country = SelectField(
        _l("Country"),
        validators=[DataRequired(_l("Choose the country."))],
        filters=[_country_code],
        validate_choice=False,  # validate_country says what is wrong
    )
    city = StringField(_l("City"), validators=[Length(max=120)])
    oid = StringField(
        _l("Erasmus+ Organisation ID (OID)"),
        validators=[
            Optional(),
            Regexp(r"^E\d{8}$", message=_l("An OID is the letter E followed by 8 digits, e.g. E10123456.")),
        ],
        filters=[lambda v: v.upper() if isinstance(v, str) else v],
        description=_l("Needed in the Erasmus+ form; ask the partner for it."),
    )
    contact_name = StringField(_l("Contact person"), validators=[Length(max=200)])
    contact_email = EmailField(
        _l("Contact email"),
        validators=[Optional(), Email(_l("Enter an email address like name@school.se.")), Length(max=254)],
    )
    status = SelectField(_l("Where you stand"), choices=options((s.value, label) for s, label in STATUS_LABELS.items()))
    next_step = StringField(
        _l("Next step"),
        validators=[Length(max=300)],
        description=_l("For example: send the letter of intent for signing."),
    )
    next_step_due = DateField(
        _l("Next step by"),
        validators=[Optional(), within_years],
        description=_l("A date, e.g. 2027-01-15."),
    )
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)])
    loaded_version = HiddenField()  # not "version": it must never be filled from the partner itself

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = options([("", _l("— choose —"))]) + all_countries()

    def validate_country(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(
                _l("Not a country Grantpath knows: choose one from the list (in a file, its two-letter code, e.g. FI).")
            )


class LetterMailForm(BaseForm):
    """Mailing the pre-filled letter to the partner's contact person."""

    language = SelectField(
        _l("Language of the letter and the mail"),
        choices=options(LANGUAGE_CHOICES),
        validate_choice=True,
        default="en",
    )
    message = TextAreaField(
        _l("Your message (optional)"),
        validators=[Length(max=2000)],
        description=_l("A few words of your own, added to the mail above the request to sign."),
    )
