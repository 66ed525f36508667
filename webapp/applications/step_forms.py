"""The forms of the lifecycle steps that need more than a click: registering the submission, the
national agency's outcome, the final report. A transition names its form (Transition.form)."""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, StringField, TextAreaField, TimeField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from ..core.forms import BaseForm
from ..core.i18n import STOCKHOLM
from ..programmes import registry

REFERENCE = r"[A-Za-z0-9][A-Za-z0-9/_.-]{3,59}"
MAX_GRANT_EUR = 5_000_000  # far above any school action's lump sum; a typo guard, not a programme rule


class SubmissionForm(BaseForm):
    reference = StringField(
        _l("The application's ID in the programme's system"),
        validators=[
            DataRequired(_l("Enter the ID the web form or Espresso gave the application.")),
            Regexp(rf"^{REFERENCE}$", message=_l("An ID is 4 to 60 letters, digits, dashes, dots or slashes.")),
        ],
        description=_l("The form ID or submission ID shown after sending (Erasmus+), or the Espresso application ID."),
    )
    submitted_on = DateField(_l("Submitted on"), validators=[InputRequired(_l("Enter the date as YYYY-MM-DD."))])
    submitted_time = TimeField(
        _l("At (Swedish time)"), validators=[InputRequired(_l("Enter the time as HH:MM."))], format="%H:%M"
    )

    def submitted_at(self) -> datetime:
        return datetime.combine(self.submitted_on.data, self.submitted_time.data, tzinfo=STOCKHOLM)

    def validate_submitted_on(self, field):
        if field.data and field.data > datetime.now(STOCKHOLM).date():
            raise ValidationError(_l("The submission cannot be in the future."))


class GrantForm(BaseForm):
    amount_eur = IntegerField(
        _l("Granted amount (euro)"),
        validators=[
            InputRequired(_l("Enter the granted amount in euro.")),
            NumberRange(1, MAX_GRANT_EUR, message=_l("Enter an amount from 1 to 5 000 000 euro.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    project_number = StringField(_l("Project number (grant agreement)"), validators=[Optional(), Length(max=40)])
    project_start = DateField(_l("Project starts"), validators=[InputRequired(_l("Enter the date as YYYY-MM-DD."))])
    project_end = DateField(_l("Project ends"), validators=[InputRequired(_l("Enter the date as YYYY-MM-DD."))])
    public = BooleanField(_l("Show the project on our public portfolio"))

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pattern = programme.project_number if programme else None
        if self.pattern:
            self.project_number.description = _l("For example %(example)s.", example=self.pattern.example)

    def validate_project_number(self, field):
        if field.data and self.pattern and not re.fullmatch(self.pattern.regex, field.data.strip().upper()):
            raise ValidationError(_l("A project number looks like %(example)s.", example=self.pattern.example))

    def validate_project_end(self, field):
        start = self.project_start.data
        if field.data and start and field.data <= start:
            raise ValidationError(_l("The project ends after it starts."))
        if field.data and start and (field.data - start).days > 5 * 366:
            raise ValidationError(_l("A school project runs at most five years: check the dates."))


class RejectionForm(BaseForm):
    score = IntegerField(
        _l("The evaluators' score (of 100)"),
        validators=[Optional(), NumberRange(0, 100, message=_l("Give 0 to 100 points."))],
        render_kw={"inputmode": "numeric"},
    )
    feedback = TextAreaField(
        _l("The evaluators' feedback"),
        validators=[Length(max=10_000)],
        description=_l("Kept with the application, so the next try can start from it."),
    )


class InterimReportForm(BaseForm):
    sent_on = DateField(_l("Sent on"), validators=[InputRequired(_l("Enter the date as YYYY-MM-DD."))])

    def validate_sent_on(self, field):
        if field.data and field.data > datetime.now(STOCKHOLM).date():
            raise ValidationError(_l("The report cannot be sent in the future."))


class FinalReportForm(BaseForm):
    summary = TextAreaField(
        _l("What the project achieved (public summary)"),
        validators=[DataRequired(_l("Write a short summary of what the project achieved.")), Length(max=1500)],
        description=_l("Up to 1 500 characters, without personal data: it may be shown on your public portfolio."),
        render_kw={"data-limit": 1500},
    )
    public = BooleanField(_l("Show the project on our public portfolio"))


STEP_FORMS = {
    "submission": SubmissionForm,
    "grant": GrantForm,
    "rejection": RejectionForm,
    "interim_report": InterimReportForm,
    "final_report": FinalReportForm,
}


def form_for(transition, application, **kwargs):
    form_class = STEP_FORMS[transition.form]
    if form_class is GrantForm:
        definition = registry.for_round(application.action_key, application.call_round)
        kwargs["programme"] = registry.programme(definition.programme) if definition else None
    return form_class(**kwargs)


def details_of(form) -> dict:
    """The form's values as the step's details (dates and times as Python values)."""
    if isinstance(form, SubmissionForm):
        return {"reference": form.reference.data, "submitted_at": form.submitted_at()}
    data = {k: v for k, v in form.data.items() if k != "csrf_token"}
    if isinstance(form, GrantForm) and data.get("project_number"):
        data["project_number"] = data["project_number"].strip().upper()
    return data
