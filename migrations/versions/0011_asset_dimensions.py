"""Image width and height, downscaled copies

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
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("width", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("height", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("display_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("display_width", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("display_height", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_assets_display_sha256_asset_blobs"),
            "asset_blobs",
            ["display_sha256"],
            ["sha256"],
        )


def downgrade():
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_assets_display_sha256_asset_blobs"), type_="foreignkey"
        )
        batch_op.drop_column("display_height")
        batch_op.drop_column("display_width")
        batch_op.drop_column("display_sha256")
        batch_op.drop_column("height")
        batch_op.drop_column("width")
