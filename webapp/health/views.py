"""`/healthz` and `/readyz`: public, never cached, JSON naming each part's state; 503 when one
fails. Not signed in, not rate-limited, no session written."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..core import access
from ..extensions import limiter
from . import checks

bp = Blueprint("health", __name__)


def _answer(parts: dict[str, str | None]):
    shown = {name: state for name, state in parts.items() if state is not None}
    healthy = all(state == "ok" for state in shown.values())
    response = jsonify(status="ok" if healthy else "failing", **shown)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
@access.public
@limiter.exempt
def healthz():
    """The parts this instance needs answer: the database, and Redis where configured."""
    return _answer({"database": checks.database(), "redis": checks.redis()})


@bp.get("/readyz")
@access.public
@limiter.exempt
def readyz():
    """Ready for traffic: healthy, and the schema is the one this code was written for."""
    return _answer({"database": checks.database(), "redis": checks.redis(), "schema": checks.schema()})
