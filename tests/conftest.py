"""Shared fixtures: one app and schema per test session, an empty database for every test,
factories for the objects tests need, and guards against real mail and network use."""
from __future__ import annotations

import os
import socket
import smtplib
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

from webapp import create_app
from webapp.applications import services as application_services
from webapp.auth import services as accounts
from webapp.auth.models import Membership, Role, User
from webapp.extensions import db as _db
from webapp.extensions import limiter
from webapp.organisations.models import Organisation, School

TEST_PASSWORD = "correct horse battery"


def database_url(tmp_path_factory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


def test_config(url: str, **extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-of-enough-length",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "MAIL_BACKEND": "memory",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": "grantpath.test",
    }
    config.update(extra)
    return config


def reset_schema(app) -> None:
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            with _db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))
        else:
            _db.drop_all()
            with _db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        _db.create_all()


def empty_tables(app) -> None:
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in reversed(_db.metadata.sorted_tables):
                    conn.execute(table.delete())


@pytest.fixture(scope="session")
def db_url(tmp_path_factory):
    return database_url(tmp_path_factory)


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context and database session, as in production: the test's
    own session commits first (so the request sees its data) and is expired after (so the test sees
    what the request changed)."""

    def open(self, *args, **kwargs):
        if has_app_context():
            _db.session.commit()
        ctx = self.application.app_context()
        ctx.push()
        try:
            return super().open(*args, **kwargs)
        finally:
            ctx.pop()
            if has_app_context():
                _db.session.expire_all()


def build_app(url: str, **extra):
    app = create_app(test_config(url, **extra))
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="session")
def app(db_url):
    app = build_app(db_url)
    reset_schema(app)
    return app


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

    def user(self, role: Role | str = Role.TEACHER, *, school=None, organisation=None, email=None,
             password=None, name=None, language="sv", active=True) -> User:
        role = Role(role)
        n = self._n()
        if role.needs_school and school is None:
            school = self.school(organisation)
        organisation = organisation or (school.organisation if school else self.organisation())
        user = User(email=email or f"person{n}@example.org", name=name or f"Person {n}", language=language, active=active)
        if password:
            accounts.set_password(user, password)
        user.memberships.append(Membership(organisation=organisation, school=school if role.needs_school else None, role=role))
        _db.session.add(user)
        _db.session.flush()
        return user

    def application(self, school=None, owner=None, action_key="KA210-SCH", call_round="2027-R1", title=None, team=(), **kw):
        school = school or self.school()
        owner = owner or self.user(Role.TEACHER, school=school)
        application = application_services.create(owner, school, action_key, call_round, title or f"Projekt {self._n()}")
        for member in team:
            application.team.append(member)
        for key, value in kw.items():
            setattr(application, key, value)
        _db.session.flush()
        return application


@pytest.fixture
def make():
    return Factory()


@pytest.fixture
def client(app):
    return app.test_client()


def sign_in_as(client, user) -> None:
    """Signs a test client in without a password round-trip (the sign-in form has its own tests)."""
    _db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


@pytest.fixture
def login(client):
    def _login(user):
        sign_in_as(client, user)
        return client

    return _login


ROOT = Path(__file__).resolve().parent.parent
