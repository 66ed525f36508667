"""Indexes for the overview's filters and sorts, and one the counts are read from alone

Revision ID: 0016
Revises: 0015
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_application_stage": ["stage"],
    "ix_application_action_key": ["action_key"],
    "ix_application_call_round": ["call_round"],
    "ix_application_title": ["title"],
    "ix_application_updated_at": ["updated_at"],
    "ix_application_school_id_stage_status_call_round": ["school_id", "stage", "status", "call_round"],
}


def upgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
