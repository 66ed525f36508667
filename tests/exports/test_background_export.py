"""Background exports: a list longer than EXPORT_INLINE_ROWS is written by a job (after the response
without Redis, by a worker with it), its page follows the progress and then offers the file, which
holds exactly what the inline export of the same filters holds. A run is done once even when its job
comes twice, taken over when its process died, and its maker's alone."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from datetime import timedelta

import openpyxl
import pytest
import redis
from sqlalchemy import event

from support import build_app, sign_in_as
from webapp.applications import export
from webapp.auth.models import Role
from webapp.core import jobs
from webapp.core.models import utcnow
from webapp.core.storage import storage
from webapp.exports import services
from webapp.exports.models import ExportRun, ExportStatus
from webapp.extensions import db as _db

REDIS_URL = "redis://127.0.0.1:6379/11"


@pytest.fixture
def long_lists(app, monkeypatch):
    """Lists longer than three rows are exported in the background."""
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 3)


@pytest.fixture
def coordinator(make, db):
    organisation = make.organisation()
    school = make.school(organisation, name="Skytteholmsskolan")
    coordinator = make.user(Role.COORDINATOR, organisation=organisation, language="en")
    for number in range(7):
        make.application(school, title=f"Projekt {number}", action_key="KA220-SCH" if number % 2 else "KA210-SCH")
    db.session.commit()
    return coordinator


def _start(client, file_format="csv", **filters) -> int:
    response = client.post("/exports/", data={"file_format": file_format, **filters})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.fullmatch(r"/exports/(\d+)", response.headers["Location"]).group(1))


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _inline_csv(client, app, monkeypatch, query="") -> bytes:
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 10_000)
    data = client.get("/applications/export.csv" + query).get_data()
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 3)
    return data


def test_a_long_list_is_offered_as_a_background_export(long_lists, coordinator, login):
    client = login(coordinator)
    overview = client.get("/applications/").get_data(as_text=True)
    assert 'action="/exports/"' in overview and 'name="file_format" value="xlsx"' in overview
    assert "/applications/export.csv" not in overview
    # three rows fit inline: the file at once
    assert client.get("/applications/export.csv?action=KA220-SCH").mimetype == "text/csv"
    # the export link of a longer list, as bookmarked: a page that offers the background export
    page = client.get("/applications/export.csv?sort=title").get_data(as_text=True)
    assert "The list has 7 applications: the file is written in the background" in page
    assert 'name="file_format" value="csv"' in page and 'name="sort" value="title"' in page


def test_the_background_file_is_the_inline_export_of_the_same_filters(long_lists, coordinator, login, app, monkeypatch):
    client = login(coordinator)
    run_id = _start(client, "csv", action="KA210-SCH", sort="title", dir="desc")
    progress = client.get(f"/exports/{run_id}/progress").get_json()  # the job ran after the response
    assert progress["status"] == "done" and progress["finished"]
    assert (progress["rows_done"], progress["rows_total"]) == (4, 4)
    assert "The export is ready: 4 applications" in progress["message"]
    download = client.get(progress["file_url"])
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"].startswith('attachment; filename="applications-')
    inline = _inline_csv(client, app, monkeypatch, "?action=KA210-SCH&sort=title&dir=desc")
    assert download.get_data() == inline
    assert [row[1] for row in _rows(inline)[1:]] == ["Projekt 6", "Projekt 4", "Projekt 2", "Projekt 0"]
    page = client.get(f"/exports/{run_id}").get_data(as_text=True)
    assert f'href="/exports/{run_id}/file"' in page and "hidden" not in page.split('class="job-file"')[1][:10]


def test_an_xlsx_export_in_the_background_opens_with_every_row(long_lists, coordinator, login):
    client = login(coordinator)
    run_id = _start(client, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/exports/{run_id}/file").get_data())).active
    assert sheet.max_row == 8 and sheet.cell(1, 2).value == "Title"


def test_the_progress_moves_on_after_every_batch(long_lists, coordinator, login, monkeypatch):
    monkeypatch.setattr(export, "BATCH_ROWS", 2)
    seen = []

    def watch(_conn, _cursor, statement, parameters, _context, _many):
        if statement.startswith("UPDATE export_run") and "rows_done" in statement:
            seen.append(
                next(
                    v
                    for v in (parameters.values() if isinstance(parameters, dict) else parameters)
                    if isinstance(v, int)
                )
            )

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", watch)
    try:
        run_id = _start(login(coordinator))
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    assert seen[-5:] == [2, 4, 6, 7, 7]  # each batch as it is read, then the rows written
    assert _db.session.get(ExportRun, run_id).rows_done == 7


def test_the_job_coming_twice_writes_once_and_a_stalled_run_is_taken_over(long_lists, coordinator, login):
    client = login(coordinator)
    run_id = _start(client)
    _db.session.rollback()
    done = _db.session.get(ExportRun, run_id)
    key = done.file_key
    services.run(run_id)  # delivered a second time: nothing happens
    _db.session.rollback()
    assert _db.session.get(ExportRun, run_id).file_key == key
    # a run whose process died mid-way: its page says so, offers to start again, and a retry takes it over
    _db.session.execute(
        _db.update(ExportRun)
        .where(ExportRun.id == run_id)
        .values(status=ExportStatus.RUNNING, rows_done=2, heartbeat_at=utcnow() - timedelta(minutes=6))
    )
    _db.session.commit()
    page = client.get(f"/exports/{run_id}").get_data(as_text=True)
    assert "The export stopped before it was done" in page and 'action="/exports/"' in page
    services.run(run_id)
    _db.session.rollback()
    taken_over = _db.session.get(ExportRun, run_id)
    assert taken_over.status == ExportStatus.DONE and taken_over.rows_done == 7 and taken_over.file_key != key


def test_a_run_that_fails_says_so_and_offers_to_start_again(long_lists, coordinator, login, app, monkeypatch, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage folder should be")
    monkeypatch.setitem(app.config, "FILE_STORAGE_DIR", str(blocked))
    client = login(coordinator)
    run_id = _start(client)
    progress = client.get(f"/exports/{run_id}/progress").get_json()
    assert progress["status"] == "failed" and progress["finished"] and progress["file_url"] is None
    page = client.get(f"/exports/{run_id}").get_data(as_text=True)
    assert "The export failed. Start it again" in page and 'name="file_format" value="csv"' in page
    assert client.get(f"/exports/{run_id}/file").status_code == 404
    assert _db.session.get(ExportRun, run_id).error.startswith(("FileExistsError", "NotADirectoryError"))


def test_an_export_is_its_makers_alone(long_lists, coordinator, login, make, db, app):
    run_id = _start(login(coordinator))
    colleague = make.user(Role.COORDINATOR, organisation=next(iter(coordinator.memberships)).organisation)
    db.session.commit()
    other = app.test_client()
    sign_in_as(other, colleague)
    for path in (f"/exports/{run_id}", f"/exports/{run_id}/progress", f"/exports/{run_id}/file"):
        assert other.get(path).status_code == 404
    assert f"/exports/{run_id}" not in other.get("/exports/").get_data(as_text=True)


def test_the_list_of_exports_shows_the_own_newest_first(long_lists, coordinator, login):
    client = login(coordinator)
    first, second = _start(client, "csv"), _start(client, "xlsx")
    page = client.get("/exports/").get_data(as_text=True)
    assert page.index(f"/exports/{second}") < page.index(f"/exports/{first}")
    assert page.count("Ready") == 2 and ".xlsx" in page and ".csv" in page


def test_a_bad_format_or_a_list_past_the_limit_is_refused_with_a_message(long_lists, coordinator, login, monkeypatch):
    client = login(coordinator)
    bad = client.post("/exports/", data={"file_format": "pdf"})
    assert bad.status_code == 422 and "Choose CSV or XLSX." in bad.get_data(as_text=True)
    monkeypatch.setattr(export, "MAX_EXPORT_ROWS", 5)
    assert client.post("/exports/", data={"file_format": "csv", "action": "KA210-SCH"}).status_code == 302  # four rows
    too_many = client.post("/exports/", data={"file_format": "csv"})
    assert too_many.status_code == 422
    assert "The list has 7 applications; at most 5 are exported at a time." in too_many.get_data(as_text=True)
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(ExportRun)) == 1


def _expired_export(client) -> str:
    """An export made now and then aged past KEEP_FOR: its file's key."""
    old_id = _start(client)
    _db.session.rollback()
    old = _db.session.get(ExportRun, old_id)
    old.created_at = utcnow() - services.KEEP_FOR - timedelta(minutes=1)
    key = old.file_key
    _db.session.commit()
    return key


