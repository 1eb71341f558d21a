"""survey drafts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 07:09:08.339274

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_draft',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('campaign_provider_id', sa.Integer(), nullable=False),
    sa.Column('one_time_code_id', sa.Integer(), nullable=True),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('submission_key', sa.String(length=40), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("language IN ('kk', 'ru', 'uk', 'en')", name=op.f('ck_survey_draft_language_allowed')),
    sa.CheckConstraint("mode IN ('web', 'kiosk', 'assisted')", name=op.f('ck_survey_draft_mode_allowed')),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_survey_draft_expires_after_creation')),
    sa.ForeignKeyConstraint(['campaign_provider_id'], ['campaign_provider.id'], name=op.f('fk_survey_draft_campaign_provider_id_campaign_provider'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['one_time_code_id'], ['one_time_code.id'], name=op.f('fk_survey_draft_one_time_code_id_one_time_code'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_draft')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_survey_draft_submission_key'))
    )
    with op.batch_alter_table('survey_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_draft_campaign_provider_id'), ['campaign_provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_draft_expires_at'), ['expires_at'], unique=False)



def downgrade():
    with op.batch_alter_table('survey_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_draft_expires_at'))
        batch_op.drop_index(batch_op.f('ix_survey_draft_campaign_provider_id'))

    op.drop_table('survey_draft')
