"""Mail preferences: the kinds of optional mail each user turned off (a JSON list, so that a new
kind needs no migration of its own)

Existing accounts get an empty list: every kind of mail stays on.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mail_off", sa.JSON(), nullable=True))
    user = sa.table("user", sa.column("mail_off", sa.JSON()))
    op.get_bind().execute(user.update().values(mail_off=[]))
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column("mail_off", existing_type=sa.JSON(), nullable=False)


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("mail_off")