def test_exports_older_than_a_week_go_with_their_files_when_the_next_starts(long_lists, coordinator, login):
    client = login(coordinator)
    key = _expired_export(client)
    _start(client)
    _db.session.rollback()
    (left,) = _db.session.scalars(_db.select(ExportRun))  # SQLite may give the new run the old one's id
    assert left.file_key != key and left.created_at > utcnow() - timedelta(minutes=1)
    with pytest.raises(FileNotFoundError):
        storage().open(key)


@pytest.fixture
def queued_app(db_url):
    redis.Redis.from_url(REDIS_URL).flushdb()
    app = build_app(db_url, REDIS_URL=REDIS_URL, EXPORT_INLINE_ROWS=3)
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def test_with_redis_a_worker_writes_the_export(queued_app, coordinator):
    client = queued_app.test_client()
    sign_in_as(client, coordinator)
    run_id = _start(client)
    waiting = client.get(f"/exports/{run_id}/progress").get_json()
    assert waiting["status"] == "queued" and not waiting["finished"]
    assert "Waiting to start" in client.get(f"/exports/{run_id}").get_data(as_text=True)
    with queued_app.app_context():
        assert jobs.queue().count == 1
        jobs.work(burst=True)
    done = client.get(f"/exports/{run_id}/progress").get_json()
    assert done["status"] == "done" and done["rows_total"] == 7
    assert len(_rows(client.get(done["file_url"]).get_data())) == 8


