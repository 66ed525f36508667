"""The coordinator's overview as a spreadsheet: exactly the applications the overview lists for the
same filters, in its order, as CSV or XLSX. The rows are read in batches of plain columns from one
query, so a large list never sits in memory as ORM objects and the statements sent do not grow with
it. Larger lists than MAX_EXPORT_ROWS are refused (a background export with its progress waits for
the job queue, issue 16)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import IO

import xlsxwriter
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from ..auth.models import User
from ..core.i18n import STOCKHOLM, days_until, today_in_stockholm
from ..core.spreadsheets import neutralise
from ..extensions import db
from ..lifecycle import STAGES, STATES, statuses
from ..organisations.models import School
from ..programmes import registry
from . import queries
from .models import Application, Outcome, Submission

MAX_EXPORT_ROWS = 50_000  # one file at most; beyond it the user narrows the filter
BATCH_ROWS = 500  # rows fetched from the database at a time

#: The columns: header, width in the workbook (characters).
COLUMNS = (
    (_l("ID"), 8),
    (_l("Title"), 40),
    (_l("School"), 28),
    (_l("Action"), 16),
    (_l("Programme"), 16),
    (_l("Call round"), 12),
    (_l("Stage"), 16),
    (_l("Status"), 20),
    (_l("Deadline (Stockholm time)"), 18),
    (_l("Days left"), 10),
    (_l("Owner"), 24),
    (_l("Requested (EUR)"), 14),
    (_l("Granted (EUR)"), 14),
    (_l("Submission reference"), 22),
    (_l("Last change (Stockholm time)"), 18),
)
MOMENT_FORMAT = "%Y-%m-%d %H:%M"  # ISO 8601 date and time, as Excel and LibreOffice read it in a CSV
XLSX_MOMENT_FORMAT = "yyyy-mm-dd hh:mm"


class TooManyRows(Exception):
    """The filtered list is longer than one export holds."""

    def __init__(self, total: int):
        super().__init__(f"{total} rows, at most {MAX_EXPORT_ROWS}")
        self.total = total


def check_size(user: User, filters: queries.Overview) -> int:
    """How many rows the export holds, or TooManyRows: checked before a byte is sent."""
    ids = queries.overview(user, filters).order_by(None).subquery()
    total = db.session.scalar(db.select(func.count()).select_from(ids)) or 0
    if total > MAX_EXPORT_ROWS:
        raise TooManyRows(total)
    return total


def file_name(extension: str, today: date | None = None) -> str:
    """ "applications-2026-12-01.csv": the day in Stockholm."""
    today = today or today_in_stockholm()
    return f"applications-{today.isoformat()}.{extension}"


def headers() -> list[str]:
    return [str(header) for header, _width in COLUMNS]


def _query(user: User, filters: queries.Overview):
    """The overview's own query (its narrowing and its order), reading only the exported columns."""
    return (
        queries.overview(user, filters)
        .with_only_columns(
            Application.id,
            Application.title,
            School.name,
            Application.action_key,
            Application.call_year,
            Application.call_round,
            Application.stage,
            Application.status,
            Application.deadline,
            User.name,
            Application.requested_eur,
            Outcome.granted,
            Outcome.amount_eur,
            Submission.reference,
            Application.updated_at,
            maintain_column_froms=True,
        )
        .join(User, Application.owner_id == User.id)
        .outerjoin(Outcome, Outcome.application_id == Application.id)
        .outerjoin(Submission, Submission.application_id == Application.id)
    )


def rows(user: User, filters: queries.Overview) -> Iterator[tuple]:
    """Each exported row as typed values (numbers, Stockholm datetimes, labels in the user's
    language), fetched BATCH_ROWS at a time. The query and the labels are made now, while the
    request's user and language are at hand; the rows are read as they are iterated."""
    query = _query(user, filters).execution_options(yield_per=BATCH_ROWS)
    labels = _labels()

    def read() -> Iterator[tuple]:  # executed on the first row asked for: after the request's commit
        yield from _typed(db.session.execute(query), *labels)

    return read()


def ordered_ids(user: User, filters: queries.Overview) -> list[int]:
    """The ids of the rows to export, in the overview's order."""
    return list(db.session.scalars(queries.overview(user, filters)))


