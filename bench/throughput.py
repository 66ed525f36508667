"""Throughput benchmark: Grantpath served by gunicorn exactly as shipped (gunicorn.conf.py: its
workers, threads, keep-alive and max_requests) over the demo plus 10,000 applications on PostgreSQL,
loaded by a second process holding 32 keep-alive connections of the signed-in teacher. Measures, for
the minimal one-row route, the teacher's start page and one of the teacher's applications in turn,
the requests per second, the latency (p50, p99) and the errors (a status other than 200, or a
socket error), and the pages' requests per second against the minimal route's, all in this one run;
also how the workers' memory (VmRSS) changed over the run. Exits 1 when a goal is missed.

A fresh schema in postgresql://postgres@127.0.0.1/test (BENCH_DATABASE_URL for another database),
dropped afterwards. `make bench` runs it for 15 s a page; `make soak` for 600 s a page."""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import json
import os
import re
import resource
import runpy
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
# The benchmarks' own folder last: bench/docx.py must not stand in for python-docx (`import docx`).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"] + [str(ROOT / "bench")]

GOALS = {"application_ratio": 0.5, "start_ratio": 0.4, "p99_ms": 150.0, "rss_growth": 0.10}
DATABASE = "postgresql://postgres@127.0.0.1/test"
SCALE = 10_000
CONNECTIONS = 32
WARM_UP_SECONDS = 3.0
DURATION_SECONDS = 15.0
REQUEST_TIMEOUT = 30.0
TEACHER = "teacher@example.org"
SECRET = "throughput-bench-secret-key-of-enough-length"


# --- the load generator: a process of its own, so it does not share the server's interpreter ------


class Connection:
    """One HTTP/1.1 keep-alive connection. A GET sent on a connection the server has since closed
    (a worker retired after max_requests closes its idle ones) is sent again once on a new one, as
    browsers do with an idempotent request that got no byte of an answer."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None
        self.served = 0  # responses read on the current socket
        self.retries = 0

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None
        self.served = 0

    async def get(self, request: bytes) -> int:
        for attempt in range(2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            reused = self.served > 0
            try:
                self.writer.write(request)
                await self.writer.drain()
                head = await self.reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError) as exc:
                await self.close()
                nothing_read = not isinstance(exc, asyncio.IncompleteReadError) or not exc.partial
                if reused and nothing_read and attempt == 0:
                    self.retries += 1
                    continue
                raise
            return await self._rest(head)
        raise AssertionError("unreachable")

    async def _rest(self, head: bytes) -> int:
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if b":" in line:
                name, value = line.split(b":", 1)
                headers[name.strip().lower()] = value.strip().lower()
        if b"content-length" in headers:
            await self.reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding") == b"chunked":
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                await self.reader.readexactly(size + 2)
            while await self.reader.readuntil(b"\r\n") != b"\r\n":  # trailers, then the empty line
                pass
        else:
            await self.reader.read()  # the body runs to the end of the connection
            headers[b"connection"] = b"close"
        self.served += 1
        if headers.get(b"connection") == b"close":
            await self.close()
        return status


async def _hammer(host: str, port: int, request: bytes, seconds: float, results: dict | None) -> None:
    """One connection sending the request back to back for `seconds`; records each answer's status
    and latency in `results` (None: a warm-up, nothing recorded)."""
    loop = asyncio.get_running_loop()
    connection = Connection(host, port)
    deadline = loop.time() + seconds
    try:
        while loop.time() < deadline:
            started = loop.time()
            try:
                status = await asyncio.wait_for(connection.get(request), REQUEST_TIMEOUT)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError) as exc:
                await connection.close()
                if results is not None:
                    results["errors"][type(exc).__name__] += 1
                await asyncio.sleep(0.05)  # a server gone away is not asked thousands of times a second
                continue
            if results is not None:
                results["latencies"].append(loop.time() - started)
                results["statuses"][status] += 1
    finally:
        await connection.close()
        if results is not None:
            results["retries"] += connection.retries


async def _load(spec: dict) -> dict:
    """Warms every page up, says "measuring" on stdout, then measures each page in turn."""
    host, port = spec["host"], spec["port"]
    requests = {
        name: (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {spec['cookie']}\r\n"
            "Accept: text/html\r\nUser-Agent: grantpath-bench\r\n\r\n"
        ).encode()
        for name, path in spec["pages"]
    }
    for request in requests.values():
        await asyncio.gather(*(_hammer(host, port, request, spec["warm_up"], None) for _ in range(spec["connections"])))
    print("measuring", flush=True)
    report, cpu, measuring = {}, _cpu_seconds(), time.perf_counter()
    for name, request in requests.items():
        results = {"latencies": [], "statuses": Counter(), "errors": Counter(), "retries": 0}
        started = time.perf_counter()
        await asyncio.gather(
            *(_hammer(host, port, request, spec["duration"], results) for _ in range(spec["connections"]))
        )
        elapsed = time.perf_counter() - started
        latencies = sorted(results["latencies"])
        report[name] = {
            "requests": len(latencies),
            "per_second": len(latencies) / elapsed,
            "p50_ms": _percentile(latencies, 0.50) * 1000,
            "p99_ms": _percentile(latencies, 0.99) * 1000,
            "statuses": {str(status): n for status, n in results["statuses"].items()},
            "socket_errors": dict(results["errors"]),
            "retries": results["retries"],
        }
    # Whether the client, not the server, is the limit: the share of a core it used while measuring.
    report["client_share"] = (_cpu_seconds() - cpu) / (time.perf_counter() - measuring)
    return report


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _percentile(values: list[float], fraction: float) -> float:
    return values[min(len(values) - 1, int(fraction * len(values)))] if values else float("nan")


def client_main() -> int:
    """The load generator's process: reads what to load from stdin, answers JSON on its last line."""
    spec = json.loads(sys.stdin.read())
    print(json.dumps(asyncio.run(_load(spec))), flush=True)
    return 0


