"""Directory benchmark: the partner directory's search page over 5,000 entries of one organisation
(mixed countries, kinds and topics), searched by words and by the countries that count for an
action, and plainly listed, as a signed-in user, against a minimal route that reads one row,
measured in this one run through the same app. Prints the median latencies, the ratio and the SQL
statements each page sends with 50 and with 5,000 entries (they should be the same); exits 1 when
the latency goal is missed. Run with `make bench`."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
# The benchmarks' own folder last: bench/docx.py must not stand in for python-docx (`import docx`).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"] + [str(ROOT / "bench")]

GOALS = {"ratio": 3.0}
ENTRIES, FEW = 5_000, 50
ROUNDS = 30
PAGES = {"search": "/directory?q=climate&action=NPJ-MOBILITY", "list": "/directory"}
COUNTRIES = ["FI", "DK", "NO", "IS", "EE", "LV", "LT", "DE", "FR", "IT", "ES", "CZ", "PL", "NL", "XS", "AX"]
TOPICS = ["climate", "reading", "food", "sustainability", "sport", "music", "democracy", "mathematics", "art"]
KINDS = ["organisation", "organisation", "organisation", "twin_town", "network"]
SOURCES = ["twin_town", "network", "earlier_project", "etwinning", "school_education_platform", "own_contact"]
LANGUAGES = ["English", "English, Finnish", "Danish, English", "German", "French, English", "Norwegian"]


def entry_rows(organisation_id: int, start: int, stop: int) -> list[dict]:
    return [
        {
            "organisation_id": organisation_id,
            "entry_kind": KINDS[i % len(KINDS)],
            "name": f"Skola {i:05} {COUNTRIES[i % len(COUNTRIES)]}",
            "country": COUNTRIES[i % len(COUNTRIES)],
            "city": f"Stad {i % 97}",
            "languages": LANGUAGES[i % len(LANGUAGES)],
            "topics": f"{TOPICS[i % len(TOPICS)]}, {TOPICS[(i * 7 + 3) % len(TOPICS)]}",
            "levels": "years 7–9" if i % 2 else "upper secondary",
            "source": SOURCES[i % len(SOURCES)],
            "notes": "" if i % 3 else "Met at the twin-town week.",
        }
        for i in range(start, stop)
    ]


def main() -> int:
    from _baseline import BASELINE_URL, add_one_row_route, median_ms
    from querycount import count_queries
    from support import build_app, reset_schema, sign_in_as
    from webapp.auth.models import Membership, Role, User
    from webapp.directory.models import DirectoryEntry
    from webapp.extensions import db
    from webapp.organisations.models import Organisation, School

    workdir = Path(tempfile.mkdtemp(prefix="grantpath-bench-"))
    app = build_app(f"sqlite:///{workdir / 'bench.sqlite'}", SERVER_NAME=None)

    add_one_row_route(app)
    reset_schema(app)
    with app.app_context():
        organisation = Organisation(name="Solna stad")
        school = School(organisation=organisation, name="Skytteholmsskolan", city="Solna", country="SE")
        teacher = User(email="teacher@example.org", name="Anna Lind", language="sv")
        teacher.memberships.append(Membership(organisation=organisation, school=school, role=Role.TEACHER))
        db.session.add_all([organisation, school, teacher])
        db.session.flush()
        db.session.execute(db.insert(DirectoryEntry), entry_rows(organisation.id, 0, FEW))
        db.session.commit()

        client = app.test_client()
        sign_in_as(client, teacher)
        queries = {}
        for name, url in PAGES.items():
            client.get(url)  # warm up templates and the registry's lookups
            with count_queries() as statements:
                client.get(url)
            queries[name] = [len(statements)]
        with_few = {name: median_ms(client, url, ROUNDS) for name, url in PAGES.items()}
        db.session.execute(db.insert(DirectoryEntry), entry_rows(organisation.id, FEW, ENTRIES))
        db.session.commit()
        for name, url in PAGES.items():
            with count_queries() as statements:
                client.get(url)
            queries[name].append(len(statements))

        client.get(BASELINE_URL)
        baseline = median_ms(client, BASELINE_URL, ROUNDS)
        timings = {name: median_ms(client, url, ROUNDS) for name, url in PAGES.items()}
        found = db.session.scalar(
            db.select(db.func.count()).select_from(DirectoryEntry).where(DirectoryEntry.topics.like("%climate%"))
        )

    print(f"directory of one organisation: {ENTRIES:,} entries ({found:,} with the topic climate)")
    print(f"minimal one-row route: median {baseline:.1f} ms over {ROUNDS}")
    ratios = {}
    for name, url in PAGES.items():
        ratios[name] = timings[name] / baseline
        print(
            f"{url}: median {timings[name]:.1f} ms over {ROUNDS}, ratio {ratios[name]:.2f}  (goal <= {GOALS['ratio']}); "
            f"{with_few[name]:.1f} ms with {FEW} entries"
        )
    for name, url in PAGES.items():
        few, many = queries[name]
        same = "the same" if few == many else "NOT the same"
        print(f"{url}: {few} SQL statements with {FEW} entries, {many} with {ENTRIES:,} ({same})")
    missed = [name for name, ratio in ratios.items() if ratio > GOALS["ratio"]]
    if missed:
        print("missed: " + ", ".join(f"ratio of {PAGES[name]}" for name in missed))
        return 1
    print("all goals met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
