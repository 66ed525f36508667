"""The directory's entry form: a partner's fields (checked the same way: OID, email, country) and
what the directory adds (what it is, languages, topics, levels, where the contact came from); the
upload of a CSV file to import (its rows are checked with the entry form: directory.transfer)."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length

from ..core.forms import BaseForm, options
from ..core.i18n import format_number, format_size
from ..documents.forms import CHOOSE_AGAIN
from ..partners.forms import PartnerForm
from .models import ContactSource, EntryKind

ENTRY_KIND_LABELS = {
    EntryKind.ORGANISATION: _l("Organisation (school, preschool …)"),
    EntryKind.TWIN_TOWN: _l("Twin town"),
    EntryKind.NETWORK: _l("Network"),
}
SOURCE_LABELS = {
    ContactSource.TWIN_TOWN: _l("Twin town"),
    ContactSource.NETWORK: _l("Network"),
    ContactSource.EARLIER_PROJECT: _l("Earlier project"),
    ContactSource.ETWINNING: _l("eTwinning"),
    ContactSource.SCHOOL_EDUCATION_PLATFORM: _l("European School Education Platform"),
    ContactSource.OWN_CONTACT: _l("Own contact"),
}


class EntryForm(PartnerForm):
    status = None  # an entry is no application's partner: it has no pipeline
    entry_kind = SelectField(_l("What it is"), choices=options(ENTRY_KIND_LABELS.items()), validate_choice=True)
    languages = StringField(
        _l("Languages"), validators=[Length(max=200)], description=_l("For example: English, Finnish")
    )
    topics = StringField(
        _l("Topics"), validators=[Length(max=500)], description=_l("For example: reading, climate, sport")
    )
    levels = StringField(_l("School levels"), validators=[Length(max=200)], description=_l("For example: years 7–9"))
    source = SelectField(
        _l("Where the contact came from"), choices=options(SOURCE_LABELS.items()), validate_choice=True
    )
    organisation_id = SelectField(_l("Whose directory"), coerce=int, validate_choice=True)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        if self.organisation_id is not None:
            self.organisation_id.choices = options((o.id, o.name) for o in organisations)


class EditEntryForm(EntryForm):
    organisation_id = None  # an entry stays in the directory it was added to


#: An import's limits: a file of 5,000 rows is checked and added in a few seconds.
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000


class ImportForm(BaseForm):
    file = FileField(
        _l("The CSV file"),
        validators=[FileRequired(_l("Choose the CSV file."))],
        render_kw={"accept": ".csv,text/csv"},
        description=_l(
            "One entry a line, the first line naming the columns (as in the exported file). Commas or "
            "semicolons, saved as UTF-8."
        ),
    )
    organisation_id = SelectField(_l("Whose directory"), coerce=int, validate_choice=True)
    partial = BooleanField(_l("Import the valid rows even if some are refused"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = options((o.id, o.name) for o in organisations)
        limits = gettext(
            "At most %(size)s and %(rows)s rows.",
            size=format_size(MAX_IMPORT_BYTES),
            rows=format_number(MAX_IMPORT_ROWS),
        )
        self.file.description = f"{self.file.description} {limits}"
        if self.is_submitted():  # a page that comes back asks for the file again: browsers do not keep it
            self.file.description = f"{self.file.description} {CHOOSE_AGAIN}"