# --- the server, its data and its memory ---------------------------------------------------------


def own_schema(base: str):
    """A schema of its own in the PostgreSQL database at `base`, dropped afterwards."""
    from support import postgres_schema

    return postgres_schema(base, "throughput")


def load_data(url: str) -> tuple[int, int]:
    """The schema migrated, the demo and SCALE more applications in the demo municipality; answers
    how many applications there are and the id of one the teacher owns."""
    from flask_migrate import upgrade

    from support import build_app
    from webapp import demo
    from webapp.applications.models import Application
    from webapp.auth.models import User
    from webapp.demo import scale
    from webapp.extensions import db

    app = build_app(url, SERVER_NAME=None)
    with app.app_context():
        upgrade()
        organisation = demo.load()
        teacher = db.session.scalar(db.select(User).where(User.email == TEACHER))
        assert organisation.id in {m.organisation_id for m in teacher.memberships}, "the teacher is not Solna's"
        scale.add(organisation, SCALE)
        count = db.session.scalar(db.select(db.func.count()).select_from(Application))
        application_id = db.session.scalar(
            db.select(Application.id).where(Application.owner_id == teacher.id).order_by(Application.id).limit(1)
        )
        assert application_id is not None, "the demo teacher owns no application"
        db.session.remove()
        db.engine.dispose()
    return count, application_id


def worker_rss_kb(master: int) -> dict[int, int]:
    """VmRSS of each child of the gunicorn master, by pid."""
    workers = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = dict(line.split(":", 1) for line in (entry / "status").read_text().splitlines() if ":" in line)
        except OSError:  # gone meanwhile
            continue
        if int(fields.get("PPid", "0")) == master and "VmRSS" in fields:
            workers[int(entry.name)] = int(fields["VmRSS"].split()[0])
    return workers


class MemoryWatch(threading.Thread):
    """Samples the workers' memory every second: which workers there were, and the largest one."""

    def __init__(self, master: int):
        super().__init__(daemon=True)
        self.master, self.seen, self.peak_kb = master, set(), 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(1.0):
            workers = worker_rss_kb(self.master)
            self.seen.update(workers)
            self.peak_kb = max([self.peak_kb, *workers.values()])