def rows_of(
    user: User, filters: queries.Overview, ids: list[int], after_batch: Callable[[int], None]
) -> Iterator[tuple]:
    """The rows of `ids`, in that order, read BATCH_ROWS at a time; `after_batch(rows read so far)`
    is called once a batch is read, before its rows are handed on (it may end the transaction: they
    are plain values, and no cursor is held open between batches). A row that has gone, or no
    longer matches the filters, since the ids were read is left out."""
    query = _query(user, filters)
    stages, states = _labels()
    done = 0
    for start in range(0, len(ids), BATCH_ROWS):
        batch = ids[start : start + BATCH_ROWS]
        found = {row[0]: row for row in db.session.execute(query.where(Application.id.in_(batch)))}
        done += len(batch)
        after_batch(done)
        yield from _typed((found[id_] for id_ in batch if id_ in found), stages, states)


def _labels() -> tuple[dict[str, str], dict[str, str]]:
    return {key: str(info.label) for key, info in STAGES.items()}, {key: str(s.label) for key, s in STATES.items()}


def _typed(found, stages: dict[str, str], states: dict[str, str]) -> Iterator[tuple]:
    counting_down = set(statuses("counts_down"))
    programmes: dict[tuple[str, int], str] = {}
    today = today_in_stockholm()
    for row in found:
        (id_, title, school, action_key, call_year, call_round, stage, status, deadline, owner, requested,
         granted, amount, reference, changed) = row  # fmt: skip
        if (action_key, call_year) not in programmes:
            programmes[action_key, call_year] = _programme_name(action_key, call_year)
        yield (
            id_,
            title,
            school,
            action_key,
            programmes[action_key, call_year],
            call_round,
            stages.get(stage, stage),
            states.get(status, status),
            _stockholm(deadline),
            days_until(deadline, today) if status in counting_down else None,
            owner,
            requested,
            amount if granted else None,
            reference or "",
            _stockholm(changed),
        )


def _programme_name(action_key: str, call_year: int) -> str:
    definition = registry.get(action_key, call_year) or registry.get(action_key)
    return registry.programme(definition.programme).name if definition else ""


def _stockholm(moment: datetime | None) -> datetime | None:
    """The moment on Stockholm's clock, without a zone: what a spreadsheet's date cell holds."""
    return moment.astimezone(STOCKHOLM).replace(tzinfo=None) if moment else None


# CSV


def _csv_cell(value) -> str:
    """Numbers as they are; every text (and anything else) safe from running as a formula."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime):
        return value.strftime(MOMENT_FORMAT)
    return neutralise(value)


def csv_header() -> bytes:
    """The header line, with the byte order mark that makes Excel read the file as UTF-8."""
    out = io.StringIO()
    csv.writer(out).writerow(neutralise(header) for header in headers())
    return out.getvalue().encode("utf-8-sig")


def csv_body(values: Iterator[tuple]) -> Iterator[bytes]:
    """The lines after the header, BATCH_ROWS at a time."""
    out = io.StringIO()
    writer = csv.writer(out)
    for number, row in enumerate(values, start=1):
        writer.writerow(_csv_cell(value) for value in row)
        if number % BATCH_ROWS == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    if out.tell():
        yield out.getvalue().encode("utf-8")


# XLSX


def xlsx_file(user: User, filters: queries.Overview) -> IO[bytes]:
    """The workbook in a temporary file (already unlinked where the system allows), written row by
    row in XlsxWriter's constant-memory mode, rewound for sending; closing it frees the disk."""
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (handed on open, to be sent and closed)
    try:
        write_xlsx(file, rows(user, filters))
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file


def chunks(file: IO[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """The file's bytes a piece at a time; the file is closed at the end, or when the reader stops."""
    with file:
        while piece := file.read(size):
            yield piece


def write_xlsx(target, values: Iterator[tuple]) -> None:
    """Text always as text (never a formula nor a link), numbers as numbers, moments as dates; a
    bold, frozen header row."""
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "in_memory": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(str(_l("Applications"))[:31])
    bold = workbook.add_format({"bold": True})
    moment = workbook.add_format({"num_format": XLSX_MOMENT_FORMAT})
    for column, (_header, width) in enumerate(COLUMNS):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    for column, header in enumerate(headers()):
        sheet.write_string(0, column, header, bold)
    for line, row in enumerate(values, start=1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(line, column, value, moment)
            elif isinstance(value, int) and not isinstance(value, bool):
                sheet.write_number(line, column, value)
            else:
                sheet.write_string(line, column, str(value))
    workbook.close()
