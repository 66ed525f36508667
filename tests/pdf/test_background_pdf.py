"""A dossier not ready within PDF_WAIT_SECONDS is made in the background: the download leads to a
page that waits for it (a thread of this process without Redis, the queue's worker with it), then
offers it; the file is the same as one made in the request; a render that fails or outlives its
time says so, and asking again starts over. A key in the address never serves a file."""

from __future__ import annotations

import io
import re
import threading
import time

import pytest
import redis
from pypdf import PdfReader

from support import build_app, sign_in_as
from webapp.core import jobs
from webapp.extensions import db as _db
from webapp.pdf import render

REDIS_URL = "redis://127.0.0.1:6379/9"


@pytest.fixture
def in_background(app, tmp_path, monkeypatch):
    """Nothing waits in the request: every dossier not in the cache is made in the background."""
    monkeypatch.setitem(app.config, "FILE_STORAGE_DIR", str(tmp_path / "files"))
    monkeypatch.setitem(app.config, "PDF_WAIT_SECONDS", 0)


def _until_finished(client, progress_url: str, seconds: float = 60) -> dict:
    """Asks as the page's script does until the render is finished (or the time is up)."""
    until = time.monotonic() + seconds
    while True:
        answer = client.get(progress_url).get_json()
        if answer["finished"] or time.monotonic() > until:
            return answer
        time.sleep(0.1)


def _english(application):
    """The tests read the page's words in English (the document's `lang` is not the page's)."""
    application.owner.language = "en"
    _db.session.commit()
    return application


def _waiting_page(client, application) -> tuple[str, str]:
    response = client.get(f"/applications/{application.id}/dossier.pdf?lang=en")
    assert response.status_code == 302
    location = response.headers["Location"]
    match = re.fullmatch(rf"/applications/{application.id}/dossier/([0-9a-f]{{64}})\?lang=en", location)
    assert match, location
    return location, f"/applications/{application.id}/dossier/{match.group(1)}/progress?lang=en"


def test_a_slow_dossier_is_made_in_the_background_and_then_offered(in_background, make, login, app, monkeypatch):
    application = _english(make.application(title="Läsglädje i Norden"))
    client = login(application.owner)
    page_url, progress_url = _waiting_page(client, application)
    page = client.get(page_url).get_data(as_text=True)
    assert 'class="card job-progress"' in page and f'data-progress-url="{progress_url}"' in page
    done = _until_finished(client, progress_url)
    assert done["status"] == "done" and done["file_url"] == f"/applications/{application.id}/dossier.pdf?lang=en"
    assert done["message"] == "The PDF is ready."
    made_in_background = client.get(done["file_url"])  # now in the cache: the file itself
    assert made_in_background.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(made_in_background.data)).pages)
    assert "Läsglädje i Norden" in text
    # the same document as one made in the request (the cache keeps it; a fresh cache makes it again)
    monkeypatch.setitem(app.config, "PDF_WAIT_SECONDS", 60)
    monkeypatch.setitem(app.config, "FILE_STORAGE_DIR", app.config["FILE_STORAGE_DIR"] + "-fresh")
    in_request = client.get(done["file_url"])
    assert in_request.mimetype == "application/pdf" and len(PdfReader(io.BytesIO(in_request.data)).pages) == len(
        PdfReader(io.BytesIO(made_in_background.data)).pages
    )


def test_a_render_that_outlives_its_time_says_so_and_asking_again_starts_over(
    in_background, make, login, app, monkeypatch
):
    monkeypatch.setitem(app.config, "PDF_BACKGROUND_SECONDS", 0.001)
    application = _english(make.application())
    client = login(application.owner)
    page_url, progress_url = _waiting_page(client, application)
    failed = _until_finished(client, progress_url)
    assert failed["status"] == "failed" and failed["file_url"] is None
    assert "Making this PDF failed" in client.get(page_url).get_data(as_text=True)
    monkeypatch.setitem(app.config, "PDF_BACKGROUND_SECONDS", 300)
    _page, progress_url = _waiting_page(client, application)  # asked again: a new attempt
    assert _until_finished(client, progress_url)["status"] == "done"


def test_a_key_that_is_not_a_render_serves_nothing(in_background, make, login):
    application = _english(make.application())
    client = login(application.owner)
    base = f"/applications/{application.id}/dossier"
    assert client.get(f"{base}/not-a-key").status_code == 404
    unknown = client.get(f"{base}/{'a' * 64}/progress").get_json()
    assert unknown["status"] == "unknown" and unknown["finished"] and unknown["file_url"] is None
    assert "Download it again to start over" in unknown["message"]


def test_a_render_asked_for_twice_is_made_once(in_background, make, login, monkeypatch):
    renders, release = [], threading.Event()
    real = render.html_to_pdf_within

    def held(html, seconds):  # the first render waits until the second request has been answered
        renders.append(1)
        release.wait(30)
        return real(html, seconds)

    monkeypatch.setattr(render, "html_to_pdf_within", held)
    application = _english(make.application())
    client = login(application.owner)
    _page, progress_url = _waiting_page(client, application)
    _again, same_progress = _waiting_page(client, application)  # while the first is under way
    release.set()
    assert same_progress == progress_url
    assert _until_finished(client, progress_url)["status"] == "done"
    assert client.get(f"/applications/{application.id}/dossier.pdf?lang=en").mimetype == "application/pdf"
    assert len(renders) == 1


@pytest.fixture
def queued_app(db_url, tmp_path):
    redis.Redis.from_url(REDIS_URL).flushdb()
    app = build_app(db_url, REDIS_URL=REDIS_URL, PDF_WAIT_SECONDS=0, FILE_STORAGE_DIR=str(tmp_path / "queued"))
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def test_with_redis_a_worker_makes_the_pdf(queued_app, make, db):
    application = make.application()
    db.session.commit()
    client = queued_app.test_client()
    sign_in_as(client, application.owner)
    _page, progress_url = _waiting_page(client, application)
    assert client.get(progress_url).get_json()["status"] == "running"  # in line for a worker
    with queued_app.app_context():
        assert jobs.queue().count == 1
        jobs.work(burst=True)
    done = client.get(progress_url).get_json()
    assert done["status"] == "done"
    assert client.get(done["file_url"]).mimetype == "application/pdf"


def test_what_cut_off_renders_leave_goes_after_a_day(in_background, make, login, app):
    import os

    from webapp.core.storage import storage

    with app.test_request_context():
        files = storage()
        files.write(f"{render.RENDERS}/{'b' * 64}.html", b"<p>an application's whole text</p>")
        files.write(f"{render.RENDERS}/{'c' * 64}.failed", b"took too long")
        for name in files.oldest_first(render.RENDERS):
            path = files._path(name)
            os.utime(path, (path.stat().st_atime, time.time() - render.LEFTOVERS_AFTER_SECONDS - 60))
    application = _english(make.application())
    client = login(application.owner)
    _page, progress_url = _waiting_page(client, application)
    assert _until_finished(client, progress_url)["status"] == "done"
    with app.test_request_context():
        assert storage().oldest_first(render.RENDERS) == []
