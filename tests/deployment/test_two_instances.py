"""Two gunicorn instances of Grantpath on two ports against one PostgreSQL database and one Redis,
as a deployment runs them: a person signs in through one and goes on through the other; two people
save the same section through the two, and the second save is refused as a conflict with its text
kept on the page; failed sign-ins through one count through the other."""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from flask_migrate import upgrade
from limits import parse_many
from sqlalchemy import create_engine, text

from support import TEST_PASSWORD, build_app, free_port
from webapp.applications import services as applications
from webapp.auth.models import Membership, Role, User
from webapp.auth.services import set_password
from webapp.extensions import db
from webapp.organisations.models import Organisation, School

ROOT = Path(__file__).resolve().parent.parent.parent
POSTGRES = os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1/test"
REDIS_URL = "redis://127.0.0.1:6379/14"
SECRET = "one-secret-for-every-instance"


@contextmanager
def own_schema():
    """A schema of its own in the machine's PostgreSQL, dropped afterwards."""
    schema = f"instances_{uuid.uuid4().hex[:8]}"
    engine = create_engine(POSTGRES)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES}{'&' if '?' in POSTGRES else '?'}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


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


@contextmanager
def instances(url: str, tmp_path: Path, count: int = 2):
    servers, bases = [], []
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "GRANTPATH_SECRET_KEY": SECRET,
        "GRANTPATH_WORKERS": "1",
        "GRANTPATH_SESSION_COOKIE_SECURE": "false",
        "GRANTPATH_REMEMBER_COOKIE_SECURE": "false",
    }
    env.pop("GRANTPATH_DATABASE_URL", None)
    try:
        for n in range(count):
            port = free_port()
            log = tmp_path / f"instance-{n}.log"
            with log.open("w") as out:
                servers.append(
                    subprocess.Popen(
                        [
                            str(Path(sys.executable).parent / "gunicorn"),
                            "-c",
                            "gunicorn.conf.py",
                            "--bind",
                            f"127.0.0.1:{port}",
                        ],
                        cwd=ROOT,
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
            bases.append(f"http://127.0.0.1:{port}")
            _wait_until_ready(bases[-1], servers[-1], log)
        yield bases
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


@pytest.fixture
def deployment(tmp_path):
    redis.Redis.from_url(REDIS_URL).flushdb()
    with own_schema() as url:
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
            application_id = application.id
            limit = parse_many(app.config["SIGNIN_LIMITS"])[0].amount
            db.session.remove()
            db.engine.dispose()
        with instances(url, tmp_path) as bases:
            yield bases, application_id, limit


def test_two_instances_share_sessions_saves_and_sign_in_limits(deployment):
    (one, two), application_id, limit = deployment

    elin = Browser()
    assert elin.sign_in(one, "elin@example.org") == 302
    assert elin.request(f"{two}/account")[0] == 200  # signed in through one, goes on through the other

    omar = Browser()
    assert omar.sign_in(two, "omar@example.org") == 302
    section = f"/applications/{application_id}/sections/description"
    token_elin, page = elin.csrf(one + section)
    token_omar, _ = omar.csrf(two + section)
    field = re.search(r'<textarea[^>]*name="([^"]+)"', page).group(1)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    saved = elin.request(one + section, {"csrf_token": token_elin, "version": version, field: "Elin's idea"})
    assert saved[0] == 302
    refused = omar.request(two + section, {"csrf_token": token_omar, "version": version, field: "Omar's idea"})
    assert refused[0] == 409 and "Omar&#39;s idea" in refused[1]  # not saved, and his text is on the page
    assert "Elin&#39;s idea" in omar.request(two + section)[1]  # what was saved first is what is stored

    attacker = Browser()
    for attempt in range(limit):
        assert attacker.sign_in(one if attempt % 2 else two, "elin@example.org", f"guess {attempt}") == 422
    assert attacker.sign_in(one, "elin@example.org", "one more") == 429
    assert attacker.sign_in(two, "elin@example.org", "and one more") == 429  # the limit holds on both
