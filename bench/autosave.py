"""Autosave benchmark: 32 teachers, each signed in with the real sign-in form and writing an
application of their own, autosave one section of it back to back for 60 s, exactly as the editor's
script does (static/js/app.js `setUpAutosave`: the form's fields as multipart form data with
`action=save`, the section's `version`, X-Autosave: 1, and the new version taken from the JSON
answer), new text every time. Grantpath is served by gunicorn exactly as shipped (gunicorn.conf.py)
and loaded by a second process on 127.0.0.1. Measures the saves per second and the latency of a
save (p50, p99), against the minimal one-row route's requests per second under the same server in
the same run; counts the errors (a status other than 200, a conflict, although each writer owns its
section, a socket error or a timeout); then checks in the database that no save was lost: each
acknowledged save is a stored version (SectionVersion) with the text it sent, there are no more
versions than acknowledged saves, and each writer's last acknowledged text is the section's text.
Exits 1 on any error or lost save.

A fresh SQLite file by default; BENCH_DATABASE_URL for PostgreSQL (a schema of its own there,
dropped afterwards). `make bench` runs it for 60 s; `make soak` for 600 s; `--seconds N` for N."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections import Counter
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
# The benchmarks' own folder last: bench/docx.py must not stand in for python-docx (`import docx`).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"] + [str(ROOT / "bench")]

from throughput import (  # noqa: E402
    REQUEST_TIMEOUT,
    Browser,
    Connection,
    MemoryWatch,
    _cpu_seconds,
    _hammer,
    _percentile,
    gunicorn,
    worker_rss_kb,
)

WRITERS = 32
SECONDS = 60.0
BASELINE_SECONDS = 15.0  # the minimal route, at most this long (or --seconds, when shorter)
WARM_UP_SECONDS = 3.0
ACTION, ROUND = "KA210-SCH", "2027-R1"
SECTION, FIELD = "needs", "need"  # the section each writer autosaves, and the field whose text changes
PASSWORD = "autosave-bench-password"


# --- the load generator: a process of its own ----------------------------------------------------


class Answering(Connection):
    """A keep-alive connection that keeps each answer's body (throughput.Connection reads it away).
    A request sent on a connection the server had closed unread is sent again once on a new one;
    a save the server had in fact stored would come back as a conflict, and be counted."""

    async def _rest(self, head: bytes) -> tuple[int, bytes]:
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if b":" in line:
                name, value = line.split(b":", 1)
                headers[name.strip().lower()] = value.strip().lower()
        if b"content-length" in headers:
            body = await self.reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding") == b"chunked":
            parts = []
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append((await self.reader.readexactly(size + 2))[:-2])
            while await self.reader.readuntil(b"\r\n") != b"\r\n":
                pass
            body = b"".join(parts)
        else:
            body = await self.reader.read()
            headers[b"connection"] = b"close"
        self.served += 1
        if headers.get(b"connection") == b"close":
            await self.close()
        return status, body


def _multipart(fields: dict[str, str]) -> tuple[str, bytes]:
    """The fields as the browser's FormData sends them."""
    boundary = f"----grantpath{uuid.uuid4().hex}"
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
        for name, value in fields.items()
    )
    return boundary, body + f"--{boundary}--\r\n".encode()


