"""API tokens of people and services (issue 17)

Revision ID: 0019
Revises: 0018
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
