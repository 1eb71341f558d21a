"""paper intake

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 07:34:01.426011

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('paper_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_provider_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('double_keying', sa.Boolean(), nullable=False),
    sa.Column('collected_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_provider_id'], ['campaign_provider.id'], name=op.f('fk_paper_batch_campaign_provider_id_campaign_provider'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_paper_batch_created_by_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_batch')),
    sa.UniqueConstraint('campaign_provider_id', 'number', name=op.f('uq_paper_batch_campaign_provider_id_number'))
    )
    op.create_table('paper_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('keying', sa.SmallInteger(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("language IN ('kk', 'ru', 'uk', 'en')", name=op.f('ck_paper_entry_language_allowed')),
    sa.CheckConstraint("response_id IS NULL OR status = 'counted'", name=op.f('ck_paper_entry_response_only_when_counted')),
    sa.CheckConstraint("status IN ('waiting', 'mismatch', 'counted')", name=op.f('ck_paper_entry_status_allowed')),
    sa.CheckConstraint('keying IN (1, 2)', name=op.f('ck_paper_entry_keying_first_or_second')),
    sa.CheckConstraint('serial > 0', name=op.f('ck_paper_entry_serial_positive')),
    sa.ForeignKeyConstraint(['batch_id'], ['paper_batch.id'], name=op.f('fk_paper_entry_batch_id_paper_batch'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['operator_id'], ['staff_user.id'], name=op.f('fk_paper_entry_operator_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['staff_user.id'], name=op.f('fk_paper_entry_resolved_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_paper_entry_response_id_response'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_entry')),
    sa.UniqueConstraint('batch_id', 'serial', 'keying', name=op.f('uq_paper_entry_batch_id_serial_keying'))
    )
    with op.batch_alter_table('paper_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_entry_operator_id'), ['operator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paper_entry_response_id'), ['response_id'], unique=False)


def downgrade():
    with op.batch_alter_table('paper_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_entry_response_id'))
        batch_op.drop_index(batch_op.f('ix_paper_entry_operator_id'))

    op.drop_table('paper_entry')
    op.drop_table('paper_batch')
