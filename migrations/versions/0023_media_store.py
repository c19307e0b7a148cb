"""File bytes may live in object storage: asset_blobs.data becomes optional

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("asset_blobs", schema=None) as batch_op:
        batch_op.alter_column("data", existing_type=sa.LargeBinary(), nullable=True)


def downgrade():
    # Fails while a row's bytes are in the bucket: bring them back first.
    with op.batch_alter_table("asset_blobs", schema=None) as batch_op:
        batch_op.alter_column("data", existing_type=sa.LargeBinary(), nullable=False)
