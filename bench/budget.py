"""Budget benchmark: computing a 30-activity KA122 budget from the stored answers (the distance of
each activity worked out from its cities, every line with its arithmetic) against a plain Python
loop summing the same figures, both measured in this one run. Prints the ratio and the time per
budget; exits 1 when a goal is missed. Run with `make bench`."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The benchmarks' own folder last: bench/docx.py must not stand in for python-docx (`import docx`).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"] + [str(ROOT / "bench")]

GOALS = {"ms_per_budget": 50.0}  # a budget recomputed on every page of the editor stays unnoticed
ROUNDS, REPEAT = 7, 20
CITIES = [("IT", "Bologna"), ("FI", "Helsinki"), ("CZ", "Praha"), ("DE", "Wolfsburg"), ("ES", "Sevilla")]
KINDS = ["pupil_group", "job_shadowing", "courses", "teaching", "pupil_short"]


def answers() -> dict:
    items = []
    for i in range(30):
        country, city = CITIES[i % len(CITIES)]
        kind = KINDS[i % len(KINDS)]
        pupils = kind.startswith("pupil")
        items.append(
            {
                "activity_type": kind,
                "destination_country": country,
                "destination_city": city,
                "duration_days": 3 + i % 20,
                "travel_days": i % 3,
                "green_travel": "yes" if i % 2 else "no",
                "participants": 1,
                "accompanying_persons": 1 if pupils else 0,
            }
        )
    return {"activities": {"items": items}}


def best_of(run) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(REPEAT):
            run()
        times.append((time.perf_counter() - start) / REPEAT)
    return min(times), statistics.median(times)


def main() -> int:
    from webapp.budgets import answers as budget_answers
    from webapp.budgets import distances
    from webapp.programmes import rules
    from webapp.programmes.loader import REPOSITORY, load_all

    definition = load_all(REPOSITORY / "workflows").definition("KA122-SCH", 2026)
    solna = [rules.Participant("applicant", "Solna Gymnasium", "SE", True, "school", "Solna")]
    stored = answers()
    distances.preload()  # the gazetteer is read once per process, at the first look-up
    budget = budget_answers.unit_cost_budget(definition, stored, solna)
    assert all(item.budget is not None for item in budget.items), [i.issues for i in budget.items if i.issues]
    figures = [line.amount for item in budget.items for line in item.budget.lines]

    def baseline():
        total = 0
        for amount in figures:
            total += amount
        return total

    assert baseline() == budget.total
    grantpath, grantpath_median = best_of(lambda: budget_answers.unit_cost_budget(definition, stored, solna))
    plain, _ = best_of(baseline)
    ms = grantpath * 1000
    print(f"30-activity KA122 budget: {ms:.2f} ms (median {grantpath_median * 1000:.2f} ms), {len(figures)} lines")
    print(f"plain loop summing the same {len(figures)} figures: {plain * 1e6:.1f} µs")
    print(f"ratio: {grantpath / plain:.0f}× the plain sum")
    missed = [name for name, goal in GOALS.items() if ms > goal]
    if missed:
        print(f"goal missed: {ms:.1f} ms > {GOALS['ms_per_budget']} ms per budget")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
