"""A crash in the middle of saves: gunicorn (master and workers) killed with SIGKILL while two
teachers save their sections as fast as the server answers, on the embedded default (SQLite in
WAL mode). After a restart every save the server acknowledged is there (at most the one in flight
besides), and the database file is intact."""

from __future__ import annotations

import re
import sqlite3
import threading
from html import unescape

from served import Browser, kill, seed, start, stop

from support import free_port

#: Who saves which section (one writer per section, so no save is a conflict).
WRITERS = {"description": "elin@example.org", "cooperation": "omar@example.org"}
ACKNOWLEDGED_BEFORE_THE_CUT = 15


def _field_and_version(page: str) -> tuple[str, int]:
    field = re.search(r'<textarea[^>]*name="([^"]+)"', page).group(1)
    return field, int(re.search(r'name="version"[^>]*value="(\d+)"', page).group(1))


def _stored(page: str, field: str) -> str:
    return unescape(re.search(rf'<textarea[^>]*name="{field}"[^>]*>(.*?)</textarea>', page, re.S).group(1)).strip()


def test_every_acknowledged_save_survives_a_kill(tmp_path):
    path = tmp_path / "crash.sqlite"
    url = f"sqlite:///{path}"
    application_id, _limit = seed(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start(url, tmp_path / "crash.log", port, GRANTPATH_WORKERS="2")
    acknowledged = dict.fromkeys(WRITERS, 0)
    fields = {}
    progress = threading.Condition()

    def write(section: str, email: str) -> None:
        browser = Browser()
        assert browser.sign_in(base, email) == 302
        address = f"{base}/applications/{application_id}/sections/{section}"
        token, page = browser.csrf(address)
        field, version = _field_and_version(page)
        fields[section] = field
        n = 0
        try:
            while True:
                n += 1
                status, _ = browser.request(address, {"csrf_token": token, "version": version, field: f"{section} {n}"})
                if status != 302:
                    return
                version += 1
                with progress:
                    acknowledged[section] = n
                    progress.notify_all()
        except OSError:  # the server is gone
            return

    writers = [threading.Thread(target=write, args=item) for item in WRITERS.items()]
    for writer in writers:
        writer.start()
    with progress:
        assert progress.wait_for(lambda: min(acknowledged.values()) >= ACKNOWLEDGED_BEFORE_THE_CUT, timeout=120)
    kill(server)
    for writer in writers:
        writer.join(timeout=60)
    cut = dict(acknowledged)

    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start(url, tmp_path / "crash.log", port)
    try:
        for section, email in WRITERS.items():
            browser = Browser()
            assert browser.sign_in(base, email) == 302
            _token, page = browser.csrf(f"{base}/applications/{application_id}/sections/{section}")
            saved = int(_stored(page, fields[section]).removeprefix(f"{section} "))
            assert cut[section] <= saved <= cut[section] + 1, (section, cut, saved)
    finally:
        stop(server)
