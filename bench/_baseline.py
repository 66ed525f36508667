"""What the page benchmarks share: a median over rounds of requests, and the baseline they are
measured against, a minimal signed-in route in the same app that reads one row."""

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
