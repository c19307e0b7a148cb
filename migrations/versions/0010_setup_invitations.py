"""Setup links sent in batches to imported people

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "setup_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("import_entry_id", sa.Integer(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"],
            name=op.f("fk_setup_batches_created_by_id_users"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["import_entry_id"], ["audit_log.id"],
            name=op.f("fk_setup_batches_import_entry_id_audit_log"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_setup_batches")),
        sa.UniqueConstraint("import_entry_id", name=op.f("uq_setup_batches_import_entry_id")),
    )  # fmt: skip
    with op.batch_alter_table("setup_batches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_setup_batches_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "setup_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["setup_batches.id"],
            name=op.f("fk_setup_invitations_batch_id_setup_batches"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"],
            name=op.f("fk_setup_invitations_user_id_users"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_setup_invitations")),
        sa.UniqueConstraint("batch_id", "user_id", name="uq_setup_invitations_batch_user"),
    )  # fmt: skip
    with op.batch_alter_table("setup_invitations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_setup_invitations_batch_status", ["batch_id", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_setup_invitations_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("setup_link_sent_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("setup_link_sent_at")
    with op.batch_alter_table("setup_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_setup_invitations_user_id"))
        batch_op.drop_index("ix_setup_invitations_batch_status")
    op.drop_table("setup_invitations")
    with op.batch_alter_table("setup_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_setup_batches_created_at"))
    op.drop_table("setup_batches")
