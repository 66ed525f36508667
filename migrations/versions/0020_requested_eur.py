"""What an application asks for in euros, for the overview's sums

Revision ID: 0020
Revises: 0019

Existing applications get it on the next save of their budget section.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requested_eur", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_column("requested_eur")
