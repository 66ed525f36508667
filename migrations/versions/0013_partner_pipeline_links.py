"""Partners: the day they reached their status, the next step, and their directory entry; the
directory's words in one case-folded column

Revision ID: 0013
Revises: 0012
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

# As webapp/directory/models.py folds them at this revision (kept here: a migration never changes).
SEARCHED = ("name", "city", "topics", "languages", "levels", "notes")


def searchable(values) -> str:
    return "\n".join(unicodedata.normalize("NFC", values[field] or "").casefold() for field in SEARCHED)


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_since", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("next_step", sa.String(length=300), server_default="", nullable=False))
        batch_op.add_column(sa.Column("next_step_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("directory_entry_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_partner_directory_entry_id"), ["directory_entry_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_partner_directory_entry_id_directory_entry"),
            "directory_entry",
            ["directory_entry_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("directory_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
        batch_op.create_index("ix_directory_entry_organisation_id_name", ["organisation_id", "name"], unique=False)
        batch_op.create_index(
            "ix_directory_entry_organisation_id_country", ["organisation_id", "country"], unique=False
        )
    entries = sa.table("directory_entry", sa.column("id"), sa.column("search_text"), *map(sa.column, SEARCHED))
    connection = op.get_bind()
    for row in connection.execute(sa.select(entries)).mappings().all():
        connection.execute(entries.update().where(entries.c.id == row["id"]).values(search_text=searchable(row)))


def downgrade():
    with op.batch_alter_table("directory_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_directory_entry_organisation_id_country")
        batch_op.drop_index("ix_directory_entry_organisation_id_name")
        batch_op.drop_column("search_text")
    op.execute("UPDATE partner SET status = 'identified' WHERE status = 'declined'")
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_partner_directory_entry_id_directory_entry"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_partner_directory_entry_id"))
        batch_op.drop_column("directory_entry_id")
        batch_op.drop_column("next_step_due")
        batch_op.drop_column("next_step")
        batch_op.drop_column("status_since")
