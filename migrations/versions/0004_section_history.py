"""Every saved version of every section: the section_version table

The history is append-only and written by each save. Every existing answer starts its history now:
one row with its current data as its current version, by its last author, at its last save.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "section_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("section_key", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_section_version_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["saved_by_id"], ["user.id"], name=op.f("fk_section_version_saved_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_section_version")),
        sa.UniqueConstraint("application_id", "section_key", "version", name="uq_section_version_number"),
    )
    op.execute(
        "INSERT INTO section_version (application_id, section_key, version, data, saved_by_id, saved_at) "
        "SELECT application_id, section_key, version, data, updated_by_id, updated_at FROM section_answer"
    )


def downgrade():
    op.drop_table("section_version")
