"""What the deployment tests share: a schema of its own in the machine's PostgreSQL, a browser that
keeps cookies and signs in with the CSRF token, and gunicorn instances started with the
repository's gunicorn.conf.py, each waited for on /readyz."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from flask_migrate import upgrade
from limits import parse_many

from support import TEST_PASSWORD, build_app, free_port, postgres_schema
from webapp.applications import services as applications
from webapp.auth.models import Membership, Role, User
from webapp.auth.services import set_password
from webapp.extensions import db
from webapp.organisations.models import Organisation, School

ROOT = Path(__file__).resolve().parent.parent.parent
POSTGRES = os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1/test"
SECRET = "one-secret-for-every-instance"


def own_schema():
    """A schema of its own in the machine's PostgreSQL, dropped afterwards."""
    return postgres_schema(POSTGRES, "instances")


class Browser:
    """A person's browser: cookies kept, redirects not followed."""

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

    def csrf(self, url: str) -> tuple[str, str]:
        status, page = self.request(url)
        assert status == 200, (url, status)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1), page

    def sign_in(self, base: str, email: str, password: str = TEST_PASSWORD) -> int:
        token, _page = self.csrf(f"{base}/sign-in")
        return self.request(f"{base}/sign-in", {"csrf_token": token, "email": email, "password": password})[0]


def _wait_until_ready(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=10) as response:
                if response.status == 200:
                    return
        except OSError:  # not listening yet, or its worker still starting
            time.sleep(0.2)
    raise AssertionError(f"{base} never became ready:\n{log.read_text()}")


def start(url: str, log: Path, port: int, **env_extra) -> subprocess.Popen:
    """One gunicorn instance in a process group of its own (so that it can be killed whole)."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "GRANTPATH_SECRET_KEY": SECRET,
        "GRANTPATH_WORKERS": "1",
        "GRANTPATH_SESSION_COOKIE_SECURE": "false",
        "GRANTPATH_REMEMBER_COOKIE_SECURE": "false",
        **env_extra,
    }
    env.pop("GRANTPATH_DATABASE_URL", None)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    with log.open("a") as out:
        server = subprocess.Popen(
            [gunicorn, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _wait_until_ready(f"http://127.0.0.1:{port}", server, log)
    return server


def kill(server: subprocess.Popen) -> None:
    """SIGKILL to the master and every worker at once, as a crash would."""
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@contextmanager
def instances(url: str, tmp_path: Path, count: int = 2, **env_extra):
    """`count` instances on ports of their own; their base URLs."""
    servers, bases = [], []
    try:
        for n in range(count):
            port = free_port()
            servers.append(start(url, tmp_path / f"instance-{n}.log", port, **env_extra))
            bases.append(f"http://127.0.0.1:{port}")
        yield bases
    finally:
        for server in servers:
            stop(server)


def seed(url: str) -> tuple[int, int]:
    """Migrates the database at `url` and adds a school with two teachers, Elin and Omar, and
    Elin's KA210 application that Omar co-writes; its id, and how many failed sign-ins are allowed."""
    app = build_app(url)
    with app.app_context():
        upgrade()
        organisation = Organisation(name="Solna stad")
        school = School(organisation=organisation, name="Bergshamraskolan", city="Solna")
        people = []
        for email, name in (("elin@example.org", "Elin Lindqvist"), ("omar@example.org", "Omar Haddad")):
            user = User(email=email, name=name, language="en")
            set_password(user, TEST_PASSWORD)
            user.memberships.append(Membership(organisation=organisation, school=school, role=Role.TEACHER))
            people.append(user)
        db.session.add_all([organisation, school, *people])
        db.session.flush()
        application = applications.create(people[0], school, "KA210-SCH", "2027-R1", "Läsglädje")
        application.team.append(people[1])
        db.session.commit()
        found = application.id, parse_many(app.config["SIGNIN_LIMITS"])[0].amount
        db.session.remove()
        db.engine.dispose()
    return found