@contextmanager
def gunicorn(url: str, log: Path):
    """gunicorn with the shipped gunicorn.conf.py, serving bench._served:app on a free port;
    answers the process and its base URL once /readyz answers 200. Always stopped afterwards."""
    from support import free_port

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "GRANTPATH_SECRET_KEY": SECRET,
        "GRANTPATH_SESSION_COOKIE_SECURE": "false",
        "GRANTPATH_REMEMBER_COOKIE_SECURE": "false",
        "GRANTPATH_BIND": f"127.0.0.1:{port}",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.pop("GRANTPATH_DATABASE_URL", None)
    base = f"http://127.0.0.1:{port}"
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "bench._served:app"]
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=10) as response:
                    if response.status == 200:
                        break
            except OSError:  # not listening yet, or its workers still starting
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn never became ready:\n{log.read_text()[-4000:]}")
            time.sleep(0.2)
        yield server, base
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class Browser:
    """The teacher's browser for signing in: cookies kept, redirects not followed."""

    class _Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), self._Stay)

    def request(self, url: str, form: dict | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(url, data=data, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode()

    def sign_in(self, base: str, email: str, password: str) -> str:
        """Signs in; answers the Cookie header the load generator sends."""
        status, page = self.request(f"{base}/sign-in")
        assert status == 200, ("sign-in page", status)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        status, _page = self.request(f"{base}/sign-in", {"csrf_token": token, "email": email, "password": password})
        assert status == 302, ("sign-in", status)
        cookies = {cookie.name: cookie.value for cookie in self.jar}
        assert "session" in cookies, cookies
        return f"session={cookies['session']}"


def run_load(base: str, cookie: str, pages: dict[str, str], duration: float, master: int) -> tuple[dict, dict]:
    """The load generator in a second process; answers its report and the workers' memory at the
    start of the measurement and at its end."""
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    spec = {
        "host": host,
        "port": port,
        "cookie": cookie,
        "pages": list(pages.items()),
        "warm_up": WARM_UP_SECONDS,
        "duration": duration,
        "connections": CONNECTIONS,
    }
    watch = MemoryWatch(master)
    client = subprocess.Popen(
        [sys.executable, __file__, "--client"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        client.stdin.write(json.dumps(spec))
        client.stdin.close()
        line = client.stdout.readline()
        assert line.strip() == "measuring", f"the load generator stopped before measuring: {line!r}"
        memory = {"start": worker_rss_kb(master)}
        watch.start()
        report = json.loads(client.stdout.readline())
        memory["end"] = worker_rss_kb(master)
        assert client.wait(timeout=60) == 0, "the load generator failed"
    finally:
        watch.done.set()
        if client.poll() is None:
            client.kill()
            client.wait()
    memory["seen"] = watch.seen | set(memory["start"]) | set(memory["end"])
    memory["peak_kb"] = max([watch.peak_kb, *memory["start"].values(), *memory["end"].values()])
    return report, memory


def main(duration: float) -> int:
    from sqlalchemy import create_engine, text

    from _baseline import BASELINE_URL
    from webapp.demo import DEMO_PASSWORD

    base_url = os.environ.get("BENCH_DATABASE_URL") or DATABASE
    if not base_url.startswith("postgresql"):
        print(f"needs PostgreSQL (BENCH_DATABASE_URL={base_url!r})")
        return 1
    try:
        probe = create_engine(base_url)
        with probe.connect() as conn:
            conn.execute(text("SELECT 1"))
        probe.dispose()
    except Exception as exc:  # any reason the database cannot be reached, reported as is
        print(f"PostgreSQL at {base_url} cannot be reached: {exc}")
        return 1

    load = os.getloadavg()
    log = Path(tempfile.mkdtemp(prefix="grantpath-throughput-")) / "gunicorn.log"
    with own_schema(base_url) as url:
        started = time.perf_counter()
        count, application_id = load_data(url)
        loaded = time.perf_counter() - started
        pages = {"minimal": BASELINE_URL, "start": "/", "application": f"/applications/{application_id}"}
        with gunicorn(url, log) as (server, base):
            browser = Browser()
            cookie = browser.sign_in(base, TEACHER, DEMO_PASSWORD)
            for path in pages.values():
                status, _page = browser.request(base + path)
                assert status == 200, (path, status)
            report, memory = run_load(base, cookie, pages, duration, server.pid)

    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))  # as gunicorn reads it, environment and all
    print(
        f"{count:,} applications (the demo and {SCALE:,} more) on PostgreSQL, loaded in {loaded:.0f} s; "
        f"gunicorn {settings['worker_class']}, {settings['workers']} workers x {settings['threads']} threads, "
        f"max_requests {settings['max_requests']}; {CONNECTIONS} keep-alive connections from another process, "
        f"{duration:g} s a page after {WARM_UP_SECONDS:g} s of warm-up each"
    )
    print(
        f"the load generator used {report['client_share']:.0%} of a core; load average {load[0]:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores (other work on the machine lowers every figure)"
    )
    missed = []
    minimal = report["minimal"]["per_second"]
    for name, path in pages.items():
        page = report[name]
        errors = sum(n for status, n in page["statuses"].items() if status != "200")
        errors += sum(page["socket_errors"].values())
        line = (
            f"{name} {path}: {page['per_second']:.0f} requests/s ({page['requests']:,}), "
            f"p50 {page['p50_ms']:.1f} ms, p99 {page['p99_ms']:.1f} ms (goal < {GOALS['p99_ms']:g}), "
            f"{errors} errors"
        )
        if errors:
            line += f" {page['statuses']} {page['socket_errors']}"
        if page["retries"]:
            line += f", {page['retries']} resent on a new connection after the server closed one"
        goal = GOALS.get(f"{name}_ratio")
        if goal is not None:
            ratio = page["per_second"] / minimal
            line += f"; {ratio:.2f} of the minimal route's requests/s (goal >= {goal})"
            if ratio < goal:
                missed.append(f"{name} page's ratio")
        print(line)
        if errors:
            missed.append(f"errors on the {name} page")
        if not page["p99_ms"] < GOALS["p99_ms"]:
            missed.append(f"p99 of the {name} page")

    start_mb, end_mb = sum(memory["start"].values()) / 1024, sum(memory["end"].values()) / 1024
    growth = end_mb / start_mb - 1
    replaced = len(memory["seen"]) - len(memory["start"])
    print(
        f"workers' RSS: {start_mb:.0f} MB over {len(memory['start'])} at the start, {end_mb:.0f} MB over "
        f"{len(memory['end'])} at the end ({growth:+.1%}, goal < {GOALS['rss_growth']:.0%}); largest worker "
        f"{memory['peak_kb'] / 1024:.0f} MB; {replaced} workers replaced on the way (max_requests)"
    )
    if growth >= GOALS["rss_growth"]:
        missed.append("RSS growth")
    if missed:
        print("missed: " + ", ".join(missed))
        print(f"gunicorn's log: {log}")
        return 1
    log.unlink()
    log.parent.rmdir()
    print("all goals met")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=DURATION_SECONDS, help="seconds measured per page")
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    sys.exit(client_main() if arguments.client else main(arguments.duration))
