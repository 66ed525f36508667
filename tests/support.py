"""Helpers shared by the test conftests: test configuration, isolated clients, schema handling."""

from __future__ import annotations

import email
import email.policy
import os
import smtplib
import socket
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from webapp import create_app
from webapp.extensions import db as _db

ROOT = Path(__file__).resolve().parent.parent

REAL_SMTP = smtplib.SMTP  # taken before the suite's guard replaces it per test

TEST_PASSWORD = "correct horse battery"

#: Every programme action of workflows/, written out (a test in each user compares it with the registry).
ACTIONS = [
    "KA120-SCH",
    "KA121-SCH",
    "KA122-SCH",
    "KA210-SCH",
    "KA220-SCH",
    "KA240-SCH",
    "NPJ-DEVELOPMENT",
    "NPJ-MOBILITY",
    "NPJ-NETWORK",
    "NPJ-PREPARATORY-VISIT",
]


def database_url(tmp_path_factory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


def config_for_tests(url: str, **extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-of-enough-length",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "MAIL_BACKEND": "memory",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        # TEST_REDIS_URL (redis://127.0.0.1:6379/15 in .ci/run) runs the rate limits on Redis, as in production.
        "RATELIMIT_STORAGE_URI": os.environ.get("TEST_REDIS_URL") or "memory://",
        "SERVER_NAME": "grantpath.test",
        "PUBLIC_URL": "http://grantpath.test",
        "FILE_STORAGE_DIR": tempfile.mkdtemp(prefix="grantpath-files-"),
        "PDF_WAIT_SECONDS": 60,  # a busy test machine still gets its PDF in the request (tests/pdf waits less)
    }
    config.update(extra)
    return config


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
            # Read whole and closed, as a server closes every response: what runs on close (the
            # outbox's delivery) has run when the test looks.
            kwargs.setdefault("buffered", True)
            return super().open(*args, **kwargs)
        finally:
            ctx.pop()
            if has_app_context():
                _db.session.expire_all()


def build_app(url: str, **extra):
    app = create_app(config_for_tests(url, **extra))
    app.test_client_class = IsolatedClient
    return app


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


def sign_in_as(client, user) -> None:
    """Signs a test client in without a password round-trip (the sign-in form has its own tests)."""
    _db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def insert_one_application(conn, call_year_column: str = "call_year") -> None:
    """Rows for migration tests, written with SQL at an older revision: organisation 1, school 1,
    user 1 and application 1 (KA210-SCH, call year 2027). Before 0003 the column was workflow_version."""
    now = "CURRENT_TIMESTAMP"
    conn.execute(
        text(
            f"INSERT INTO organisation (id, name, kind, country, created_at, updated_at) "
            f"VALUES (1, 'Solna', 'municipality', 'SE', {now}, {now})"
        )
    )
    conn.execute(
        text(
            f"INSERT INTO school (id, organisation_id, name, city, country, address, created_at, updated_at) "
            f"VALUES (1, 1, 'Skola', 'Solna', 'SE', '', {now}, {now})"
        )
    )
    conn.execute(
        text(
            f'INSERT INTO "user" (id, email, name, language, active, created_at, updated_at) '
            f"VALUES (1, 'a@example.org', 'A', 'sv', true, {now}, {now})"
        )
    )
    conn.execute(
        text(
            f"INSERT INTO application (id, school_id, action_key, title, stage, status, owner_id, call_round, "
            f"{call_year_column}, version, created_at, updated_at) VALUES (1, 1, 'KA210-SCH', 'T', 'idea', "
            f"'draft', 1, '2027-R1', 2027, 1, {now}, {now})"
        )
    )


class Inbox:
    """What a real SMTP server (aiosmtpd on the loopback) received: each message's envelope
    recipients with its text, and the same messages parsed by the email package."""

    def __init__(self):
        self.messages: list[tuple[list[str], str]] = []
        self.parsed: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        self.parsed.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server(port: int) -> Iterator[Inbox]:
    """An SMTP server on the loopback for the block's duration."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def allow_real_smtp(monkeypatch) -> None:
    """Lifts the suite's guard against real mail for one test that talks to `smtp_server`."""
    monkeypatch.setattr(smtplib, "SMTP", REAL_SMTP)


@contextmanager
def app_with_smtp(db_url: str, port: int, **extra):
    """An app of its own (same database) that delivers mail by SMTP to `port` on the loopback."""
    app = build_app(db_url, MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False, **extra)
    try:
        yield app
    finally:
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


@contextmanager
def postgres_schema(base: str, prefix: str) -> Iterator[str]:
    """A schema of its own in the PostgreSQL database at `base` (the URL that uses it), dropped
    afterwards with everything in it."""
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@contextmanager
def fresh_database(tmp_path):
    """An empty database for migrations: a file on SQLite, a schema of its own on PostgreSQL
    (dropped afterwards)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield "sqlite:///" + str(tmp_path / "migrated.sqlite")
        return
    with postgres_schema(base, "migration") as url:
        yield url