class Writer:
    """One teacher's editor: its own connection, the version of its last acknowledged save, and
    every save the server acknowledged (version, text)."""

    def __init__(self, number: int, spec: dict, host: str, port: int):
        self.number, self.host, self.port = number, host, port
        self.cookie, self.path, self.fields, self.version = (
            spec["cookie"],
            spec["path"],
            spec["fields"],
            spec["version"],
        )
        self.connection = Answering(host, port)
        self.sent = 0
        self.acknowledged: list[tuple[int, str]] = []

    def _save_request(self, text: str) -> bytes:
        fields = {**self.fields, FIELD: text, "version": str(self.version), "action": "save"}
        boundary, body = _multipart(fields)
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nCookie: {self.cookie}\r\n"
            f"X-Autosave: 1\r\nAccept: application/json\r\nUser-Agent: grantpath-bench\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body

    async def _resync(self) -> None:
        """After a failed save, the stored version read from the section's page, as a reload would."""
        request = (
            f"GET {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nCookie: {self.cookie}\r\n"
            "Accept: text/html\r\nUser-Agent: grantpath-bench\r\n\r\n"
        ).encode()
        try:
            status, body = await asyncio.wait_for(self.connection.get(request), REQUEST_TIMEOUT)
            if status == 200:
                self.version = int(_form_fields(body.decode())["version"])
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError, KeyError):
            await self.connection.close()

    async def run(self, seconds: float, results: dict) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while loop.time() < deadline:
            self.sent += 1
            text = " ".join(
                [f"Behovet, version {self.sent} av skribent {self.number}:", *["mer text"] * (self.sent % 40)]
            )
            started = loop.time()
            try:
                status, body = await asyncio.wait_for(self.connection.get(self._save_request(text)), REQUEST_TIMEOUT)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError) as exc:
                await self.connection.close()
                results["errors"][type(exc).__name__] += 1
                await asyncio.sleep(0.05)
                await self._resync()
                continue
            elapsed = loop.time() - started
            answer = json.loads(body) if body.startswith(b"{") else {}
            if status == 200 and answer.get("status") == "saved":
                if answer["version"] != self.version + 1:
                    results["errors"][f"version {self.version} answered {answer['version']}"] += 1
                self.version = answer["version"]
                self.acknowledged.append((self.version, text))
                results["latencies"].append(elapsed)
            else:
                results["errors"]["conflict" if status == 409 else f"status {status}"] += 1
                await self._resync()

    async def close(self) -> int:
        """Closes the connection; answers how many requests were sent again on a new one."""
        await self.connection.close()
        return self.connection.retries


def _new_results() -> dict:
    return {"latencies": [], "statuses": Counter(), "errors": Counter(), "retries": 0}


def _summary(results: dict, elapsed: float) -> dict:
    latencies = sorted(results["latencies"])
    return {
        "count": len(latencies),
        "per_second": len(latencies) / elapsed,
        "p50_ms": _percentile(latencies, 0.50) * 1000,
        "p99_ms": _percentile(latencies, 0.99) * 1000,
        "max_ms": (latencies[-1] if latencies else float("nan")) * 1000,
        "statuses": {str(status): n for status, n in results["statuses"].items()},
        "errors": dict(results["errors"]),
        "retries": results["retries"],
    }


async def _load(spec: dict) -> dict:
    """The minimal route (warm-up, then measured), then the writers (warm-up, then measured)."""
    host, port = spec["host"], spec["port"]
    cookies = [writer["cookie"] for writer in spec["writers"]]
    minimal = [
        (
            f"GET {spec['baseline']} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
            "Accept: text/html\r\nUser-Agent: grantpath-bench\r\n\r\n"
        ).encode()
        for cookie in cookies
    ]
    await asyncio.gather(*(_hammer(host, port, request, spec["warm_up"], None) for request in minimal))
    results, started = _new_results(), time.perf_counter()
    await asyncio.gather(*(_hammer(host, port, request, spec["baseline_seconds"], results) for request in minimal))
    report = {"minimal": _summary(results, time.perf_counter() - started)}

    writers = [Writer(n + 1, writer, host, port) for n, writer in enumerate(spec["writers"])]
    warm_up = _new_results()  # its saves are checked in the database too; its latencies are not reported
    await asyncio.gather(*(writer.run(spec["warm_up"], warm_up) for writer in writers))
    results, cpu, started = _new_results(), _cpu_seconds(), time.perf_counter()
    await asyncio.gather(*(writer.run(spec["seconds"], results) for writer in writers))
    elapsed = time.perf_counter() - started
    for writer in writers:
        results["retries"] += await writer.close()
    report["saves"] = _summary(results, elapsed)
    report["saves"]["warm_up_errors"] = dict(warm_up["errors"])
    report["client_share"] = (_cpu_seconds() - cpu) / elapsed
    report["acknowledged"] = [writer.acknowledged for writer in writers]
    return report


def client_main() -> int:
    """The load generator's process: reads what to load from stdin, answers JSON on its last line."""
    spec = json.loads(sys.stdin.read())
    print(json.dumps(asyncio.run(_load(spec))), flush=True)
    return 0


# --- the server's data, the writers' forms, and the check afterwards -----------------------------


