"""The effective competency level per person, period and competency (derived, for the heatmap)

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
    op.create_table(
        "competency_levels_effective",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_competency_levels_effective_competency_id_competencies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_competency_levels_effective_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "period", "competency_id", name=op.f("pk_competency_levels_effective")
        ),
    )
    with op.batch_alter_table("competency_levels_effective", schema=None) as batch_op:
        batch_op.create_index(
            "ix_competency_levels_effective_competency_id", ["competency_id"], unique=False
        )
    # The assessments made before this revision: the supervisor's level, else the self level.
    op.execute(
        """
        INSERT INTO competency_levels_effective (user_id, period, competency_id, level, role)
        SELECT a.user_id, a.period, i.competency_id,
               COALESCE(MAX(CASE WHEN a.role = 'supervisor' THEN i.level END), MAX(i.level)),
               CASE WHEN MAX(CASE WHEN a.role = 'supervisor' THEN i.level END) IS NOT NULL
                    THEN 'supervisor' ELSE 'self' END
        FROM competency_assessments a
        JOIN competency_assessment_items i ON i.assessment_id = a.id
        GROUP BY a.user_id, a.period, i.competency_id
        """
    )


def downgrade():
    with op.batch_alter_table("competency_levels_effective", schema=None) as batch_op:
        batch_op.drop_index("ix_competency_levels_effective_competency_id")
    op.drop_table("competency_levels_effective")
