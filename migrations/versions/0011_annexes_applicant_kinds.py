"""Annexes as tracked items (an uploaded document says which annex it is and for whom), and what
kind of unit each school is (a school, or the organisation's own applying body)

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=30), nullable=False, server_default="school"))
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("annex_key", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("annex_for", sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_column("annex_for")
        batch_op.drop_column("annex_key")
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_column("kind")