class _SectionForm(HTMLParser):
    """The fields of the page's section form, as FormData reads them (inputs and textareas; the
    buttons are left out, `action` is set by the script)."""

    def __init__(self):
        super().__init__()
        self.fields, self.inside, self.textarea = {}, False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "section-form" in (attrs.get("class") or "").split():
            self.inside = True
        elif self.inside and tag == "input" and attrs.get("name"):
            if attrs.get("type") not in {"submit", "button", "checkbox", "radio"} or "checked" in attrs:
                self.fields[attrs["name"]] = attrs.get("value") or ""
        elif self.inside and tag == "textarea" and attrs.get("name"):
            self.textarea = attrs["name"]
            self.fields[self.textarea] = ""
        elif self.inside and tag == "select":
            raise ValueError("the bench's section has no lists to choose from")

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False


def _form_fields(page: str) -> dict[str, str]:
    parser = _SectionForm()
    parser.feed(page)
    return parser.fields


@contextmanager
def database(work: Path):
    """The database the run uses: a fresh SQLite file in `work`, or a schema of its own on
    PostgreSQL (BENCH_DATABASE_URL), dropped afterwards."""
    base = os.environ.get("BENCH_DATABASE_URL")
    if base and base.startswith("postgresql"):
        from support import postgres_schema

        with postgres_schema(base, "autosave") as url:
            yield url, "PostgreSQL"
    elif base:
        yield base, base.split(":")[0]
    else:
        yield f"sqlite:///{work / 'autosave.sqlite'}", "SQLite"


def load_data(url: str) -> list[tuple[str, int]]:
    """The schema migrated; one municipality, one school, WRITERS teachers each with an application
    of their own made by the app's service. Answers (email, application id) per teacher."""
    from flask_migrate import upgrade

    from support import build_app
    from webapp.applications import services as applications
    from webapp.auth import services as accounts
    from webapp.auth.models import Membership, Role, User
    from webapp.extensions import db
    from webapp.organisations.models import Organisation, School

    app = build_app(url, SERVER_NAME=None)
    with app.app_context():
        upgrade()
        organisation = Organisation(name="Solna stad", country="SE")
        school = School(organisation=organisation, name="Solna Gymnasium", city="Solna", country="SE")
        db.session.add_all([organisation, school])
        writers, password_hash = [], None
        for n in range(1, WRITERS + 1):
            user = User(email=f"writer{n:02}@example.org", name=f"Skribent {n}", language="sv")
            if password_hash is None:  # argon2 takes its time on purpose: hashed once, shared
                accounts.set_password(user, PASSWORD)
                password_hash = user.password_hash
            user.password_hash = password_hash
            user.memberships.append(Membership(organisation=organisation, role=Role.TEACHER, school=school))
            db.session.add(user)
            db.session.flush()
            application = applications.create(user, school, ACTION, ROUND, f"Autosparat projekt {n}")
            writers.append((user.email, application.id))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return writers


def check_saves(url: str, writers: list[tuple[str, int]], acknowledged: list[list]) -> dict:
    """What the database holds against what the server acknowledged, per writer."""
    from support import build_app
    from webapp.extensions import db
    from webapp.sections.models import SectionAnswer, SectionVersion

    found = Counter()
    app = build_app(url, SERVER_NAME=None)
    with app.app_context():
        for (_email, application_id), acks in zip(writers, acknowledged, strict=True):
            stored = {
                version.version: version.data.get(FIELD)
                for version in db.session.scalars(
                    db.select(SectionVersion).filter_by(application_id=application_id, section_key=SECTION)
                )
            }
            answer = db.session.scalar(
                db.select(SectionAnswer).filter_by(application_id=application_id, section_key=SECTION)
            )
            found["acknowledged"] += len(acks)
            found["versions"] += len(stored)
            found["lost"] += sum(1 for version, text in acks if stored.get(version) != text)
            found["unacknowledged"] += len(set(stored) - {version for version, _text in acks})
            last = acks[-1] if acks else (0, None)
            current = (answer.version, answer.data.get(FIELD)) if answer else (0, None)
            found["last_not_stored"] += tuple(last) != current
        db.session.remove()
        db.engine.dispose()
    return found


def run_load(base: str, spec: dict) -> dict:
    parts = urllib.parse.urlsplit(base)
    spec = {**spec, "host": parts.hostname, "port": parts.port}
    client = subprocess.run(
        [sys.executable, __file__, "--client"], input=json.dumps(spec), capture_output=True, text=True, check=False
    )
    assert client.returncode == 0, f"the load generator failed:\n{client.stderr[-4000:]}"
    return json.loads(client.stdout.splitlines()[-1])


