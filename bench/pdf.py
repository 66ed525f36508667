"""PDF benchmark: Grantpath's dossier path against bare WeasyPrint on the same HTML, the cached
re-download, and memory over 20 renders. Prints figures measured in this one run; exits 1 when a
goal is missed. Run with `make bench`."""

from __future__ import annotations

import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
# The benchmarks' own folder last: bench/docx.py must not stand in for python-docx (`import docx`).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"] + [str(ROOT / "bench")]

GOALS = {"ratio": 1.3, "cached_ms": 20.0, "memory_mb": 50.0}
ROUNDS = 5


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    from weasyprint import HTML

    from _baseline import demo_application
    from support import sign_in_as
    from webapp.applications.models import Application
    from webapp.auth.models import User
    from webapp.extensions import db
    from webapp.pdf import context, render

    workdir = Path(tempfile.mkdtemp(prefix="grantpath-bench-"))
    app, application_id = demo_application(workdir)
    with app.app_context():
        application = db.session.get(Application, application_id)
        teacher = db.session.scalar(db.select(User).where(User.email == "teacher@example.org"))

        def through_grantpath() -> bytes:
            data = context.dossier(application, "sv")
            html = render.render_html("pdf/dossier.html", {**data, "generated": None}, "sv")
            return render.html_to_pdf_within(html, 30)  # the request path: in a child, with its time budget

        html = render.render_html("pdf/dossier.html", {**context.dossier(application, "sv"), "generated": None}, "sv")
        static = (ROOT / "webapp" / "static").as_uri() + "/"
        # The bare baseline gets the same stylesheet and fonts, by file: URLs (its own fetcher).
        css = (ROOT / "webapp/static/pdf/document.css").read_text(encoding="utf-8").replace(render.ASSET_BASE, static)
        (workdir / "document.css").write_text(css, encoding="utf-8")
        bare_html = html.replace(render.ASSET_BASE + "pdf/document.css", (workdir / "document.css").as_uri())
        bare_html = bare_html.replace(render.ASSET_BASE, static)

        def bare() -> bytes:
            return HTML(string=bare_html, base_url=static).write_pdf()

        pages = None
        through_grantpath(), bare()  # warm up fonts and caches for both alike
        ours, theirs = [], []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            pdf = through_grantpath()
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            bare()
            theirs.append(time.perf_counter() - start)
        import io

        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        ratio = statistics.median(ours) / statistics.median(theirs)

        client = app.test_client()
        sign_in_as(client, teacher)
        url = f"/applications/{application.id}/dossier.pdf"
        assert client.get(url).status_code == 200  # fills the cache
        cached = []
        for _ in range(20):
            start = time.perf_counter()
            response = client.get(url)
            cached.append(time.perf_counter() - start)
            assert response.status_code == 200
        cached_ms = statistics.median(cached) * 1000

        gc.collect()
        before = rss_mb()
        for _ in range(20):
            through_grantpath()
        gc.collect()
        growth = rss_mb() - before

    print(f"KA220-SCH demo dossier: {pages} pages")
    print(f"render through Grantpath: median {statistics.median(ours) * 1000:.0f} ms over {ROUNDS} rounds")
    print(f"same HTML, bare WeasyPrint: median {statistics.median(theirs) * 1000:.0f} ms over {ROUNDS} rounds")
    print(f"ratio Grantpath / bare: {ratio:.2f}  (goal <= {GOALS['ratio']})")
    print(
        f"cached re-download (whole request): median {cached_ms:.1f} ms over 20  (goal <= {GOALS['cached_ms']:.0f} ms)"
    )
    print(f"memory growth over 20 renders: {growth:+.1f} MB  (goal <= {GOALS['memory_mb']:.0f} MB)")
    missed = [
        name
        for name, value in (("ratio", ratio), ("cached_ms", cached_ms), ("memory_mb", growth))
        if value > GOALS[name]
    ]
    if missed:
        print("missed: " + ", ".join(missed))
        return 1
    print("all goals met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
