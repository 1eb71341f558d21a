"""safeguarding alerts: comments whose words may reveal abuse, for the provider's monitors to follow up

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 08:43:22.977979

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('safeguarding_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('matched_terms', sa.String(length=400), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint("(status = 'acknowledged') = (acknowledged_at IS NOT NULL)", name=op.f('ck_safeguarding_alert_acknowledged_has_date')),
    sa.CheckConstraint("status IN ('open', 'acknowledged')", name=op.f('ck_safeguarding_alert_status_allowed')),
    sa.CheckConstraint('length(note) <= 2000', name=op.f('ck_safeguarding_alert_note_length')),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['staff_user.id'], name=op.f('fk_safeguarding_alert_acknowledged_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_safeguarding_alert_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_safeguarding_alert_item_id_item')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_safeguarding_alert_provider_id_provider')),
    sa.ForeignKeyConstraint(['response_id', 'item_id'], ['answer.response_id', 'answer.item_id'], name=op.f('fk_safeguarding_alert_response_id_answer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safeguarding_alert')),
    sa.UniqueConstraint('response_id', 'item_id', name=op.f('uq_safeguarding_alert_response_id_item_id'))
    )
    with op.batch_alter_table('safeguarding_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safeguarding_alert_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safeguarding_alert_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_safeguarding_alert_provider_status', ['provider_id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('safeguarding_alert', schema=None) as batch_op:
        batch_op.drop_index('ix_safeguarding_alert_provider_status')
        batch_op.drop_index(batch_op.f('ix_safeguarding_alert_created_at'))
        batch_op.drop_index(batch_op.f('ix_safeguarding_alert_campaign_id'))

    op.drop_table('safeguarding_alert')