def main(seconds: float) -> int:
    from _baseline import BASELINE_URL

    load = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="grantpath-autosave-"))
    log = work / "gunicorn.log"
    with database(work) as (url, kind):
        writers = load_data(url)
        with gunicorn(url, log) as (server, base):
            specs = []
            for email, application_id in writers:
                browser = Browser()
                browser.sign_in(base, email, PASSWORD)
                path = f"/applications/{application_id}/sections/{SECTION}"
                status, page = browser.request(base + path)
                assert status == 200, (path, status)
                # the session as the page left it: it holds the form's CSRF secret
                cookie = "; ".join(f"{c.name}={c.value}" for c in browser.jar if c.name == "session")
                fields = _form_fields(page)
                assert FIELD in fields and "version" in fields and "csrf_token" in fields, sorted(fields)
                specs.append({"cookie": cookie, "path": path, "fields": fields, "version": int(fields["version"])})
            spec = {
                "writers": specs,
                "baseline": BASELINE_URL,
                "warm_up": WARM_UP_SECONDS,
                "baseline_seconds": min(seconds, BASELINE_SECONDS),
                "seconds": seconds,
            }
            watch = MemoryWatch(server.pid)  # which workers served the run: one replaced pauses every writer
            first = set(worker_rss_kb(server.pid))
            watch.start()
            try:
                report = run_load(base, spec)
            finally:
                watch.done.set()
            replaced = len(watch.seen - first)
        found = check_saves(url, writers, report["acknowledged"])

    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    minimal, saves = report["minimal"], report["saves"]
    print(
        f"{WRITERS} teachers on {kind}, each autosaving the section {SECTION!r} of an application of their own "
        f"({ACTION}) back to back; gunicorn {settings['worker_class']}, {settings['workers']} workers x "
        f"{settings['threads']} threads, max_requests {settings['max_requests']}; {WRITERS} keep-alive connections "
        f"from another process, {seconds:g} s after {WARM_UP_SECONDS:g} s of warm-up"
    )
    print(
        f"the load generator used {report['client_share']:.0%} of a core; load average {load[0]:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores (other work on the machine lowers every figure)"
    )
    minimal_errors = sum(n for status, n in minimal["statuses"].items() if status != "200")
    minimal_errors += sum(minimal["errors"].values())
    print(
        f"minimal route {BASELINE_URL}: {minimal['per_second']:.0f} requests/s ({minimal['count']:,} over "
        f"{spec['baseline_seconds']:g} s), p50 {minimal['p50_ms']:.1f} ms, p99 {minimal['p99_ms']:.1f} ms, "
        f"{minimal_errors} errors"
    )
    errors = {**Counter(saves["errors"]) + Counter(saves["warm_up_errors"])}
    line = (
        f"saves: {saves['per_second']:.0f}/s ({saves['count']:,}), p50 {saves['p50_ms']:.1f} ms, "
        f"p99 {saves['p99_ms']:.1f} ms, max {saves['max_ms']:.0f} ms; "
        f"{saves['per_second'] / minimal['per_second']:.2f} of the minimal route's requests/s; "
        f"{sum(errors.values())} errors{' ' + str(errors) if errors else ''}"
    )
    if replaced:
        line += f"; {replaced} workers replaced on the way (max_requests)"
    if saves["retries"]:
        line += f", {saves['retries']} sent again on a new connection after the server closed one"
    print(line)
    print(
        f"database: {found['acknowledged']:,} saves acknowledged (warm-up included), {found['versions']:,} versions "
        f"stored, {found['lost']} lost, {found['unacknowledged']} stored but never acknowledged; "
        f"{found['last_not_stored']} writers whose last acknowledged text is not the section's"
    )
    missed = []
    if errors or minimal_errors:
        missed.append("errors")
    if found["lost"] or found["last_not_stored"] or found["versions"] != found["acknowledged"]:
        missed.append("lost saves")
    if missed:
        print("missed: " + ", ".join(missed))
        print(f"gunicorn's log: {log}")
        return 1
    shutil.rmtree(work)
    print("all goals met")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=SECONDS, help="seconds the writers save")
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    sys.exit(client_main() if arguments.client else main(arguments.seconds))
