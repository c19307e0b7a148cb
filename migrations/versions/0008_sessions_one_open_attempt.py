"""Server-side sessions (sign-out ends them); at most one open attempt per learner and quiz

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_user_sessions_user_id", "user_sessions", ["user_id"], unique=False)
    # Parallel starts could leave two open attempts: close all but the newest (as submitted
    # when they started, with no score) before the index makes it impossible.
    op.execute(
        "UPDATE attempts SET submitted_at = started_at WHERE submitted_at IS NULL AND id NOT IN "
        "(SELECT max(id) FROM attempts WHERE submitted_at IS NULL "
        "GROUP BY user_id, course_id, quiz_key)"
    )
    op.create_index(
        "uq_attempts_one_open",
        "attempts",
        ["user_id", "course_id", "quiz_key"],
        unique=True,
        sqlite_where=sa.text("submitted_at IS NULL"),
        postgresql_where=sa.text("submitted_at IS NULL"),
    )


def downgrade():
    op.drop_index("uq_attempts_one_open", table_name="attempts")
    op.drop_index("ix_user_sessions_user_id", table_name="user_sessions")
    op.drop_table("user_sessions")
