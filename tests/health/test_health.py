"""The health endpoints against the real parts: the test database, the machine's Redis, a port
nothing listens on; and gunicorn serving the app with the repository's gunicorn.conf.py, one
access-log line per request with its duration."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from flask_migrate import upgrade

from support import build_app, fresh_database
from webapp.extensions import db

ROOT = Path(__file__).resolve().parent.parent.parent
REDIS = "redis://127.0.0.1:6379/0"
NOTHING_LISTENS = "127.0.0.1:1"


def _get(app, path):
    response = app.test_client().get(path)
    with app.app_context():
        db.engine.dispose()  # each test builds apps of its own: none may leave a connection open
    return response.status_code, response.get_json(), response.headers.get("Cache-Control")


def test_healthy_with_the_database_and_redis(db_url):
    assert _get(build_app(db_url), "/healthz") == (200, {"status": "ok", "database": "ok"}, "no-store")
    status, body, _ = _get(build_app(db_url, REDIS_URL=REDIS), "/healthz")
    assert (status, body) == (200, {"status": "ok", "database": "ok", "redis": "ok"})


def test_an_unreachable_redis_or_database_answers_503_and_says_which(db_url):
    status, body, _ = _get(build_app(db_url, REDIS_URL=f"redis://{NOTHING_LISTENS}/0"), "/healthz")
    assert status == 503 and body["status"] == "failing" and body["database"] == "ok"
    assert body["redis"].startswith("unreachable")
    app = build_app(f"postgresql://postgres@{NOTHING_LISTENS}/test")
    status, body, _ = _get(app, "/healthz")
    assert status == 503 and body["database"].startswith("unreachable")


def test_ready_only_once_the_schema_is_upgraded(tmp_path):
    with fresh_database(tmp_path) as url:
        app = build_app(url)
        status, body, _ = _get(app, "/readyz")
        assert status == 503 and body["schema"].startswith("not upgraded (at nothing")
        with app.app_context():
            upgrade()
        assert _get(app, "/readyz")[:2] == (200, {"status": "ok", "database": "ok", "schema": "ok"})
        with app.app_context():
            db.engine.dispose()


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_the_app_with_the_repositorys_settings(tmp_path):
    url = "sqlite:///" + str(tmp_path / "served.sqlite")
    app = build_app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "GRANTPATH_DATABASE_URL": url,
        "GRANTPATH_SECRET_KEY": "a-secret-for-the-served-test",
        "GRANTPATH_WORKERS": "2",
    }
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        answer = None
        deadline = time.monotonic() + 60
        while answer is None and time.monotonic() < deadline and server.poll() is None:
            try:
                answer = _fetch(f"http://127.0.0.1:{port}/readyz")
            except OSError:  # not listening yet, or its workers still starting
                time.sleep(0.2)  # waiting for the server to listen, not for a result
        assert answer is not None, log.read_text()
        assert answer[0] == 200 and json.loads(answer[1])["schema"] == "ok"
        assert _fetch(f"http://127.0.0.1:{port}/sign-in")[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = log.read_text()
    assert "Using worker: gthread" in output
    assert output.count("Booting worker") == 2
    assert any('"GET /readyz HTTP/1.1" 200' in line and line.rstrip().endswith("ms") for line in output.splitlines())
    assert "weasyprint" not in output.lower()
