"""WTForms built from a section of a programme definition.

A draft saves at any moment: `required` is not checked here (the completeness rules report it),
but what would be wrong in the official form is refused with a message next to the field and
nothing saved: text over its limit, a number out of range, a choice the form does not offer.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import Form, FormField, HiddenField, RadioField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.fields import FieldList

from ..core.forms import BaseForm, CheckboxListField, TrimmedMeta, counter, options, within_years
from ..core.i18n import format_number
from .rules import Participant, count_characters, repeat_items
from .schema import FieldDef, SectionDef
from .shared import SharedChoices


class CharacterLimit:
    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, form, field):
        count = count_characters(field.data)
        if count > self.limit:
            raise ValidationError(
                _l(
                    "%(count)s characters: %(over)s over the limit of %(max)s. Shorten the text to save it.",
                    count=format_number(count),
                    over=format_number(count - self.limit),
                    max=format_number(self.limit),
                )
            )


#: Bounds on what a number field stores, whatever the programme says: no school grant figure comes
#: near them, and they keep every stored value a float can show and JSON can carry. Checked on the
#: Decimal before any conversion, so "1e1000000" costs nothing.
NUMBER_DIGITS = 30
NUMBER_LIMIT_DIGITS = 12
NUMBER_LIMIT = 10**NUMBER_LIMIT_DIGITS
NUMBER_DECIMALS = 6


class NumberTooLarge(ValueError):
    pass


def parse_number(text: str | None):
    """Numbers as people type them: "1 234,5", "1234.5", "€ 30 000"."""
    cleaned = (text or "").replace("\u00a0", "").replace(" ", "").replace("€", "").replace(",", ".")
    if not cleaned:
        return None
    if len(cleaned) > NUMBER_DIGITS:
        raise NumberTooLarge(cleaned[:NUMBER_DIGITS])
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(cleaned) from None
    if not number.is_finite():
        raise ValueError(cleaned)
    if number and number.adjusted() >= NUMBER_LIMIT_DIGITS:  # read off the exponent: no arithmetic at all
        raise NumberTooLarge(cleaned)
    if number.as_tuple().exponent < -NUMBER_DECIMALS:
        number = number.quantize(Decimal(1).scaleb(-NUMBER_DECIMALS))
    return int(number) if number == number.to_integral_value() else float(number)


class NumberCheck:
    def __init__(self, minimum, maximum):
        self.minimum, self.maximum = minimum, maximum

    def __call__(self, form, field):
        try:
            value = parse_number(field.data)
        except NumberTooLarge:
            raise ValidationError(_l("Enter a number below %(max)s.", max=format_number(NUMBER_LIMIT))) from None
        except ValueError:
            raise ValidationError(_l("Enter a number, like 1200 or 12,5.")) from None
        if value is None:
            return
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(_l("The smallest allowed value is %(min)s.", min=_plain(self.minimum)))
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(_l("The largest allowed value is %(max)s.", max=_plain(self.maximum)))


class DateCheck:
    def __call__(self, form, field):
        if field.data and _iso_date(field.data) is None:
            raise ValidationError(_l("Enter a date as YYYY-MM-DD, for example 2027-09-01."))
        within_years(form, field)


class MaxSelected:
    def __init__(self, maximum: int):
        self.maximum = maximum

    def __call__(self, form, field):
        if field.data and len(field.data) > self.maximum:
            raise ValidationError(_l("Choose at most %(max)d.", max=self.maximum))


def _plain(number) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


class DraftSelectField(SelectField):
    """A choice a draft may leave open; anything else must be one of the options."""

    def pre_validate(self, form):
        if self.data in (None, ""):
            return
        super().pre_validate(form)


class ItemForm(Form):
    """One repeat of a section: no CSRF of its own (the section form carries it)."""

    Meta = TrimmedMeta


def _choices(fdef: FieldDef, shared: SharedChoices, language: str):
    source = fdef.choices if fdef.choices is not None else shared.lists[fdef.choices_from]
    return [(c.value, c.label.get(language)) for c in source]


def _wtforms_field(fdef: FieldDef, language: str, shared: SharedChoices, participants: list[Participant]):
    label = fdef.label.get(language)
    description = fdef.help.get(language) if fdef.help else ""
    kw = {"label": label, "description": description, "render_kw": {"data-field": fdef.key}}
    if fdef.type in ("text", "textarea"):
        validators = [CharacterLimit(fdef.char_limit)]
        kw["render_kw"]["data-limit"] = fdef.char_limit
        field_class = TextAreaField if fdef.type == "textarea" else StringField
        if fdef.type == "textarea":
            kw["render_kw"]["rows"] = 8 if (fdef.max_chars or 3000) > 600 else 4
        return field_class(validators=validators, **kw)
    if fdef.type == "number":
        kw["render_kw"]["inputmode"] = "decimal"
        return StringField(validators=[NumberCheck(fdef.min, fdef.max)], **kw)
    if fdef.type == "date":
        kw["render_kw"]["type"] = "date"
        return StringField(validators=[DateCheck()], **kw)
    if fdef.type == "yesno":
        return RadioField(
            choices=options([("yes", _l("Yes")), ("no", _l("No"))]),
            validate_choice=False,
            validators=[_yes_or_no],
            **kw,
        )
    if fdef.type in ("choice", "organisation"):
        pairs = _choices(fdef, shared, language) if fdef.type == "choice" else [(o.key, o.name) for o in participants]
        return DraftSelectField(choices=options([("", _l("— choose —")), *pairs]), **kw)
    pairs = _choices(fdef, shared, language) if fdef.type == "multichoice" else [(o.key, o.name) for o in participants]
    validators = [MaxSelected(fdef.max_selected)] if fdef.max_selected else []
    return CheckboxListField(choices=options(pairs), validators=validators, **kw)


def _yes_or_no(form, field):
    """A yes/no question may stay unanswered in a draft, but takes no other answer."""
    if field.data not in (None, "", "None", "yes", "no"):
        raise ValidationError(_l("Answer yes or no."))


class ItemList(FieldList):
    """A repeated section's items, their indices read as ASCII digits only: "items-¹-title" is
    ignored rather than a 500 (str.isdigit accepts "¹", which int() refuses)."""

    def _extract_indices(self, prefix, formdata):
        offset = len(prefix) + 1
        for key in formdata:
            if key.startswith(prefix):
                index = counter(key[offset:].split(self._field_separator, 1)[0])
                if index is not None:
                    yield index


def section_form_class(section: SectionDef, language: str, shared: SharedChoices, participants: list[Participant]):
    fields = {f.key: _wtforms_field(f, language, shared, participants) for f in section.fields}
    attrs = {"version": HiddenField()}
    if section.repeat:
        item_class = type(f"{section.key.title()}Item", (ItemForm,), {**fields, "org": HiddenField()})
        attrs["items"] = ItemList(FormField(item_class), min_entries=0)
    else:
        attrs.update(fields)
    return type(f"{section.key.title()}Form", (BaseForm,), attrs)


# --- Between stored answers and form data -------------------------------------------------------


def _to_form_value(fdef: FieldDef, value):
    if value is None:
        return [] if fdef.type in ("multichoice", "organisations") else ""
    if fdef.type == "number":
        return _plain(value) if isinstance(value, (int, float)) else str(value)
    return value


def _from_form_value(fdef: FieldDef, value):
    if fdef.type in ("multichoice", "organisations"):
        return [v for v in (value or []) if v]
    if fdef.type == "number":
        return parse_number(value)
    if fdef.type in ("text", "textarea"):
        return (value or "").replace("\r\n", "\n")
    if fdef.type == "date":
        parsed = _iso_date(value or "")
        return parsed.isoformat() if parsed else None
    return value or None


def form_data(section: SectionDef, stored: dict, participants: list[Participant]) -> dict:
    """What a freshly opened editor shows: the stored answers as form values."""

    def values(source: dict) -> dict:
        return {f.key: _to_form_value(f, source.get(f.key)) for f in section.fields}

    if not section.repeat:
        return values(stored)
    items = []
    for anchor, _heading, item in repeat_items(section, stored, participants):
        row = values(item)
        if section.repeat.per_organisation:
            row["org"] = anchor.removeprefix("org-")
        items.append(row)
    return {"items": items}


def answers_from(section: SectionDef, form, stored: dict) -> dict:
    """The form's values as the data to store. Per-organisation items keep the texts of
    organisations not shown now (a partner that is no longer confirmed loses nothing)."""

    def values(source: dict) -> dict:
        return {f.key: _from_form_value(f, source.get(f.key)) for f in section.fields}

    if not section.repeat:
        return values(form.data)
    if section.repeat.per_organisation:
        kept = dict(stored.get("items") or {}) if isinstance(stored.get("items"), dict) else {}
        for entry in form.items.data:
            if entry.get("org"):
                kept[entry["org"]] = values(entry)
        return {"items": kept}
    return {"items": [values(entry) for entry in form.items.data]}
