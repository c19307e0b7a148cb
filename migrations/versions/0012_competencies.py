"""Competencies: dictionary levels, position standards, assessments, development plans

Revision ID: 0012
Revises: 0011
"""

from alembic import op
import sqlalchemy as sa


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "position_kinds",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("group", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_position_kinds")),
    )
    op.create_table(
        "competency_levels",
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_competency_levels_competency_id_competencies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("competency_id", "level", name=op.f("pk_competency_levels")),
    )
    op.create_table(
        "position_standards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position_kind", sa.String(length=40), nullable=False),
        sa.Column("position_key", sa.String(length=200), nullable=False),
        sa.Column("position_name", sa.String(length=200), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_position_standards_competency_id_competencies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_position_standards")),
        sa.UniqueConstraint(
            "position_kind",
            "position_key",
            "competency_id",
            name=op.f("uq_position_standards_position_kind"),
        ),
    )
    with op.batch_alter_table("position_standards", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_position_standards_competency_id"), ["competency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_position_standards_position_key"), ["position_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_position_standards_position_kind"), ["position_kind"], unique=False
        )

    op.create_table(
        "competency_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessor_id"],
            ["users.id"],
            name=op.f("fk_competency_assessments_assessor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_competency_assessments_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competency_assessments")),
        sa.UniqueConstraint(
            "user_id", "period", "role", name=op.f("uq_competency_assessments_user_id")
        ),
    )
    with op.batch_alter_table("competency_assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_competency_assessments_period"), ["period"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_competency_assessments_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "development_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_development_plans_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_development_plans_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_development_plans")),
        sa.UniqueConstraint("user_id", "year", name=op.f("uq_development_plans_user_id")),
    )
    with op.batch_alter_table("development_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_development_plans_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_development_plans_year"), ["year"], unique=False)

    op.create_table(
        "competency_assessment_items",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["competency_assessments.id"],
            name=op.f("fk_competency_assessment_items_assessment_id_competency_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_competency_assessment_items_competency_id_competencies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "assessment_id", "competency_id", name=op.f("pk_competency_assessment_items")
        ),
    )
    with op.batch_alter_table("competency_assessment_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_competency_assessment_items_competency_id", ["competency_id"], unique=False
        )

    op.create_table(
        "development_plan_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("competency_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("planned_jp", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_development_plan_items_competency_id_competencies"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_development_plan_items_course_id_courses"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["development_plans.id"],
            name=op.f("fk_development_plan_items_plan_id_development_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_development_plan_items")),
    )
    with op.batch_alter_table("development_plan_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_development_plan_items_course_id"), ["course_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_development_plan_items_plan_id"), ["plan_id"], unique=False
        )

    with op.batch_alter_table("competencies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("sector", sa.String(length=120), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_competencies_code"), ["code"])

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("position_kind", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_users_position_kind"), ["position_kind"], unique=False)


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_position_kind"))
        batch_op.drop_column("position_kind")

    with op.batch_alter_table("competencies", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_competencies_code"), type_="unique")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("active")
        batch_op.drop_column("description")
        batch_op.drop_column("sector")
        batch_op.drop_column("code")

    with op.batch_alter_table("development_plan_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_development_plan_items_plan_id"))
        batch_op.drop_index(batch_op.f("ix_development_plan_items_course_id"))

    op.drop_table("development_plan_items")
    with op.batch_alter_table("competency_assessment_items", schema=None) as batch_op:
        batch_op.drop_index("ix_competency_assessment_items_competency_id")

    op.drop_table("competency_assessment_items")
    with op.batch_alter_table("development_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_development_plans_year"))
        batch_op.drop_index(batch_op.f("ix_development_plans_user_id"))

    op.drop_table("development_plans")
    with op.batch_alter_table("competency_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competency_assessments_user_id"))
        batch_op.drop_index(batch_op.f("ix_competency_assessments_period"))

    op.drop_table("competency_assessments")
    with op.batch_alter_table("position_standards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_position_standards_position_kind"))
        batch_op.drop_index(batch_op.f("ix_position_standards_position_key"))
        batch_op.drop_index(batch_op.f("ix_position_standards_competency_id"))

    op.drop_table("position_standards")
    op.drop_table("competency_levels")
    op.drop_table("position_kinds")
