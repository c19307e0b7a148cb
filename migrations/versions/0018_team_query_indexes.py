"""Indexes for the team dashboard at national scale: a person's assigned courses and last
activity read from an index alone

Revision ID: 0018
Revises: 0017
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assignment_people", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assignment_people_user_id_assignment_id", ["user_id", "assignment_id"], unique=False
        )
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_enrollments_user_id_last_activity_at", ["user_id", "last_activity_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_index("ix_enrollments_user_id_last_activity_at")
    with op.batch_alter_table("assignment_people", schema=None) as batch_op:
        batch_op.drop_index("ix_assignment_people_user_id_assignment_id")
