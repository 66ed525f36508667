"""The directory as a CSV file and back: the export (the entries a search shows, every cell safe to
open in a spreadsheet) and the import (the file read and checked as a whole, each row checked with
the entry form's own rules, then every valid row added in one go, or none)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from ..core.i18n import format_number, format_size
from ..core.spreadsheets import FORMULA_STARTS, NEUTRALISED_STARTS, neutralise
from ..extensions import db
from . import services
from .forms import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, EditEntryForm
from .models import ContactSource, DirectoryEntry, EntryKind

COLUMNS = services.FIELDS
REQUIRED_COLUMNS = ("name", "country")
#: A missing column or an empty cell of these takes the entry form's default.
DEFAULTS = {"entry_kind": EntryKind.ORGANISATION.value, "kind": "school", "source": ContactSource.OWN_CONTACT.value}
MAX_BYTES, MAX_ROWS = MAX_IMPORT_BYTES, MAX_IMPORT_ROWS

EXCEL_HELP = _l(
    'In Excel choose "Save as" and the file type "CSV UTF-8 (comma delimited) (*.csv)", then upload it again.'
)


class Refused(Exception):
    """The file as a whole cannot be read: nothing of it is imported."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# The export


def export_rows(query) -> list[tuple]:
    """The values of every entry the search finds, all pages, in one query."""
    columns = [getattr(DirectoryEntry, name) for name in COLUMNS]
    return list(db.session.execute(query.with_only_columns(*columns, maintain_column_froms=True)))


def to_csv(rows) -> bytes:
    """The rows under the column codes, as UTF-8 with a byte order mark (Excel reads it as UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows([neutralise(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


# The import: the file


@dataclass
class Table:
    """The file's rows as {column: cell}, each with the line it starts on (the header is line 1)."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]


def read_upload(upload) -> Table:
    """The uploaded file's table (a werkzeug FileStorage), read no further than the size limit."""
    return read(upload.stream.read(MAX_BYTES + 1))


def read(data: bytes) -> Table:
    """The file's table, or Refused saying what is wrong with the file as a whole."""
    if len(data) > MAX_BYTES:
        raise Refused(_l("The file is larger than %(size)s. Split it into smaller files.", size=format_size(MAX_BYTES)))
    if b"\x00" in data or data.startswith(b"PK\x03\x04"):
        raise Refused(_l("This is not a CSV file (perhaps an Excel workbook). %(help)s", help=EXCEL_HELP))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        message = _l(
            "The file is not saved as UTF-8, so letters such as å, ä and ö would be garbled. %(help)s", help=EXCEL_HELP
        )
        raise Refused(message) from None
    if not text.strip():
        raise Refused(_l("The file is empty."))
    header_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        columns = _columns(next(row for row in reader if row))
        rows, start = [], reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                if len(rows) == MAX_ROWS:
                    raise Refused(
                        _l(
                            "The file has more than %(max)s rows; at most %(max)s are imported at a time. "
                            "Split it into smaller files.",
                            max=format_number(MAX_ROWS),
                        )
                    )
                rows.append((start, _cells(columns, cells)))
            start = reader.line_num + 1
    except csv.Error:
        message = _l(
            "The file cannot be read as CSV after line %(line)s. %(help)s", line=reader.line_num, help=EXCEL_HELP
        )
        raise Refused(message) from None
    if not rows:
        raise Refused(_l("The file has the column names but no rows."))
    return Table(columns, rows)


def _columns(header: list[str]) -> list[str]:
    """The header's column codes; unknown, missing or repeated ones refuse the file."""
    columns = [cell.strip().lower() for cell in header]
    unknown = [c for c in columns if c not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    repeated = sorted({c for c in columns if c in COLUMNS and columns.count(c) > 1})
    if unknown or missing or repeated:
        problems = []
        if unknown:
            problems.append(_l("Unknown columns: %(names)s.", names=", ".join(f'"{c}"' for c in unknown)))
        if missing:
            problems.append(_l("Missing columns: %(names)s.", names=", ".join(missing)))
        if repeated:
            problems.append(_l("Columns given twice: %(names)s.", names=", ".join(repeated)))
        expected = _l(
            "The first line names the columns, from: %(names)s (%(required)s required).",
            names=", ".join(COLUMNS),
            required=", ".join(REQUIRED_COLUMNS),
        )
        raise Refused(" ".join(str(p) for p in (*problems, expected)))
    return columns


def _cells(columns: list[str], cells: list[str]) -> dict[str, str]:
    row = dict(zip(columns, cells, strict=False))
    if len(cells) > len(columns):
        row[None] = cells[len(columns) :]  # more cells than columns: the check says so
    return row


# The import: the rows


@dataclass
class RefusedRow:
    line: int
    name: str
    reasons: list[tuple[str, str]]  # (column, message)


@dataclass
class SkippedRow:
    line: int
    name: str
    reason: str


@dataclass
class Report:
    valid: list[tuple[int, dict]] = field(default_factory=list)
    refused: list[RefusedRow] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    imported: int = 0


def formula_reason(cell: str):
    """A cell that starts like a formula; the apostrophe this export puts before one is dropped."""
    text = cell.strip()
    if text.startswith("'") and text[1:].lstrip(" ").startswith(NEUTRALISED_STARTS):
        return None, text[1:]
    if text.startswith(FORMULA_STARTS):
        message = _l(
            'Starts with "%(char)s", which a spreadsheet runs as a formula. Remove it, or put an apostrophe (\') before it.',
            char=text[0],
        )
        return message, text
    return None, text


def check(table: Table, known: set[tuple[str, str, str]]) -> Report:
    """Each row checked as the entry form checks it; a valid row already in the directory (`known`,
    services.known_entries) or earlier in the file is skipped, not added twice."""
    report, seen = Report(), {}
    form = EditEntryForm(formdata=None, meta={"csrf": False})  # one form, filled with each row in turn
    for line, row in table.rows:
        reasons, cells = [], {}
        extra = row.pop(None, None)
        if extra and any(cell.strip() for cell in extra):
            reasons.append(("", str(_l("More cells than the file has columns."))))
        for column, cell in row.items():
            message, cells[column] = formula_reason(cell or "")
            if message:
                reasons.append((column, str(message)))
        for column, default in DEFAULTS.items():
            cells[column] = cells.get(column) or default
        cells["country"] = cells.get("country", "").upper()
        form.process(formdata=MultiDict(cells))
        form.validate()
        reasons += [(f.name, str(message)) for f in form if f.name in COLUMNS for message in f.errors]
        if reasons:
            report.refused.append(RefusedRow(line, cells.get("name", ""), reasons))
            continue
        data = {name: form[name].data for name in COLUMNS}
        key = services.entry_key(data["name"], data["country"], data["city"])
        if key in known:
            report.skipped.append(SkippedRow(line, data["name"], str(_l("Already in the directory."))))
        elif key in seen:
            reason = _l("The same as line %(line)s of the file.", line=seen[key])
            report.skipped.append(SkippedRow(line, data["name"], str(reason)))
        else:
            seen[key] = line
            report.valid.append((line, data))
    return report


def apply(user, organisation_id: int, report: Report) -> list[DirectoryEntry]:
    """Adds every valid row to the organisation's directory, each with its audit event."""
    entries = services.add_many(user, organisation_id, [data for _, data in report.valid])
    report.imported = len(entries)
    return entries
