"""DOCX benchmark: Grantpath's Word export of the KA220 demo application (the dossier's context and
the document) against writing the same paragraphs, runs and tables with bare python-docx, the way
its documentation shows (styles by name, `cell.text`), in the same run. Prints the figures; exits 1
when the ratio is over its goal. Run with `make bench`."""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on the path, and this file would be `import docx`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"] + [str(ROOT / "bench")]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

GOAL = 1.3
ROUNDS = 15
GENERATED = datetime(2027, 1, 15, 9, 30, tzinfo=UTC)


def plan_of(data: bytes) -> dict:
    """What a document holds, as plain values: each body paragraph (style, runs with bold/italic) and
    table (style, cell texts), the header's text and the core properties."""
    from docx.table import Table

    import docx

    document = docx.Document(io.BytesIO(data))
    body = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            body.append(("table", block.style.name, [[c.text for c in row.cells] for row in block.rows]))
        else:
            runs = [(r.text, r.bold, r.italic) for r in block.runs]
            body.append(("paragraph", block.style.name, runs))
    core = document.core_properties
    return {
        "body": body,
        "header": [p.text for p in document.sections[0].header.paragraphs if p.text],
        "core": {k: getattr(core, k) for k in ("title", "subject", "author", "keywords", "category", "language")},
    }


def bare(plan: dict, by_id: bool = False) -> bytes:
    """The same content with python-docx's public API; `by_id`: each style's id looked up once and
    set on the paragraph, as Grantpath does (python-docx's `style=` scans every style each time)."""
    import docx

    document = docx.Document()
    ids = {}
    for key, value in plan["core"].items():
        setattr(document.core_properties, key, value)
    for text in plan["header"]:
        document.sections[0].header.paragraphs[0].add_run(text).bold = True
    for kind, style, content in plan["body"]:
        if kind == "table":
            table = document.add_table(rows=len(content), cols=len(content[0]), style=style)
            for row, values in zip(table.rows, content, strict=True):
                for cell, text in zip(row.cells, values, strict=True):
                    cell.text = text
        else:
            if by_id:
                paragraph = document.add_paragraph()
                if style not in ids:
                    ids[style] = None if style == "Normal" else document.styles[style].style_id
                if ids[style]:
                    paragraph._p.style = ids[style]
            else:
                paragraph = document.add_paragraph(style=style)
            for text, bold, italic in content:
                run = paragraph.add_run(text)
                run.bold, run.italic = bold, italic
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def main() -> int:
    from _baseline import demo_application
    from webapp.applications.models import Application
    from webapp.docx import render
    from webapp.extensions import db
    from webapp.pdf import context

    app, application_id = demo_application(Path(tempfile.mkdtemp(prefix="grantpath-bench-")))
    with app.app_context():
        application = db.session.get(Application, application_id)

        def through_grantpath() -> bytes:
            return render.document(context.dossier(application, "sv"), "sv", generated=GENERATED)

        plan = plan_of(through_grantpath())
        again = plan_of(bare(plan))
        assert again["body"] == plan["body"], "the bare document differs from Grantpath's"
        assert plan_of(bare(plan, by_id=True))["body"] == plan["body"]
        runs = {"ours": through_grantpath, "named": lambda: bare(plan), "by_id": lambda: bare(plan, by_id=True)}
        times = {name: [] for name in runs}
        for run in runs.values():
            run()  # warm up all alike
        for _ in range(ROUNDS):
            for name, run in runs.items():
                start = time.perf_counter()
                run()
                times[name].append(time.perf_counter() - start)
    paragraphs = sum(1 for kind, *_ in plan["body"] if kind == "paragraph")
    tables = len(plan["body"]) - paragraphs
    median = {name: statistics.median(values) for name, values in times.items()}
    ratio = median["ours"] / median["by_id"]  # the goal: against the faster of the two bare writers
    print(f"KA220-SCH demo application as DOCX: {paragraphs} paragraphs, {tables} tables; medians over {ROUNDS} rounds")
    print(f"export through Grantpath (context + document): {median['ours'] * 1000:.0f} ms")
    print(f"same content, bare python-docx, styles by name: {median['named'] * 1000:.0f} ms")
    print(f"same content, bare python-docx, style ids set once looked up: {median['by_id'] * 1000:.0f} ms")
    print(f"ratio Grantpath / bare by name: {median['ours'] / median['named']:.2f}")
    print(f"ratio Grantpath / bare with style ids: {ratio:.2f}  (goal <= {GOAL})")
    if ratio > GOAL:
        print("missed: ratio")
        return 1
    print("all goals met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
