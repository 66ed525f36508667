"""The invitation form: an address, and for someone without an account their name and language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..core.forms import LANGUAGE_CHOICES, BaseForm, options


class InviteForm(BaseForm):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter an email address.")),
            Email(_l("Enter an email address like name@school.se.")),
            Length(max=254),
        ],
    )
    # Only a new account needs these; the service asks for the name when it creates one.
    name = StringField(
        _l("Name"),
        validators=[Optional(), Length(max=200)],
        description=_l("Only needed when your colleague has no Grantpath account yet."),
    )
    language = SelectField(_l("Language of the invitation"), choices=options(LANGUAGE_CHOICES))
