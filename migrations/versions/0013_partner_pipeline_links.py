"""Partners: the day they reached their status, the next step, and their directory entry

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

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


def downgrade():
    op.execute("UPDATE partner SET status = 'identified' WHERE status = 'declined'")
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_partner_directory_entry_id_directory_entry"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_partner_directory_entry_id"))
        batch_op.drop_column("directory_entry_id")
        batch_op.drop_column("next_step_due")
        batch_op.drop_column("next_step")
        batch_op.drop_column("status_since")
