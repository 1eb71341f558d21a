"""contracts M&E: administrative figures entered by hand, expert assessments (0–5 per criterion), audit trail

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 08:56:57.890477

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('administrative_figure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_administrative_figure_period_ordered')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_administrative_figure_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['staff_user.id'], name=op.f('fk_administrative_figure_entered_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator_definition.id'], name=op.f('fk_administrative_figure_indicator_id_indicator_definition')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_administrative_figure')),
    sa.UniqueConstraint('contract_id', 'indicator_id', 'period_start', name=op.f('uq_administrative_figure_contract_id_indicator_id_period_start'))
    )
    with op.batch_alter_table('administrative_figure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_administrative_figure_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_administrative_figure_indicator_id'), ['indicator_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=24), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('indicator_id', sa.Integer(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('action', sa.String(length=8), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.CheckConstraint("action <> 'change' OR (reason IS NOT NULL AND length(trim(reason)) > 0)", name=op.f('ck_audit_event_change_has_reason')),
    sa.CheckConstraint("action IN ('create', 'change', 'delete')", name=op.f('ck_audit_event_action_allowed')),
    sa.CheckConstraint("subject IN ('contract', 'target', 'administrative_figure', 'expert_assessment', 'indicator')", name=op.f('ck_audit_event_subject_allowed')),
    sa.ForeignKeyConstraint(['actor_id'], ['staff_user.id'], name=op.f('fk_audit_event_actor_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_audit_event_contract_id_contract'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator_definition.id'], name=op.f('fk_audit_event_indicator_id_indicator_definition')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_event_contract_time', ['contract_id', 'occurred_at'], unique=False)

    op.create_table('expert_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('relevance_score', sa.SmallInteger(), nullable=False),
    sa.Column('relevance_reasoning', sa.Text(), nullable=False),
    sa.Column('plan_score', sa.SmallInteger(), nullable=False),
    sa.Column('plan_reasoning', sa.Text(), nullable=False),
    sa.Column('result_score', sa.SmallInteger(), nullable=False),
    sa.Column('result_reasoning', sa.Text(), nullable=False),
    sa.Column('continuation_score', sa.SmallInteger(), nullable=False),
    sa.Column('continuation_reasoning', sa.Text(), nullable=False),
    sa.Column('impact_score', sa.SmallInteger(), nullable=False),
    sa.Column('impact_reasoning', sa.Text(), nullable=False),
    sa.Column('assessed_by_id', sa.Integer(), nullable=True),
    sa.Column('assessor_name', sa.String(length=200), nullable=False),
    sa.Column('assessed_at', sa.DateTime(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('continuation_score BETWEEN 0 AND 5', name=op.f('ck_expert_assessment_continuation_score_range')),
    sa.CheckConstraint('impact_score BETWEEN 0 AND 5', name=op.f('ck_expert_assessment_impact_score_range')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_expert_assessment_period_ordered')),
    sa.CheckConstraint('plan_score BETWEEN 0 AND 5', name=op.f('ck_expert_assessment_plan_score_range')),
    sa.CheckConstraint('relevance_score BETWEEN 0 AND 5', name=op.f('ck_expert_assessment_relevance_score_range')),
    sa.CheckConstraint('result_score BETWEEN 0 AND 5', name=op.f('ck_expert_assessment_result_score_range')),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['staff_user.id'], name=op.f('fk_expert_assessment_assessed_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_expert_assessment_contract_id_contract'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_assessment')),
    sa.UniqueConstraint('contract_id', 'period_start', name=op.f('uq_expert_assessment_contract_id_period_start'))
    )
    with op.batch_alter_table('expert_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_assessment_contract_id'), ['contract_id'], unique=False)



def downgrade():
    with op.batch_alter_table('expert_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_assessment_contract_id'))

    op.drop_table('expert_assessment')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_contract_time')
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))

    op.drop_table('audit_event')
    with op.batch_alter_table('administrative_figure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_administrative_figure_indicator_id'))
        batch_op.drop_index(batch_op.f('ix_administrative_figure_contract_id'))

    op.drop_table('administrative_figure')
