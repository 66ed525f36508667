from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length
from wtforms.widgets import PasswordInput

from ..core.forms import LANGUAGE_CHOICES, BaseForm, CheckboxListField, options
from .services import MAIL_KINDS, PASSWORD_MIN_LENGTH


class SignInForm(BaseForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ResetRequestForm(BaseForm):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Email(_l("Enter an email address like name@school.se.")),
            Length(max=254),
        ],
    )


class ChoosePasswordForm(BaseForm):
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(min=PASSWORD_MIN_LENGTH, max=200, message=_l("Use between %(min)d and %(max)d characters.")),
        ],
        description=_l(
            "At least %(n)d characters. A few unrelated words make a strong password.", n=PASSWORD_MIN_LENGTH
        ),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(_l("Repeat the password.")), EqualTo("password", _l("The two passwords differ."))],
    )


def _kept(unbound):
    """The same password field, shown again with what was typed when the form comes back."""
    return PasswordField(*unbound.args, **{**unbound.kwargs, "widget": PasswordInput(hide_value=False)})


class AccountPasswordForm(BaseForm):
    """A new password on the account page: only with the current one (a borrowed or stolen
    session must not be enough to take the account over)."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=200)],
    )
    password = _kept(ChoosePasswordForm.password)
    confirm = _kept(ChoosePasswordForm.confirm)

    WRONG_CURRENT = _l("This is not your current password.")


class ProfileForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter your name.")), Length(max=200)])
    language = SelectField(_l("Language"), choices=options(LANGUAGE_CHOICES))


class MailPreferencesForm(BaseForm):
    """The optional mail the user wants, one tick per kind (services.MAIL_KINDS). A kind that is not
    offered is not an error: services.set_mail_preferences ignores it."""

    wanted = CheckboxListField(
        _l("Send me mail about"),
        choices=options((kind.key, kind.label) for kind in MAIL_KINDS.values()),
        validate_choice=False,
        description=_l("Mail about your account, such as a link to choose a new password, always comes."),
    )
    # Posted with every submit, so that unticking every box still reads as this form (nothing else is).
    sent = HiddenField(default="1")
