"""Shared fixtures: one app and schema per test session, an empty database for every test,
factories for the objects tests need, and guards against real mail and network use."""

from __future__ import annotations

import smtplib
import socket

import pytest

from support import ROOT, TEST_PASSWORD, build_app, database_url, empty_tables, reset_schema, sign_in_as  # noqa: F401
from webapp.applications import services as application_services
from webapp.auth import services as accounts
from webapp.auth.models import Membership, Role, User
from webapp.extensions import db as _db
from webapp.extensions import limiter
from webapp.organisations.models import Organisation, School
from webapp.partners.models import Partner, PartnerStatus


@pytest.fixture(scope="session")
def db_url(tmp_path_factory):
    return database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def app(db_url):
    app = build_app(db_url)
    reset_schema(app)
    yield app
    with app.app_context():  # closes pooled connections before interpreter exit warns about them
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(request, app):
    """Every test starts with empty tables, an empty outbox and fresh sign-in limits."""
    ctx = app.app_context()
    ctx.push()
    app.extensions["mail_outbox"] = []
    limiter.reset()
    yield
    _db.session.remove()
    ctx.pop()
    if "live_server" not in request.fixturenames:
        empty_tables(app)


@pytest.fixture(autouse=True)
def _no_real_mail_or_network(monkeypatch):
    def refuse_smtp(*args, **kwargs):
        raise AssertionError("a test tried to send real mail")

    monkeypatch.setattr(smtplib, "SMTP", refuse_smtp)
    real_connect = socket.socket.connect

    def loopback_only(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("/"):
            raise AssertionError(f"a test tried to reach {host}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", loopback_only)


@pytest.fixture
def outbox(app):
    return app.extensions["mail_outbox"]


@pytest.fixture
def db():
    return _db


class Factory:
    """Builds organisations, schools, users and applications with sensible defaults."""

    def __init__(self):
        self.count = 0

    def _n(self) -> int:
        self.count += 1
        return self.count

    def organisation(self, name=None, **kw) -> Organisation:
        org = Organisation(name=name or f"Kommun {self._n()}", **kw)
        _db.session.add(org)
        _db.session.flush()
        return org

    def school(self, organisation=None, name=None, **kw) -> School:
        n = self._n()
        school = School(
            organisation=organisation or self.organisation(),
            name=name or f"Skola {n}",
            city=kw.pop("city", "Solna"),
            country=kw.pop("country", "SE"),
            oid=kw.pop("oid", f"E{10000000 + n}"),
            **kw,
        )
        _db.session.add(school)
        _db.session.flush()
        return school

    def user(
        self,
        role: Role | str = Role.TEACHER,
        *,
        school=None,
        organisation=None,
        email=None,
        password=None,
        name=None,
        language="sv",
        active=True,
    ) -> User:
        role = Role(role)
        n = self._n()
        if role.needs_school and school is None:
            school = self.school(organisation)
        organisation = organisation or (school.organisation if school else self.organisation())
        user = User(
            email=email or f"person{n}@example.org", name=name or f"Person {n}", language=language, active=active
        )
        if password:
            accounts.set_password(user, password)
        user.memberships.append(
            Membership(organisation=organisation, school=school if role.needs_school else None, role=role)
        )
        _db.session.add(user)
        _db.session.flush()
        return user

    def application(
        self, school=None, owner=None, action_key="KA210-SCH", call_round="2027-R1", title=None, team=(), **kw
    ):
        school = school or self.school()
        owner = owner or self.user(Role.TEACHER, school=school)
        application = application_services.create(
            owner, school, action_key, call_round, title or f"Projekt {self._n()}"
        )
        for member in team:
            application.team.append(member)
        for key, value in kw.items():
            setattr(application, key, value)
        _db.session.flush()
        return application

    def partner(self, application, name=None, country="DK", status=PartnerStatus.CONFIRMED, **kw) -> Partner:
        partner = Partner(
            application=application, name=name or f"Partnerskola {self._n()}", country=country, status=status, **kw
        )
        _db.session.add(partner)
        _db.session.flush()
        return partner


@pytest.fixture
def make():
    return Factory()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(client):
    def _login(user):
        sign_in_as(client, user)
        return client

    return _login
