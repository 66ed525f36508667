"""What the page benchmarks share: a median over rounds of requests, the baseline they are
measured against (a minimal signed-in route in the same app that reads one row), and the demo's
KA220-SCH application in an app of its own (the document benchmarks)."""

from __future__ import annotations

import statistics
import time

BASELINE_URL = "/bench/one-row"


def add_one_row_route(app) -> None:
    """The baseline: the same app, session and user loader, one row read, a line of text. Added
    before the first request, as Flask wants."""
    from webapp.core import access
    from webapp.extensions import db
    from webapp.organisations.models import Organisation

    @access.signed_in
    def one_row():
        return db.session.scalar(db.select(Organisation.name).limit(1))

    app.add_url_rule(BASELINE_URL, "bench_one_row", one_row)


def median_ms(client, url: str, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000


def demo_application(workdir, action_key: str = "KA220-SCH"):
    """(the app, the demo's `action_key` application) on a new SQLite file in `workdir`, the demo
    loaded; the caller works in `with app.app_context():` and reloads nothing."""
    from support import build_app, reset_schema
    from webapp import demo
    from webapp.applications.models import Application
    from webapp.extensions import db

    app = build_app(f"sqlite:///{workdir / 'bench.sqlite'}", FILE_STORAGE_DIR=str(workdir / "files"), SERVER_NAME=None)
    reset_schema(app)
    with app.app_context():
        demo.load()
        application_id = db.session.scalar(db.select(Application.id).where(Application.action_key == action_key))
    return app, application_id
