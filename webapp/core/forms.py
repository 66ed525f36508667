"""The form base every feature form inherits: CSRF (Flask-WTF), trimmed text, and WTForms'
own messages in the reader's language."""

from __future__ import annotations

from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.i18n import get_translations
from wtforms.meta import DefaultMeta


def _strip(value):
    # NUL cannot be stored by PostgreSQL and is never meant: drop it with the surrounding blanks.
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class TrimmedMeta(DefaultMeta):
    """Trims text input and gives WTForms' own messages in the reader's language."""

    def bind_field(self, form, unbound_field, options):
        if issubclass(unbound_field.field_class, (StringField, TextAreaField)):
            options["filters"] = (*unbound_field.kwargs.get("filters", ()), _strip)
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


class ActionForm(BaseForm):
    """An empty form for POST-only buttons: it carries only the CSRF token."""
