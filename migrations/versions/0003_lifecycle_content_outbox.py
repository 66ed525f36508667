"""One name for the call year; checklist and self-assessment in tables of their own; the outbox

The checklist ticks and self-assessment scores were stored as section answers under the keys
`_checklist` and `_self_assessment`; they move, with their versions and authors, to their own tables.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MOVED = (("_checklist", "checklist_ticks"), ("_self_assessment", "self_assessment"))


def _content_table(name):
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f(f"fk_{name}_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user.id"], name=op.f(f"fk_{name}_updated_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("application_id", name=f"uq_{name}_application"),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_application_id"), ["application_id"], unique=False)


def upgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.alter_column(
            "workflow_version",
            new_column_name="call_year",
            existing_type=sa.Integer(),
            existing_nullable=False,
            existing_server_default="0",
        )
    for key, table in MOVED:
        _content_table(table)
        op.execute(
            f"INSERT INTO {table} (data, version, updated_at, application_id, updated_by_id) "
            f"SELECT data, version, updated_at, application_id, updated_by_id FROM section_answer WHERE section_key = '{key}'"
        )
        op.execute(f"DELETE FROM section_answer WHERE section_key = '{key}'")
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_message_delivered_at"), ["delivered_at"], unique=False)


def downgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_delivered_at"))
    op.drop_table("outbox_message")
    for key, table in MOVED:
        op.execute(
            f"INSERT INTO section_answer (section_key, data, version, updated_at, application_id, updated_by_id) "
            f"SELECT '{key}', data, version, updated_at, application_id, updated_by_id FROM {table}"
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_application_id"))
        op.drop_table(table)
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.alter_column(
            "call_year",
            new_column_name="workflow_version",
            existing_type=sa.Integer(),
            existing_nullable=False,
            existing_server_default="0",
        )
