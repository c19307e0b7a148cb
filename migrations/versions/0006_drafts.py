"""Course drafts edited in the browser: one per course, its package files in draft_files

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('course_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('base_version_id', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['base_version_id'], ['course_versions.id'], name=op.f('fk_course_drafts_base_version_id_course_versions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_course_drafts_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_course_drafts_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_course_drafts_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_drafts')),
    sa.UniqueConstraint('course_id', name=op.f('uq_course_drafts_course_id'))
    )
    op.create_table('draft_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['draft_id'], ['course_drafts.id'], name=op.f('fk_draft_files_draft_id_course_drafts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sha256'], ['asset_blobs.sha256'], name=op.f('fk_draft_files_sha256_asset_blobs')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_draft_files_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_files')),
    sa.UniqueConstraint('draft_id', 'path', name=op.f('uq_draft_files_draft_id'))
    )
    with op.batch_alter_table('draft_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_files_sha256'), ['sha256'], unique=False)


def downgrade():
    with op.batch_alter_table('draft_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_files_sha256'))

    op.drop_table('draft_files')
    op.drop_table('course_drafts')
