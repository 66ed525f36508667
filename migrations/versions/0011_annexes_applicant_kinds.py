"""Annexes as tracked items (an uploaded document says which annex it is and for whom), and what
kind of unit each school is (a school, or the organisation's own applying body); Southern Schleswig
as a Nordplus mobility host is the region's own code XS, no longer DE; KA122 destinations as codes;
partners have a kind too

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _host_countries(old: str, new: str) -> None:
    """The mobility table's host country in the saved answers (the history keeps what was saved)."""
    answers = sa.table(
        "section_answer", sa.column("id", sa.Integer), sa.column("section_key"), sa.column("data", sa.JSON)
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(answers.c.id, answers.c.data).where(answers.c.section_key == "mobility_activities"))
    for row_id, data in rows.all():
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list) or not any(isinstance(i, dict) and i.get("host_country") == old for i in items):
            continue
        moved = [
            {**i, "host_country": new} if isinstance(i, dict) and i.get("host_country") == old else i for i in items
        ]
        bind.execute(answers.update().where(answers.c.id == row_id).values(data={**data, "items": moved}))


def _destination_codes() -> None:
    """KA122's destination country was free text and is now a choice of codes: a saved name that
    Babel knows in Swedish or English becomes its code ("Italien" -> IT); others stay to choose again."""
    from babel import Locale

    names = {}
    for language in ("en", "sv"):
        names.update({name.casefold(): code for code, name in Locale.parse(language).territories.items()})
    answers = sa.table(
        "section_answer",
        sa.column("id"),
        sa.column("application_id"),
        sa.column("section_key"),
        sa.column("data", sa.JSON),
    )
    applications = sa.table("application", sa.column("id"), sa.column("action_key"))
    bind = op.get_bind()
    query = (
        sa.select(answers.c.id, answers.c.data)
        .join(applications, applications.c.id == answers.c.application_id)
        .where(answers.c.section_key == "activities", applications.c.action_key == "KA122-SCH")
    )
    for row_id, data in bind.execute(query).all():
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list):
            continue
        moved = [
            {
                **i,
                "destination_country": names.get(i["destination_country"].strip().casefold(), i["destination_country"]),
            }
            if isinstance(i, dict) and isinstance(i.get("destination_country"), str)
            else i
            for i in items
        ]
        if moved != items:
            bind.execute(answers.update().where(answers.c.id == row_id).values(data={**data, "items": moved}))


def upgrade():
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=30), nullable=False, server_default="school"))
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=30), nullable=False, server_default="school"))
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("annex_key", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("annex_for", sa.String(length=40), nullable=True))
    _host_countries("DE", "XS")
    _destination_codes()


def downgrade():
    _host_countries("XS", "DE")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_column("annex_for")
        batch_op.drop_column("annex_key")
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.drop_column("kind")
