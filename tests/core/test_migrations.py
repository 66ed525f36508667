"""The schema comes from Alembic: an upgrade on an empty database must match the models exactly."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from support import build_app, fresh_database, insert_one_application
from webapp.extensions import db


def test_upgrade_on_empty_database_matches_the_models(tmp_path):
    with fresh_database(tmp_path) as url:
        app = build_app(url)
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
                tables = set(db.inspect(conn).get_table_names())
            db.engine.dispose()
        assert diff == [], diff
        assert {
            "user",
            "organisation",
            "school",
            "membership",
            "application",
            "application_team",
            "audit_event",
        } <= tables


def test_0003_moves_checklist_and_scores_and_keeps_the_call_year(tmp_path):
    """The data-preserving step: rows stored under the old magic keys move to their own tables,
    with their versions, and come back on a downgrade."""
    from flask_migrate import downgrade

    with fresh_database(tmp_path) as url:
        app = build_app(url)
        with app.app_context():
            upgrade(revision="0002")
            with db.engine.begin() as conn:
                insert_one_application(conn, "workflow_version")
                for key, data, version in (
                    ("needs", '{"need": "x"}', 2),
                    ("_checklist", '{"a": true}', 3),
                    ("_self_assessment", '{"relevance": 20}', 4),
                ):
                    conn.execute(
                        text(
                            "INSERT INTO section_answer (application_id, section_key, data, version, updated_at, "
                            "updated_by_id) VALUES (1, :key, :data, :version, CURRENT_TIMESTAMP, 1)"
                        ),
                        {"key": key, "data": data, "version": version},
                    )
            upgrade()
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT call_year FROM application")).scalar() == 2027
                assert [r[0] for r in conn.execute(text("SELECT section_key FROM section_answer"))] == ["needs"]
                assert conn.execute(text("SELECT version, updated_by_id FROM checklist_ticks")).one() == (3, 1)
                assert conn.execute(text("SELECT version FROM self_assessment")).scalar() == 4
            downgrade(revision="0002")
            with db.engine.connect() as conn:
                keys = sorted(r[0] for r in conn.execute(text("SELECT section_key FROM section_answer")))
                assert keys == ["_checklist", "_self_assessment", "needs"]
                assert conn.execute(text("SELECT workflow_version FROM application")).scalar() == 2027
            db.engine.dispose()


def test_0005_gives_every_existing_account_a_session_token_of_its_own(tmp_path):
    from flask_migrate import downgrade

    with fresh_database(tmp_path) as url:
        app = build_app(url)
        with app.app_context():
            upgrade(revision="0005-1")  # the schema just before the session token
            with db.engine.begin() as conn:
                for n in (1, 2, 3):
                    conn.execute(
                        text(
                            'INSERT INTO "user" (id, email, name, language, active, created_at, updated_at) '
                            "VALUES (:n, :email, 'A', 'sv', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                        ),
                        {"n": n, "email": f"a{n}@example.org"},
                    )
            upgrade(revision="0005")
            with db.engine.connect() as conn:
                tokens = [r[0] for r in conn.execute(text('SELECT session_token FROM "user" ORDER BY id'))]
            assert len(set(tokens)) == 3 and all(token and len(token) >= 32 for token in tokens)
            downgrade(revision="0005-1")
            with db.engine.connect() as conn:
                assert "session_token" not in {c["name"] for c in db.inspect(conn).get_columns("user")}
            db.engine.dispose()


def test_0011_moves_southern_schleswig_hosts_to_xs_and_back(tmp_path):
    """Saved mobility tables name the region's own code once the form offers it; other hosts and
    other sections stay as they were, and a downgrade puts DE back (and an upgrade XS again)."""
    import json

    from flask_migrate import downgrade

    from webapp.applications import services
    from webapp.auth.models import User
    from webapp.organisations.models import Organisation, School
    from webapp.sections.models import SectionAnswer

    table = {"items": [{"host_country": "XS", "days": 5}, {"host_country": "FI"}], "other": 1}
    with fresh_database(tmp_path) as url:
        app = build_app(url)
        with app.app_context():
            upgrade()
            school = School(organisation=Organisation(name="Solna"), name="Skola")
            owner = User(email="a@example.org", name="A")
            db.session.add_all([school, owner])
            application = services.create(owner, school, "NPJ-MOBILITY", "2027-R1", "Klassutbyte")
            for key, data in (("mobility_activities", table), ("needs", {"host_country": "XS"})):
                db.session.add(SectionAnswer(application=application, section_key=key, data=data, updated_by=owner))
            ka122 = services.create(owner, school, "KA122-SCH", "2027-R1", "Jobbskuggning")
            trips = {
                "items": [
                    {"destination_country": "Italien"},
                    {"destination_country": "Spain "},
                    {"destination_country": "Atlantis"},
                ]
            }
            db.session.add(SectionAnswer(application=ka122, section_key="activities", data=trips, updated_by=owner))
            db.session.commit()
            db.session.remove()

            def saved():
                with db.engine.connect() as conn:
                    rows = conn.execute(text("SELECT section_key, data FROM section_answer ORDER BY section_key, id"))
                    return {k: v if isinstance(v, dict) else json.loads(v) for k, v in rows}

            downgrade(revision="0010")
            before = saved()
            assert before["mobility_activities"] == {
                **table,
                "items": [{"host_country": "DE", "days": 5}, table["items"][1]],
            }
            assert before["needs"] == {"host_country": "XS"}  # only the mobility table's hosts
            upgrade()
            after = saved()
            assert {k: after[k] for k in ("mobility_activities", "needs")} == {
                "mobility_activities": table,
                "needs": {"host_country": "XS"},
            }
            # KA122's free-text destinations become codes where Babel knows the name, in either language
            assert [i["destination_country"] for i in after["activities"]["items"]] == ["IT", "ES", "Atlantis"]
            db.engine.dispose()
