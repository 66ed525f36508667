"""What the health endpoints check: each part answers "ok" or says in a short phrase what is wrong,
without a stack trace (an operator reads it, a load balancer only reads the status)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from ..extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"
REDIS_TIMEOUT_SECONDS = 2


def database() -> str:
    try:
        with db.engine.connect() as connection:
            connection.execute(db.text("SELECT 1"))
    except Exception as exc:
        return f"unreachable ({type(exc).__name__})"
    return "ok"


def redis() -> str | None:
    """None where no REDIS_URL is configured (one instance, nothing shared)."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    import redis as redis_client

    try:
        client = redis_client.Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
        )
        client.ping()
    except Exception as exc:
        return f"unreachable ({type(exc).__name__})"
    return "ok"


@cache
def heads() -> frozenset[str]:
    """The newest migrations this code knows, read once (the files do not change while it runs)."""
    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


def schema() -> str:
    """Whether the database carries the newest migration (`flask db upgrade` has run)."""
    try:
        newest = heads()
    except Exception as exc:  # the migrations folder missing or broken
        return f"migrations unreadable ({type(exc).__name__})"
    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as exc:
        return f"unreachable ({type(exc).__name__})"
    if current == newest:
        return "ok"
    return f"not upgraded (at {', '.join(sorted(current)) or 'nothing'}, code needs {', '.join(sorted(newest))})"
