"""score snapshots

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 07:19:32.566069

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('score_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('last_response_id', sa.Integer(), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('running', 'done', 'failed')", name=op.f('ck_score_snapshot_status_allowed')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_snapshot'))
    )
    op.create_table('group_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('lens', sa.String(length=20), nullable=False),
    sa.Column('group_key', sa.String(length=80), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('measure', sa.String(length=100), nullable=False),
    sa.Column('nobs', sa.Integer(), nullable=False),
    sa.Column('mean', sa.Float(), nullable=True),
    sa.Column('sd', sa.Float(), nullable=True),
    sa.Column('ci_low', sa.Float(), nullable=True),
    sa.Column('ci_high', sa.Float(), nullable=True),
    sa.CheckConstraint("lens IN ('national', 'region', 'setting', 'category', 'service_type', 'standard', 'org_form', 'language', 'mode', 'provider_category')", name=op.f('ck_group_score_lens_allowed')),
    sa.CheckConstraint('nobs >= 0', name=op.f('ck_group_score_nobs_not_negative')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_group_score_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_group_score_provider_id_provider'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['score_snapshot.id'], name=op.f('fk_group_score_snapshot_id_score_snapshot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_score'))
    )
    with op.batch_alter_table('group_score', schema=None) as batch_op:
        batch_op.create_index('ix_group_score_lookup', ['snapshot_id', 'lens', 'measure', 'campaign_id'], unique=False)

    op.create_table('provider_score',
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=100), nullable=False),
    sa.Column('nobs', sa.Integer(), nullable=False),
    sa.Column('mean', sa.Float(), nullable=True),
    sa.Column('sd', sa.Float(), nullable=True),
    sa.Column('ci_low', sa.Float(), nullable=True),
    sa.Column('ci_high', sa.Float(), nullable=True),
    sa.Column('adjusted', sa.Float(), nullable=True),
    sa.Column('adjusted_se', sa.Float(), nullable=True),
    sa.Column('adjusted_low', sa.Float(), nullable=True),
    sa.Column('adjusted_high', sa.Float(), nullable=True),
    sa.Column('shrunken', sa.Float(), nullable=True),
    sa.Column('shrunken_low', sa.Float(), nullable=True),
    sa.Column('shrunken_high', sa.Float(), nullable=True),
    sa.Column('reliability', sa.Float(), nullable=True),
    sa.Column('funnel_flag', sa.String(length=8), nullable=True),
    sa.Column('comparison', sa.String(length=12), nullable=True),
    sa.Column('grade', sa.SmallInteger(), nullable=True),
    sa.Column('not_rated_reason', sa.String(length=40), nullable=True),
    sa.CheckConstraint("comparison IN ('above', 'as_expected', 'below')", name=op.f('ck_provider_score_comparison_allowed')),
    sa.CheckConstraint("funnel_flag IN ('above', 'within', 'below')", name=op.f('ck_provider_score_funnel_flag_allowed')),
    sa.CheckConstraint('nobs >= 0', name=op.f('ck_provider_score_nobs_not_negative')),
    sa.CheckConstraint('reliability BETWEEN 0 AND 1', name=op.f('ck_provider_score_reliability_range')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_provider_score_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_provider_score_provider_id_provider'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['score_snapshot.id'], name=op.f('fk_provider_score_snapshot_id_score_snapshot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('snapshot_id', 'campaign_id', 'provider_id', 'measure', name=op.f('pk_provider_score'))
    )
    with op.batch_alter_table('provider_score', schema=None) as batch_op:
        batch_op.create_index('ix_provider_score_lookup', ['snapshot_id', 'measure', 'campaign_id'], unique=False)
        batch_op.create_index('ix_provider_score_provider', ['snapshot_id', 'provider_id'], unique=False)



def downgrade():
    with op.batch_alter_table('provider_score', schema=None) as batch_op:
        batch_op.drop_index('ix_provider_score_provider')
        batch_op.drop_index('ix_provider_score_lookup')

    op.drop_table('provider_score')
    with op.batch_alter_table('group_score', schema=None) as batch_op:
        batch_op.drop_index('ix_group_score_lookup')

    op.drop_table('group_score')
    op.drop_table('score_snapshot')
