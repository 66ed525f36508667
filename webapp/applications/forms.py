"""The forms of the application record: start one, and edit its title, programme, school and team."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length

from ..core.forms import BaseForm, CheckboxListField, counter, options, submitted_version
from ..core.i18n import current_language, format_moment
from ..programmes import registry
from ..programmes.applicants import applicant_refusal


def call_choices(action_rounds, keep: str | None = None) -> list:
    """Options grouped by programme action; each value names the action and the round: "KA210-SCH/2027-R1"."""
    language = current_language()
    choices = []
    for definition, rounds in action_rounds:
        pairs = [
            (f"{definition.key}/{r.id}", f"{r.label.get(language)} – {format_moment(r.deadline_utc)}") for r in rounds
        ]
        if keep and keep.startswith(definition.key + "/") and keep not in dict(pairs):
            pairs.insert(0, (keep, keep.split("/", 1)[1]))
        choices += options(pairs, optgroup=f"{definition.key} – {definition.name.get(language)}")
    return choices


class ApplicationForm(BaseForm):
    title = StringField(
        _l("Working title"),
        validators=[DataRequired(_l("Give the application a working title.")), Length(max=300)],
        description=_l("You can change it at any time. The official form also asks for an English title."),
    )
    call = SelectField(
        _l("Programme and call round"),
        validators=[InputRequired(_l("Choose a programme and call round."))],
        validate_choice=True,
        description=_l("Rounds marked expected are not yet published; their dates follow earlier years."),
    )
    school_id = SelectField(_l("School"), coerce=int, validators=[InputRequired(_l("Choose the applying school."))])
    copy_from = SelectField(
        _l("Reuse an earlier application (optional)"),
        coerce=lambda v: counter(str(v)),
        description=_l("Its texts are copied into the sections this form shares with it."),
    )
    copy_partners = BooleanField(_l("Copy its partners too (they will need to confirm again)"))
    # Names this filled-in form: sent twice (Back, then Send again), it still creates one application.
    form_key = HiddenField(default=lambda: secrets.token_urlsafe(16))

    def __init__(self, *args, action_rounds=(), schools=(), keep_call=None, earlier=(), unchanged=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.call.choices = call_choices(action_rounds, keep_call)
        self.school_id.choices = options((s.id, s.name) for s in schools)
        self._schools = {s.id: s for s in schools}
        self._unchanged = unchanged  # (school id, call) as stored: an application kept as it is
        if self.copy_from is not None:  # the edit form has no reuse
            self.copy_from.choices = options(
                [("", _l("— start empty —"))] + [(a.id, f"{a.title} ({a.action_key}, {a.call_round})") for a in earlier]
            )

    @property
    def action_key(self) -> str:
        return self.call.data.split("/", 1)[0]

    @property
    def round_id(self) -> str:
        return self.call.data.split("/", 1)[1]

    def validate_call(self, field):
        if not field.data or "/" not in field.data:
            raise ValidationError(_l("Choose a programme and call round."))

    def validate_school_id(self, field):
        """The programme decides who applies: a school, or the organisation's applying body (KA240)."""
        school = self._schools.get(field.data)
        if school is None or not self.call.data or "/" not in self.call.data:
            return
        if self._unchanged == (field.data, self.call.data):
            return
        refusal = applicant_refusal(registry.for_round(self.action_key, self.round_id), school)
        if refusal:
            raise ValidationError(refusal)


class EditApplicationForm(ApplicationForm):
    copy_from = None  # reuse is offered only when an application is created
    copy_partners = None
    form_key = None
    team = CheckboxListField(
        _l("Co-writers"),
        coerce=int,
        description=_l("Teachers and principals of the school who may edit this application."),
    )
    version = HiddenField()

    def __init__(self, *args, team_candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.team.choices = options((u.id, u.name) for u in team_candidates)

    @property
    def expected_version(self) -> int:
        version = submitted_version(self.version.data)
        return -1 if version is None else version
