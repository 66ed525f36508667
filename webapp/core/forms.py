"""The form base every feature form inherits: CSRF (Flask-WTF), trimmed text, and WTForms'
own messages in the reader's language."""

from __future__ import annotations

from datetime import date

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, SelectChoice, SelectMultipleField, StringField, TextAreaField, ValidationError, widgets
from wtforms.i18n import get_translations
from wtforms.meta import DefaultMeta


def _strip(value):
    # NUL cannot be stored by PostgreSQL and is never meant: drop it with the surrounding blanks.
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def _one_line(value):
    # A one-line field (a name, a title) may end up in a mail header or a file name: no line breaks.
    return " ".join(value.splitlines()) if isinstance(value, str) else value


class TrimmedMeta(DefaultMeta):
    """Trims text input, keeps one-line fields on one line, and gives WTForms' own messages in the
    reader's language."""

    def bind_field(self, form, unbound_field, options):
        field_class = unbound_field.field_class
        if issubclass(field_class, (StringField, TextAreaField)):
            one_line = () if issubclass(field_class, TextAreaField) else (_one_line,)
            options["filters"] = (*unbound_field.kwargs.get("filters", ()), _strip, *one_line)
        return unbound_field.bind(form=form, **options)

    def get_translations(self, form):
        locale = str(get_locale() or "sv")
        return get_translations([{"sv": "sv_SE"}.get(locale, locale)])


class BaseForm(FlaskForm):
    class Meta(TrimmedMeta):
        pass


class CheckboxListField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def options(pairs, optgroup: str | None = None) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]


LANGUAGE_CHOICES = (("sv", "Svenska"), ("en", "English"))


def submitted_version(value) -> int | None:
    """The version counter a form was built from, as posted back; None if missing or garbled."""
    if isinstance(value, int):
        return value
    return counter(value)


def counter(text) -> int | None:
    """A non-negative whole number as typed in ASCII digits ("12"), or None: "²" and "١٢" pass
    str.isdigit() but are not numbers int() reads, and nothing longer than 9 digits is a counter."""
    if isinstance(text, str) and text.isascii() and text.isdecimal() and len(text) <= 9:
        return int(text)
    return None


def error_entries(form, item_label: str = "") -> list[tuple[str, str, str]]:
    """Every error of a form as (field id, label, message), repeated items included: a FieldList of
    FormFields keeps its errors as dicts, which the summary must not show as they are."""
    entries = []

    def walk(field, prefix: str) -> None:
        if field.type in ("CSRFTokenField", "HiddenField"):
            return
        if isinstance(field, FieldList):
            for index, entry in enumerate(field.entries, start=1):
                walk(entry, f"{item_label or field.label.text} {index}: ")
        elif field.type == "FormField":
            for sub in field.form:
                walk(sub, prefix)
        else:
            entries.extend((field.id, prefix + field.label.text, str(message)) for message in field.errors)

    for field in form:
        walk(field, "")
    return entries


#: The years a date may fall in: wide enough for any school project, and narrow enough that every date
#: computed from one (an end month, a report deadline) stays a date Python can hold (issue 11: a start
#: in year 9999 with a duration broke the dossier for everyone).
DATE_YEARS = range(1950, 2151)


def years_message():
    return _l("Enter a date between %(first)s and %(last)s.", first=DATE_YEARS[0], last=DATE_YEARS[-1])


def within_years(form, field) -> None:
    """A WTForms validator for date fields (DateField's date, or an ISO text)."""
    value = field.data
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip()) if value.strip() else None
        except ValueError:
            return  # not a date at all: the field's own check says so
    if value is not None and value.year not in DATE_YEARS:
        raise ValidationError(years_message())


class ActionForm(BaseForm):
    """An empty form for POST-only buttons: it carries only the CSRF token."""
