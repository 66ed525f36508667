"""Background exports: a list longer than `EXPORT_INLINE_ROWS` is written by a job (webapp/core/jobs.py:
a queue worker when Redis is configured, else this process after the response) while its page shows
how far it has come, and then the file. The job reads the ids first and then their rows a batch at
a time (`export.rows_of`), each batch a short transaction that also moves the progress on, so the
database holds no long transaction and the page can follow it.

A job is delivered at least once: a second run of the same export does nothing, unless the first
one's heartbeat stopped (its process died), when it starts over. Files are kept KEEP_FOR, then
removed with their run when the next export starts."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import or_, update
from werkzeug.datastructures import MultiDict

from ..applications import export, queries
from ..auth.models import User
from ..core import database, jobs
from ..core.i18n import STOCKHOLM
from ..core.models import utcnow
from ..core.storage import storage
from ..extensions import db
from .models import ExportRun, ExportStatus

log = logging.getLogger("grantpath.exports")

FORMATS = ("csv", "xlsx")
DEFAULT_INLINE_ROWS = 2_000  # up to this many rows an export is sent at once
KEEP_FOR = timedelta(days=7)
#: A running export whose heartbeat is older than this has stopped (every batch moves it on).
STALLED_AFTER = timedelta(minutes=5)
JOB = "webapp.exports.services.run"


def inline_rows() -> int:
    return int(current_app.config.get("EXPORT_INLINE_ROWS") or DEFAULT_INLINE_ROWS)


class AlreadyRunning(Exception):
    """The person has an export that is still being written: one at a time each."""

    def __init__(self, run: ExportRun):
        super().__init__(run.id)
        self.run = run


def start(user: User, filters: queries.Overview, file_format: str, language: str, total: int) -> ExportRun:
    """Records the export and has it run once the request has committed. One at a time per person:
    without a queue the web process writes them, and nobody should hold all its threads."""
    if file_format not in FORMATS:
        raise ValueError(file_format)
    unfinished = db.session.scalars(
        db.select(ExportRun).where(
            ExportRun.user_id == user.id, ExportRun.status.in_([ExportStatus.QUEUED, ExportStatus.RUNNING])
        )
    ).all()
    for earlier in unfinished:
        if not stalled(earlier):
            raise AlreadyRunning(earlier)
    _remove_expired()
    run = ExportRun(user=user, file_format=file_format, filters=filters.args(), language=language, rows_total=total)
    db.session.add(run)
    db.session.flush()
    jobs.later(JOB, run.id)
    return run


def stalled(run: ExportRun, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return run.status == ExportStatus.RUNNING and (run.heartbeat_at or run.created_at) < now - STALLED_AFTER


def file_name(run: ExportRun) -> str:
    return export.file_name(run.file_format, run.created_at.astimezone(STOCKHOLM).date())


def recent(user: User):
    """The person's own exports, newest first (a Select, for paging)."""
    return db.select(ExportRun).where(ExportRun.user_id == user.id).order_by(ExportRun.id.desc())


def run(run_id: int) -> None:
    """The job: writes the file, moving the progress on after every batch; records a failure on the
    run (its page says so) rather than raising, as a retry would fail the same way. Reads and
    writes are short transactions of their own, and none is open while rows go to the file: on
    SQLite a writing transaction would hold the one write lock, and saves elsewhere would wait."""
    try:
        _run(run_id)
    finally:
        db.session.remove()


def _run(run_id: int) -> None:
    if not _claim(run_id):
        return
    run = db.session.get(ExportRun, run_id)
    try:
        key = _write(run)
    except Exception as exc:
        log.exception("Export %s failed", run_id)
        db.session.rollback()
        _record(run_id, status=ExportStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
        return
    _record(run_id, status=ExportStatus.DONE, file_key=key, file_size=storage().size(key), finished_at=utcnow())


def _claim(run_id: int) -> bool:
    """Takes the run, if it waits or its earlier attempt stopped: only one attempt can."""
    now = utcnow()
    db.session.commit()  # no read transaction of ours is open when the write begins
    with database.writes():
        taken = db.session.execute(
            update(ExportRun)
            .where(
                ExportRun.id == run_id,
                or_(
                    ExportRun.status == ExportStatus.QUEUED,
                    (ExportRun.status == ExportStatus.RUNNING) & (ExportRun.heartbeat_at < now - STALLED_AFTER),
                ),
            )
            .values(status=ExportStatus.RUNNING, heartbeat_at=now, rows_done=0, error="")
        ).rowcount
        db.session.commit()
    return taken == 1


def _record(run_id: int, **values) -> None:
    """A short writing transaction of its own, after ending whatever read was open."""
    db.session.commit()
    with database.writes():
        db.session.execute(update(ExportRun).where(ExportRun.id == run_id).values(heartbeat_at=utcnow(), **values))
        db.session.commit()


class FiltersChanged(Exception):
    """A filter the export was asked with no longer exists (a school removed): the file would hold more."""


def _write(run: ExportRun) -> str:
    user, file_format, run_id = run.user, run.file_format, run.id
    key = f"exports/{run_id}-{secrets.token_hex(8)}.{file_format}"
    with force_locale(run.language):
        # Checked again as the user is now: a school or role taken away since is no longer exported.
        filters, _schools, _rounds = queries.overview_for(user, MultiDict(run.filters))
        if filters.args() != run.filters:
            raise FiltersChanged(f"asked for {run.filters}, now only {filters.args()} apply")
        ids = export.ordered_ids(user, filters)
        _record(run_id, rows_total=len(ids))
        values = export.rows_of(user, filters, ids, lambda done: _record(run_id, rows_done=done))
        written = 0

        def counted(rows):
            nonlocal written
            for row in rows:
                written += 1
                yield row

        with storage().writer(key) as file:
            if file_format == "csv":
                file.write(export.csv_header())
                for piece in export.csv_body(counted(values)):
                    file.write(piece)
            else:
                export.write_xlsx(file, counted(values))
    _record(run_id, rows_total=written, rows_done=written)  # rows gone since the ids were read are not counted
    return key


def remove_expired_job() -> None:
    """The scheduler's daily clean-up (`flask --app webapp scheduler`): every expired export."""
    try:
        removed = True
        while removed:
            db.session.commit()
            with database.writes():  # each batch a writing transaction from its start (SQLite)
                removed = _remove_expired(limit=500)
                db.session.commit()
    finally:
        db.session.remove()


def _remove_expired(limit: int = 100) -> int:
    """Exports older than KEEP_FOR go, their files first (a file left by a failed delete is only
    disk; a run without its file would be a broken link); how many. Also when an export starts."""
    cutoff = utcnow() - KEEP_FOR
    expired = db.session.execute(
        db.select(ExportRun.id, ExportRun.file_key).where(ExportRun.created_at < cutoff).limit(limit)
    ).all()
    for _id, key in expired:
        if key:
            storage().delete(key)
    if expired:
        db.session.execute(db.delete(ExportRun).where(ExportRun.id.in_([id_ for id_, _key in expired])))
    return len(expired)