def test_one_export_at_a_time_each(queued_app, coordinator):
    client = queued_app.test_client()
    sign_in_as(client, coordinator)
    first = _start(client)  # waits in the queue
    again = client.post("/exports/", data={"file_format": "xlsx"})
    assert again.status_code == 302 and again.headers["Location"] == f"/exports/{first}"
    assert "Your previous export is still being written" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(ExportRun)) == 1


def test_a_filter_gone_since_the_export_was_asked_for_fails_it_rather_than_widen_it(long_lists, coordinator, login):
    client = login(coordinator)
    run_id = _start(client, "csv", action="KA210-SCH")
    _db.session.rollback()
    _db.session.execute(
        _db.update(ExportRun)
        .where(ExportRun.id == run_id)
        .values(status=ExportStatus.QUEUED, filters={"school": "999999"}, file_key=None)
    )
    _db.session.commit()
    services.run(run_id)
    _db.session.rollback()
    failed = _db.session.get(ExportRun, run_id)
    assert failed.status == ExportStatus.FAILED and failed.error.startswith("FiltersChanged")


def _save_without_waiting(application_id: int) -> None:
    """A write from a connection of its own that gives up at once if the database is locked."""
    url = _db.engine.url
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(url.database, timeout=0, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")  # raises "database is locked" if a writer holds it
            connection.execute("UPDATE application SET title = title || '' WHERE id = ?", (application_id,))
            connection.execute("COMMIT")
        finally:
            connection.close()
    else:
        with _db.engine.begin() as other:
            other.exec_driver_sql("SET LOCAL lock_timeout = '1ms'")
            other.execute(_db.text("UPDATE application SET title = title || '' WHERE id = :id"), {"id": application_id})


def test_no_transaction_is_open_while_the_rows_go_to_the_file(long_lists, coordinator, login, monkeypatch, app):
    """On SQLite a writing transaction would hold the one write lock: a save elsewhere would wait."""
    writes = []
    real = export.rows_of

    def rows_with_a_save_beside(*args, **kwargs):
        for number, row in enumerate(real(*args, **kwargs)):
            if number == 0:  # the file is being written: another connection saves, without waiting
                _save_without_waiting(row[0])
                writes.append(row[0])
            yield row

    monkeypatch.setattr(export, "rows_of", rows_with_a_save_beside)
    run_id = _start(login(coordinator))
    run = _db.session.get(ExportRun, run_id)
    assert (run.status, run.error, len(writes)) == (ExportStatus.DONE, "", 1)


def test_the_schedulers_clean_up_removes_every_expired_export(long_lists, coordinator, login):
    key = _expired_export(login(coordinator))
    services.remove_expired_job()
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(ExportRun)) == 0
    with pytest.raises(FileNotFoundError):
        storage().open(key)
