"""The principal's review (section comments, what each decision saw), the coordinator's sign-off,
uploaded documents and the project's report dates

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _user(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["user.id"], name=op.f(f"fk_{table}_{column}_user"), ondelete="SET NULL")


def _application(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["application_id"],
        ["application.id"],
        name=op.f(f"fk_{table}_application_id_application"),
        ondelete="CASCADE",
    )


def upgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coordinator_signoff", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), nullable=False, server_default="principal"))
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.add_column(sa.Column("interim_report_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("interim_report_sent_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("final_report_due", sa.Date(), nullable=True))
    op.create_table(
        "section_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("section_key", sa.String(length=60), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        _application("section_comment"),
        _user("section_comment", "author_id"),
        _user("section_comment", "resolved_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_section_comment")),
    )
    op.create_index(op.f("ix_section_comment_application_id"), "section_comment", ["application_id"])
    op.create_table(
        "principal_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("section_versions", sa.JSON(), nullable=False),
        _application("principal_review"),
        _user("principal_review", "reviewer_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_principal_review")),
    )
    op.create_index(op.f("ix_principal_review_application_id"), "principal_review", ["application_id"])
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        _application("document"),
        _user("document", "uploaded_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
    )
    op.create_index(op.f("ix_document_application_id"), "document", ["application_id"])


def downgrade():
    op.drop_index(op.f("ix_document_application_id"), table_name="document")
    op.drop_table("document")
    op.drop_index(op.f("ix_principal_review_application_id"), table_name="principal_review")
    op.drop_table("principal_review")
    op.drop_index(op.f("ix_section_comment_application_id"), table_name="section_comment")
    op.drop_table("section_comment")
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.drop_column("final_report_due")
        batch_op.drop_column("interim_report_sent_on")
        batch_op.drop_column("interim_report_due")
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("coordinator_signoff")
