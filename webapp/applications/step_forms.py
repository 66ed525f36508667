"""The forms of the lifecycle steps that need more than a click: registering the submission (with
the PDF the programme's system gave), the national agency's outcome and the report dates, the
interim and final reports (with their PDFs). A transition names its form (Transition.form)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, StringField, TextAreaField, TimeField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from ..core.forms import BaseForm, within_years
from ..core.i18n import STOCKHOLM, format_day, today_in_stockholm
from ..documents.forms import PdfField
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
    submitted_on = DateField(
        _l("Submitted on"), validators=[InputRequired(_l("Enter the date as YYYY-MM-DD.")), within_years]
    )
    submitted_time = TimeField(
        _l("At (Swedish time)"), validators=[InputRequired(_l("Enter the time as HH:MM."))], format="%H:%M"
    )
    submitted_pdf = PdfField(
        _l("The application as submitted (PDF)"),
        description=_l("The PDF the web form or Espresso gives after submitting."),
    )

    def submitted_at(self) -> datetime:
        return datetime.combine(self.submitted_on.data, self.submitted_time.data, tzinfo=STOCKHOLM)

    def validate_submitted_on(self, field):
        if field.data and field.data > today_in_stockholm():
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
    project_start = DateField(
        _l("Project starts"), validators=[InputRequired(_l("Enter the date as YYYY-MM-DD.")), within_years]
    )
    project_end = DateField(
        _l("Project ends"), validators=[InputRequired(_l("Enter the date as YYYY-MM-DD.")), within_years]
    )
    interim_report_due = DateField(
        _l("Interim report due (if the grant agreement asks for one)"),
        validators=[Optional(), within_years],
        description=_l("Leave it empty when the grant agreement asks for no interim report."),
    )
    final_report_due = DateField(_l("Final report due"), validators=[Optional(), within_years])
    public = BooleanField(_l("Show the project on our public portfolio"))

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pattern = programme.project_number if programme else None
        if self.pattern:
            self.project_number.description = _l("For example %(example)s.", example=self.pattern.example)
        reports = programme.final_report if programme else None
        if reports:
            self.final_report_due.description = _l(
                "Left empty: %(days)d days after the project ends, as %(programme)s usually asks. "
                "The date in your grant agreement rules: enter it if it differs.",
                days=reports.days_after_end,
                programme=programme.name,
            )

    def validate_project_number(self, field):
        if field.data and self.pattern and not re.fullmatch(self.pattern.regex, field.data.strip().upper()):
            raise ValidationError(_l("A project number looks like %(example)s.", example=self.pattern.example))

    def validate_project_end(self, field):
        start = self.project_start.data
        if field.data and start and field.data <= start:
            raise ValidationError(_l("The project ends after it starts."))
        if field.data and start and (field.data - start).days > 5 * 366:
            raise ValidationError(_l("A school project runs at most five years: check the dates."))

    def validate_interim_report_due(self, field):
        start, end = self.project_start.data, self.project_end.data
        if field.data and start and end and not start <= field.data <= end:
            raise ValidationError(
                _l(
                    "The interim report falls within the project period (%(start)s to %(end)s).",
                    start=format_day(start),
                    end=format_day(end),
                )
            )

    def validate_final_report_due(self, field):
        end = self.project_end.data
        if field.data and end and field.data < end:
            raise ValidationError(_l("The final report is due on or after the day the project ends."))
        if field.data and end and field.data - end > timedelta(days=366):
            raise ValidationError(_l("The final report is due within a year of the project's end: check the date."))


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
    sent_on = DateField(_l("Sent on"), validators=[InputRequired(_l("Enter the date as YYYY-MM-DD.")), within_years])
    # Optional: registering the date is what settles the deadline, and a report sent from the
    # programme's web form does not always come with a PDF to keep.
    report_pdf = PdfField(
        _l("The interim report (PDF, if you have it)"),
        required=False,
        description=_l("Kept with the application, beside the final report."),
    )

    def __init__(self, *args, project_start=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project_start = project_start

    def validate_sent_on(self, field):
        if field.data and field.data > today_in_stockholm():
            raise ValidationError(_l("The report cannot be sent in the future."))
        if field.data and self.project_start and field.data < self.project_start:
            raise ValidationError(
                _l(
                    "The project started on %(start)s: the report is sent after that.",
                    start=format_day(self.project_start),
                )
            )


class FinalReportForm(BaseForm):
    summary = TextAreaField(
        _l("What the project achieved (public summary)"),
        validators=[DataRequired(_l("Write a short summary of what the project achieved.")), Length(max=1500)],
        description=_l("Up to 1 500 characters, without personal data: it may be shown on your public portfolio."),
        render_kw={"data-limit": 1500},
    )
    report_pdf = PdfField(
        _l("The final report as sent (PDF)"),
        description=_l("The PDF of the report as the programme's system produced it."),
    )
    public = BooleanField(
        _l("Show the project on our public portfolio"),
        description=_l("The summary and the final report's PDF become public there: check the PDF for personal data."),
    )


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
    if form_class is InterimReportForm and application.outcome is not None:
        kwargs["project_start"] = application.outcome.project_start
    return form_class(**kwargs)


def details_of(form) -> dict:
    """The form's values as the step's details (dates and times as Python values, a file as its
    checked Upload)."""
    uploads = {field.name: field.upload for field in form if isinstance(field, PdfField)}
    if isinstance(form, SubmissionForm):
        return {"reference": form.reference.data, "submitted_at": form.submitted_at(), **uploads}
    data = {k: v for k, v in form.data.items() if k != "csrf_token"} | uploads
    if isinstance(form, GrantForm) and data.get("project_number"):
        data["project_number"] = data["project_number"].strip().upper()
    return data
