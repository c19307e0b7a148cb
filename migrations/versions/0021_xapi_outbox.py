"""xAPI statements waiting for the Learning Record Store

Revision ID: 0021
Revises: 0020
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "xapi_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.String(length=36), nullable=False),
        sa.Column("statement", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_statements")),
        sa.UniqueConstraint("statement_id", name=op.f("uq_xapi_statements_statement_id")),
    )
    with op.batch_alter_table("xapi_statements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_xapi_statements_next_try_at"), ["next_try_at"])
        batch_op.create_index(batch_op.f("ix_xapi_statements_sent_at"), ["sent_at"])


def downgrade():
    with op.batch_alter_table("xapi_statements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_xapi_statements_sent_at"))
        batch_op.drop_index(batch_op.f("ix_xapi_statements_next_try_at"))
    op.drop_table("xapi_statements")
