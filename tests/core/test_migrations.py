"""The schema comes from Alembic: an upgrade on an empty database must match the models exactly."""
import os
import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from support import build_app
from webapp.extensions import db


def _fresh_database_url(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return "sqlite:///" + str(tmp_path / "migrated.sqlite"), None
    schema = f"migration_{uuid.uuid4().hex[:8]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", (engine, schema)


def test_upgrade_on_empty_database_matches_the_models(tmp_path):
    url, cleanup = _fresh_database_url(tmp_path)
    try:
        app = build_app(url)
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
                tables = set(db.inspect(conn).get_table_names())
            db.engine.dispose()
        assert diff == [], diff
        assert {"user", "organisation", "school", "membership", "application", "application_team", "audit_event"} <= tables
    finally:
        if cleanup:
            engine, schema = cleanup
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()
