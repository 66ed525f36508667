"""Overview benchmark: the coordinator's `/applications/` over 10,000 applications of 200 schools
(bulk inserted, varied stages, states, actions and rounds), plainly and filtered, as a signed-in
coordinator, against a minimal route that reads one row, measured in this one run through the same
app. Prints the median latencies and their ratio, the SQL statements each page sends with 100 and
with 10,000 applications (they should be the same), and how much the process grew (VmRSS) over
100 more requests; exits 1 when a goal is missed. SQLite by default; BENCH_DATABASE_URL to run it
against another database. Run with `make bench`."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
# The benchmarks' own folder last: bench/docx.py must not stand in for python-docx (`import docx`).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"] + [str(ROOT / "bench")]

GOALS = {"ratio": 5.0, "rss_mb": 10.0}
APPLICATIONS, FEW, SCHOOLS = 10_000, 100, 200
ROUNDS = 30
GROWTH_REQUESTS = 100
PAGES = {
    "overview": "/applications/",
    "filtered": "/applications/?action=KA220-SCH&stage=partners&q=klimat&sort=changed&dir=desc",
    "start": "/",
}
ACTIONS = [("KA210-SCH", "2027-R1"), ("KA220-SCH", "2027-R1"), ("KA122-SCH", "2027-R1"), ("NPJ-MOBILITY", "2027-R1")]
STAGES = ["idea", "partners", "organisation", "submission"]
STATES = ["draft", "draft", "awaiting_approval", "approved", "submitted", "granted", "rejected", "withdrawn"]
TOPICS = ["klimat", "läsning", "matematik", "demokrati", "musik", "idrott", "mat", "konst"]
NOW = datetime.now(UTC)


def application_rows(schools: list[int], owner_id: int, start: int, stop: int) -> list[dict]:
    return [
        {
            "school_id": schools[i % len(schools)],
            "owner_id": owner_id,
            "action_key": ACTIONS[i % len(ACTIONS)][0],
            "call_round": ACTIONS[i % len(ACTIONS)][1],
            "call_year": 2027,
            "title": f"{TOPICS[i % len(TOPICS)].capitalize()} och {TOPICS[(i * 3 + 1) % len(TOPICS)]} {i}",
            "stage": STAGES[(i // 3) % len(STAGES)],
            "status": STATES[i % len(STATES)],
            "deadline": NOW + timedelta(days=i % 300),
            "updated_at": NOW - timedelta(minutes=i),
        }
        for i in range(start, stop)
    ]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    from _baseline import BASELINE_URL, add_one_row_route, median_ms
    from querycount import count_queries
    from support import build_app, reset_schema, sign_in_as
    from webapp.applications.models import Application
    from webapp.auth.models import Membership, Role, User
    from webapp.demo.scale import refresh_statistics
    from webapp.extensions import db
    from webapp.organisations.models import Organisation, School

    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='grantpath-bench-')) / 'bench.sqlite'}"
    app = build_app(url, SERVER_NAME=None)

    add_one_row_route(app)
    reset_schema(app)
    with app.app_context():
        organisation = Organisation(name="Solna stad")
        db.session.add(organisation)
        db.session.flush()
        db.session.execute(
            db.insert(School),
            [{"organisation_id": organisation.id, "name": f"Skola {n:03}", "city": "Solna"} for n in range(SCHOOLS)],
        )
        schools = list(db.session.scalars(db.select(School.id).order_by(School.id)))
        coordinator = User(email="coordinator@example.org", name="Cecilia Berg", language="sv")
        coordinator.memberships.append(Membership(organisation=organisation, role=Role.COORDINATOR))
        teacher = User(email="teacher@example.org", name="Anna Lind", language="sv")
        teacher.memberships.append(Membership(organisation=organisation, school_id=schools[0], role=Role.TEACHER))
        db.session.add_all([coordinator, teacher])
        db.session.flush()
        db.session.execute(db.insert(Application), application_rows(schools, teacher.id, 0, FEW))
        db.session.commit()

        client = app.test_client()
        sign_in_as(client, coordinator)
        queries = {}
        for name, page in PAGES.items():
            client.get(page)  # warm up templates and the registry's lookups
            with count_queries() as statements:
                client.get(page)
            queries[name] = [len(statements)]
        started = time.perf_counter()
        db.session.execute(db.insert(Application), application_rows(schools, teacher.id, FEW, APPLICATIONS))
        db.session.commit()
        inserted = time.perf_counter() - started
        refresh_statistics()  # as autovacuum would on a real server, before anyone lists them
        for name, page in PAGES.items():
            with count_queries() as statements:
                response = client.get(page)
            queries[name].append(len(statements))
            queries[name].append(len(response.get_data()))

        client.get(BASELINE_URL)
        baseline = median_ms(client, BASELINE_URL, ROUNDS)
        timings = {name: median_ms(client, page, ROUNDS) for name, page in PAGES.items()}
        before = rss_mb()
        for n in range(GROWTH_REQUESTS):
            assert client.get(f"/applications/?page={n % 200 + 1}").status_code == 200
        growth = rss_mb() - before

    print(f"{APPLICATIONS:,} applications over {SCHOOLS} schools ({url.split(':')[0]}), inserted in {inserted:.1f} s")
    print(f"minimal one-row route: median {baseline:.1f} ms over {ROUNDS}")
    ratios = {}
    for name, page in PAGES.items():
        ratios[name] = timings[name] / baseline
        few, many, size = queries[name]
        same = "the same" if few == many else "NOT the same"
        print(
            f"{page}: median {timings[name]:.1f} ms, ratio {ratios[name]:.2f} (goal <= {GOALS['ratio']}); "
            f"{size / 1024:.0f} KB; {few} SQL statements with {FEW}, {many} with {APPLICATIONS:,} ({same})"
        )
    print(f"RSS growth over {GROWTH_REQUESTS} requests of /applications/: {growth:.1f} MB (goal < {GOALS['rss_mb']})")
    missed = [f"ratio of {PAGES[name]}" for name, ratio in ratios.items() if ratio > GOALS["ratio"]]
    if growth >= GOALS["rss_mb"]:
        missed.append("RSS growth")
    if any(few != many for few, many, _size in queries.values()):
        missed.append("statements grow with the rows")
    if missed:
        print("missed: " + ", ".join(missed))
        return 1
    print("all goals met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
