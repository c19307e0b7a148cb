"""The team dashboard's summary per unit kept for large instances; people by name from an index

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op


revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "unit_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("head", sa.Integer(), nullable=False),
        sa.Column("at_target", sa.Integer(), nullable=False),
        sa.Column("assigned", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("overdue", sa.Integer(), nullable=False),
        sa.Column("overdue_people", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_unit_figures_unit_id_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_figures")),
    )  # fmt: skip
    op.create_index("ix_unit_figures_year_unit", "unit_figures", ["year", "unit_id"])
    op.create_index("ix_users_name_lower", "users", [sa.text("lower(full_name)"), "id"])


def downgrade():
    op.drop_index("ix_users_name_lower", table_name="users")
    op.drop_index("ix_unit_figures_year_unit", table_name="unit_figures")
    op.drop_table("unit_figures")
