from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..core.forms import BaseForm, counter, options, within_years


class TaskForm(BaseForm):
    title = StringField(_l("Task"), validators=[DataRequired(_l("Say what is to be done.")), Length(max=200)])
    due_on = DateField(_l("Due"), validators=[Optional(), within_years], description=_l("A date, e.g. 2027-01-15."))
    assignee_id = SelectField(_l("Who does it"), coerce=lambda v: counter(str(v)))
    loaded_version = HiddenField()

    def __init__(self, *args, writers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.assignee_id.choices = options([("", _l("— nobody yet —"))] + [(u.id, u.name) for u in writers])
