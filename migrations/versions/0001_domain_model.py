"""domain model

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 06:57:53.451067

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicator_definition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('unit', sa.String(length=12), nullable=False),
    sa.Column('dimension_code', sa.String(length=60), nullable=True),
    sa.Column('item_names', sa.String(length=500), nullable=True),
    sa.Column('method_kk', sa.Text(), nullable=False),
    sa.Column('method_ru', sa.Text(), nullable=False),
    sa.Column('method_uk', sa.Text(), nullable=False),
    sa.Column('method_en', sa.Text(), nullable=False),
    sa.Column('name_kk', sa.String(length=300), nullable=False),
    sa.Column('name_ru', sa.String(length=300), nullable=False),
    sa.Column('name_uk', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.CheckConstraint("direction IN ('higher', 'lower')", name=op.f('ck_indicator_definition_direction_allowed')),
    sa.CheckConstraint("kind IN ('satisfaction_rate', 'quality_index', 'dimension_score', 'nps', 'item_top2', 'item_mean', 'response_rate', 'coverage', 'administrative')", name=op.f('ck_indicator_definition_kind_allowed')),
    sa.CheckConstraint("unit IN ('percent', 'score', 'nps', 'mean', 'per_100', 'count')", name=op.f('ck_indicator_definition_unit_allowed')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_definition')),
    sa.UniqueConstraint('code', name=op.f('uq_indicator_definition_code'))
    )
    op.create_table('instrument',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument')),
    sa.UniqueConstraint('code', name=op.f('uq_instrument_code'))
    )
    op.create_table('recipient_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('name_kk', sa.String(length=300), nullable=False),
    sa.Column('name_ru', sa.String(length=300), nullable=False),
    sa.Column('name_uk', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.CheckConstraint("country IN ('KZ', 'UA')", name=op.f('ck_recipient_category_country_allowed')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recipient_category')),
    sa.UniqueConstraint('code', name=op.f('uq_recipient_category_code'))
    )
    op.create_table('region',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('name_kk', sa.String(length=300), nullable=False),
    sa.Column('name_ru', sa.String(length=300), nullable=False),
    sa.Column('name_uk', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.CheckConstraint("(kind = 'hromada') = (parent_id IS NOT NULL)", name=op.f('ck_region_hromada_has_parent')),
    sa.CheckConstraint("country IN ('KZ', 'UA')", name=op.f('ck_region_country_allowed')),
    sa.CheckConstraint("kind IN ('oblast', 'city', 'hromada')", name=op.f('ck_region_kind_allowed')),
    sa.ForeignKeyConstraint(['parent_id'], ['region.id'], name=op.f('fk_region_parent_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region')),
    sa.UniqueConstraint('code', name=op.f('uq_region_code'))
    )
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_parent_id'), ['parent_id'], unique=False)

    op.create_table('service_standard',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_kk', sa.String(length=300), nullable=False),
    sa.Column('name_ru', sa.String(length=300), nullable=False),
    sa.Column('name_uk', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_standard')),
    sa.UniqueConstraint('code', name=op.f('uq_service_standard_code'))
    )
    op.create_table('service_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_kk', sa.String(length=300), nullable=False),
    sa.Column('name_ru', sa.String(length=300), nullable=False),
    sa.Column('name_uk', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_type')),
    sa.UniqueConstraint('code', name=op.f('uq_service_type_code'))
    )
    op.create_table('funder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('name_kk', sa.String(length=300), nullable=False),
    sa.Column('name_ru', sa.String(length=300), nullable=False),
    sa.Column('name_uk', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.CheckConstraint("country IN ('KZ', 'UA')", name=op.f('ck_funder_country_allowed')),
    sa.CheckConstraint("kind IN ('ministry', 'akimat', 'hromada', 'oblast_administration', 'donor')", name=op.f('ck_funder_kind_allowed')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_funder_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funder')),
    sa.UniqueConstraint('code', name=op.f('uq_funder_code'))
    )
    with op.batch_alter_table('funder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_funder_region_id'), ['region_id'], unique=False)

    op.create_table('instrument_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('default_language', sa.String(length=2), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('source', sa.LargeBinary(), nullable=True),
    sa.CheckConstraint("(status = 'published') = (published_at IS NOT NULL)", name=op.f('ck_instrument_version_published_has_date')),
    sa.CheckConstraint("default_language IN ('kk', 'ru', 'uk', 'en')", name=op.f('ck_instrument_version_default_language_allowed')),
    sa.CheckConstraint("status IN ('draft', 'published')", name=op.f('ck_instrument_version_status_allowed')),
    sa.CheckConstraint('version > 0', name=op.f('ck_instrument_version_version_positive')),
    sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'], name=op.f('fk_instrument_version_instrument_id_instrument')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument_version')),
    sa.UniqueConstraint('instrument_id', 'version', name=op.f('uq_instrument_version_instrument_id_version'))
    )
    with op.batch_alter_table('instrument_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instrument_version_instrument_id'), ['instrument_id'], unique=False)

    op.create_table('provider',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=400), nullable=False),
    sa.Column('org_form', sa.String(length=16), nullable=False),
    sa.Column('setting', sa.String(length=24), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('recipients_served', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("org_form IN ('state', 'ngo', 'private')", name=op.f('ck_provider_org_form_allowed')),
    sa.CheckConstraint("setting IN ('residential', 'day_care', 'home_care', 'temporary_stay', 'specialised_centre')", name=op.f('ck_provider_setting_allowed')),
    sa.CheckConstraint('recipients_served >= 0', name=op.f('ck_provider_recipients_served_not_negative')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_provider_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider')),
    sa.UniqueConstraint('code', name=op.f('uq_provider_code'))
    )
    with op.batch_alter_table('provider', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_region_id'), ['region_id'], unique=False)

    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('instrument_version_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('default_language', sa.String(length=2), nullable=False),
    sa.Column('wave', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("country IN ('KZ', 'UA')", name=op.f('ck_campaign_country_allowed')),
    sa.CheckConstraint("default_language IN ('kk', 'ru', 'uk', 'en')", name=op.f('ck_campaign_default_language_allowed')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_campaign_period_ordered')),
    sa.CheckConstraint('wave >= 1', name=op.f('ck_campaign_wave_positive')),
    sa.ForeignKeyConstraint(['instrument_version_id'], ['instrument_version.id'], name=op.f('fk_campaign_instrument_version_id_instrument_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign')),
    sa.UniqueConstraint('code', name=op.f('uq_campaign_code'))
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_instrument_version_id'), ['instrument_version_id'], unique=False)

    op.create_table('choice_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['instrument_version.id'], name=op.f('fk_choice_list_version_id_instrument_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_choice_list')),
    sa.UniqueConstraint('version_id', 'name', name=op.f('uq_choice_list_version_id_name'))
    )
    with op.batch_alter_table('choice_list', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_choice_list_version_id'), ['version_id'], unique=False)

    op.create_table('contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('funder_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('standard_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('budget', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('contracted_recipients', sa.Integer(), nullable=False),
    sa.CheckConstraint("currency IN ('KZT', 'UAH', 'USD', 'EUR')", name=op.f('ck_contract_currency_allowed')),
    sa.CheckConstraint('budget >= 0', name=op.f('ck_contract_budget_not_negative')),
    sa.CheckConstraint('contracted_recipients > 0', name=op.f('ck_contract_contracted_recipients_positive')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_contract_period_ordered')),
    sa.ForeignKeyConstraint(['funder_id'], ['funder.id'], name=op.f('fk_contract_funder_id_funder')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_contract_provider_id_provider')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_contract_region_id_region')),
    sa.ForeignKeyConstraint(['standard_id'], ['service_standard.id'], name=op.f('fk_contract_standard_id_service_standard')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract')),
    sa.UniqueConstraint('number', name=op.f('uq_contract_number'))
    )
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_funder_id'), ['funder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_region_id'), ['region_id'], unique=False)

    op.create_table('dimension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['instrument_version.id'], name=op.f('fk_dimension_version_id_instrument_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dimension')),
    sa.UniqueConstraint('version_id', 'code', name=op.f('uq_dimension_version_id_code'))
    )
    with op.batch_alter_table('dimension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dimension_version_id'), ['version_id'], unique=False)

    op.create_table('instrument_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.CheckConstraint("lang IN ('kk', 'ru', 'uk', 'en')", name=op.f('ck_instrument_text_lang_allowed')),
    sa.CheckConstraint('length(text) > 0', name=op.f('ck_instrument_text_text_not_empty')),
    sa.ForeignKeyConstraint(['version_id'], ['instrument_version.id'], name=op.f('fk_instrument_text_version_id_instrument_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument_text')),
    sa.UniqueConstraint('version_id', 'key', 'lang', name=op.f('uq_instrument_text_version_id_key_lang'))
    )
    with op.batch_alter_table('instrument_text', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instrument_text_version_id'), ['version_id'], unique=False)

    op.create_table('provider_category',
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('recipient_category_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_provider_category_provider_id_provider'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_category_id'], ['recipient_category.id'], name=op.f('fk_provider_category_recipient_category_id_recipient_category')),
    sa.PrimaryKeyConstraint('provider_id', 'recipient_category_id', name=op.f('pk_provider_category'))
    )
    op.create_table('provider_service',
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('service_type_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_provider_service_provider_id_provider'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_type_id'], ['service_type.id'], name=op.f('fk_provider_service_service_type_id_service_type')),
    sa.PrimaryKeyConstraint('provider_id', 'service_type_id', name=op.f('pk_provider_service'))
    )
    op.create_table('provider_standard',
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('service_standard_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_provider_standard_provider_id_provider'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_standard_id'], ['service_standard.id'], name=op.f('fk_provider_standard_service_standard_id_service_standard')),
    sa.PrimaryKeyConstraint('provider_id', 'service_standard_id', name=op.f('pk_provider_standard'))
    )
    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('password_changed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("language IN ('kk', 'ru', 'uk', 'en')", name=op.f('ck_staff_user_language_allowed')),
    sa.CheckConstraint("role IN ('admin', 'evaluator', 'monitor', 'provider_manager', 'social_worker')", name=op.f('ck_staff_user_role_allowed')),
    sa.CheckConstraint("role NOT IN ('provider_manager', 'social_worker') OR provider_id IS NOT NULL", name=op.f('ck_staff_user_own_organisation_set')),
    sa.CheckConstraint('failed_logins >= 0', name=op.f('ck_staff_user_failed_logins_not_negative')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_staff_user_provider_id_provider')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_user')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_user_email'))
    )
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_user_provider_id'), ['provider_id'], unique=False)

    op.create_table('campaign_provider',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('link_code', sa.String(length=16), nullable=False),
    sa.Column('target_responses', sa.Integer(), nullable=True),
    sa.Column('invitations', sa.Integer(), nullable=True),
    sa.CheckConstraint('invitations >= 0', name=op.f('ck_campaign_provider_invitations_not_negative')),
    sa.CheckConstraint('target_responses >= 0', name=op.f('ck_campaign_provider_target_not_negative')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_provider_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_campaign_provider_provider_id_provider')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_provider')),
    sa.UniqueConstraint('campaign_id', 'provider_id', name=op.f('uq_campaign_provider_campaign_id_provider_id')),
    sa.UniqueConstraint('link_code', name=op.f('uq_campaign_provider_link_code'))
    )
    with op.batch_alter_table('campaign_provider', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_provider_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_provider_provider_id'), ['provider_id'], unique=False)

    op.create_table('choice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('choice_list_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=True),
    sa.CheckConstraint('score BETWEEN 0 AND 10', name=op.f('ck_choice_score_range')),
    sa.ForeignKeyConstraint(['choice_list_id'], ['choice_list.id'], name=op.f('fk_choice_choice_list_id_choice_list'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_choice')),
    sa.UniqueConstraint('choice_list_id', 'name', name=op.f('uq_choice_choice_list_id_name'))
    )
    with op.batch_alter_table('choice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_choice_choice_list_id'), ['choice_list_id'], unique=False)

    op.create_table('contract_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('dated', sa.Date(), nullable=False),
    sa.CheckConstraint("kind IN ('contract', 'amendment', 'act', 'report')", name=op.f('ck_contract_document_kind_allowed')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_document_contract_id_contract'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_document'))
    )
    with op.batch_alter_table('contract_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_document_contract_id'), ['contract_id'], unique=False)

    op.create_table('contract_service',
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('service_type_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_service_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_type_id'], ['service_type.id'], name=op.f('fk_contract_service_service_type_id_service_type')),
    sa.PrimaryKeyConstraint('contract_id', 'service_type_id', name=op.f('pk_contract_service'))
    )
    op.create_table('contract_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=True),
    sa.Column('target', sa.Float(), nullable=False),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_contract_target_period_ordered')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_target_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator_definition.id'], name=op.f('fk_contract_target_indicator_id_indicator_definition')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_target')),
    sa.UniqueConstraint('contract_id', 'indicator_id', 'period_start', name=op.f('uq_contract_target_contract_id_indicator_id_period_start'))
    )
    with op.batch_alter_table('contract_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_target_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_target_indicator_id'), ['indicator_id'], unique=False)

    op.create_table('item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('choice_list_id', sa.Integer(), nullable=True),
    sa.Column('dimension_id', sa.Integer(), nullable=True),
    sa.Column('reverse', sa.Boolean(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('relevant', sa.Text(), nullable=True),
    sa.Column('constraint', sa.Text(), nullable=True),
    sa.Column('calculation', sa.Text(), nullable=True),
    sa.Column('appearance', sa.String(length=200), nullable=True),
    sa.Column('parameters', sa.String(length=200), nullable=True),
    sa.Column('profile_field', sa.String(length=24), nullable=True),
    sa.CheckConstraint("profile_field IN ('age_band', 'sex', 'recipient_category', 'self_rated_health', 'assistance')", name=op.f('ck_item_profile_field_allowed')),
    sa.CheckConstraint("type IN ('select_one', 'select_multiple', 'integer', 'decimal', 'range', 'text', 'note', 'calculate', 'begin_group')", name=op.f('ck_item_type_allowed')),
    sa.CheckConstraint("type NOT IN ('select_one', 'select_multiple') OR choice_list_id IS NOT NULL", name=op.f('ck_item_select_has_choices')),
    sa.ForeignKeyConstraint(['choice_list_id'], ['choice_list.id'], name=op.f('fk_item_choice_list_id_choice_list')),
    sa.ForeignKeyConstraint(['dimension_id'], ['dimension.id'], name=op.f('fk_item_dimension_id_dimension')),
    sa.ForeignKeyConstraint(['group_id'], ['item.id'], name=op.f('fk_item_group_id_item')),
    sa.ForeignKeyConstraint(['version_id'], ['instrument_version.id'], name=op.f('fk_item_version_id_instrument_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item')),
    sa.UniqueConstraint('version_id', 'name', name=op.f('uq_item_version_id_name')),
    sa.UniqueConstraint('version_id', 'position', name=op.f('uq_item_version_id_position'))
    )
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_dimension_id'), ['dimension_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_version_id'), ['version_id'], unique=False)

    op.create_table('user_provider',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_user_provider_provider_id_provider')),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_user_provider_user_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'provider_id', name=op.f('pk_user_provider'))
    )
    op.create_table('user_region',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_user_region_region_id_region')),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_user_region_user_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'region_id', name=op.f('pk_user_region'))
    )
    op.create_table('one_time_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_provider_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('used_on', sa.Date(), nullable=True),
    sa.CheckConstraint('used_on IS NULL OR used_on >= issued_on', name=op.f('ck_one_time_code_used_after_issue')),
    sa.ForeignKeyConstraint(['campaign_provider_id'], ['campaign_provider.id'], name=op.f('fk_one_time_code_campaign_provider_id_campaign_provider'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_one_time_code')),
    sa.UniqueConstraint('code', name=op.f('uq_one_time_code_code'))
    )
    with op.batch_alter_table('one_time_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_one_time_code_campaign_provider_id'), ['campaign_provider_id'], unique=False)

    op.create_table('response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_key', sa.String(length=40), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('instrument_version_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('age_band', sa.String(length=10), nullable=True),
    sa.Column('sex', sa.String(length=8), nullable=True),
    sa.Column('recipient_category_id', sa.Integer(), nullable=True),
    sa.Column('self_rated_health', sa.SmallInteger(), nullable=True),
    sa.Column('assistance', sa.String(length=8), nullable=True),
    sa.Column('paper_batch', sa.String(length=40), nullable=True),
    sa.CheckConstraint("age_band IN ('under_18', '18_34', '35_59', '60_74', '75_plus')", name=op.f('ck_response_age_band_allowed')),
    sa.CheckConstraint("assistance IN ('self', 'helped', 'proxy')", name=op.f('ck_response_assistance_allowed')),
    sa.CheckConstraint("language IN ('kk', 'ru', 'uk', 'en')", name=op.f('ck_response_language_allowed')),
    sa.CheckConstraint("mode IN ('web', 'kiosk', 'assisted', 'paper', 'import')", name=op.f('ck_response_mode_allowed')),
    sa.CheckConstraint("sex IN ('female', 'male')", name=op.f('ck_response_sex_allowed')),
    sa.CheckConstraint('self_rated_health BETWEEN 1 AND 5', name=op.f('ck_response_self_rated_health_range')),
    sa.ForeignKeyConstraint(['campaign_id', 'provider_id'], ['campaign_provider.campaign_id', 'campaign_provider.provider_id'], name=op.f('fk_response_campaign_id_campaign_provider')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_response_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['instrument_version_id'], ['instrument_version.id'], name=op.f('fk_response_instrument_version_id_instrument_version')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_response_provider_id_provider')),
    sa.ForeignKeyConstraint(['recipient_category_id'], ['recipient_category.id'], name=op.f('fk_response_recipient_category_id_recipient_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_response_submission_key'))
    )
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index('ix_response_campaign_provider', ['campaign_id', 'provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_response_instrument_version_id'), ['instrument_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_response_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_response_recipient_category_id'), ['recipient_category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_response_submitted_on'), ['submitted_on'], unique=False)

    op.create_table('answer',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=400), nullable=True),
    sa.Column('score', sa.SmallInteger(), nullable=True),
    sa.Column('number', sa.Float(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.CheckConstraint('choice IS NOT NULL OR number IS NOT NULL OR text IS NOT NULL', name=op.f('ck_answer_has_value')),
    sa.CheckConstraint('length(text) <= 4000', name=op.f('ck_answer_text_length')),
    sa.CheckConstraint('score BETWEEN 0 AND 10', name=op.f('ck_answer_score_range')),
    sa.CheckConstraint('score IS NULL OR choice IS NOT NULL', name=op.f('ck_answer_score_has_choice')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_answer_item_id_item')),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_answer_response_id_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'item_id', name=op.f('pk_answer'))
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index('ix_answer_item_score', ['item_id', 'score'], unique=False)



def downgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_item_score')

    op.drop_table('answer')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_submitted_on'))
        batch_op.drop_index(batch_op.f('ix_response_recipient_category_id'))
        batch_op.drop_index(batch_op.f('ix_response_provider_id'))
        batch_op.drop_index(batch_op.f('ix_response_instrument_version_id'))
        batch_op.drop_index('ix_response_campaign_provider')

    op.drop_table('response')
    with op.batch_alter_table('one_time_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_one_time_code_campaign_provider_id'))

    op.drop_table('one_time_code')
    op.drop_table('user_region')
    op.drop_table('user_provider')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_version_id'))
        batch_op.drop_index(batch_op.f('ix_item_dimension_id'))

    op.drop_table('item')
    with op.batch_alter_table('contract_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_target_indicator_id'))
        batch_op.drop_index(batch_op.f('ix_contract_target_contract_id'))

    op.drop_table('contract_target')
    op.drop_table('contract_service')
    with op.batch_alter_table('contract_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_document_contract_id'))

    op.drop_table('contract_document')
    with op.batch_alter_table('choice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_choice_choice_list_id'))

    op.drop_table('choice')
    with op.batch_alter_table('campaign_provider', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_provider_provider_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_provider_campaign_id'))

    op.drop_table('campaign_provider')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_user_provider_id'))

    op.drop_table('staff_user')
    op.drop_table('provider_standard')
    op.drop_table('provider_service')
    op.drop_table('provider_category')
    with op.batch_alter_table('instrument_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instrument_text_version_id'))

    op.drop_table('instrument_text')
    with op.batch_alter_table('dimension', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dimension_version_id'))

    op.drop_table('dimension')
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_region_id'))
        batch_op.drop_index(batch_op.f('ix_contract_provider_id'))
        batch_op.drop_index(batch_op.f('ix_contract_funder_id'))

    op.drop_table('contract')
    with op.batch_alter_table('choice_list', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_choice_list_version_id'))

    op.drop_table('choice_list')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_instrument_version_id'))

    op.drop_table('campaign')
    with op.batch_alter_table('provider', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_region_id'))

    op.drop_table('provider')
    with op.batch_alter_table('instrument_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instrument_version_instrument_id'))

    op.drop_table('instrument_version')
    with op.batch_alter_table('funder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_funder_region_id'))

    op.drop_table('funder')
    op.drop_table('service_type')
    op.drop_table('service_standard')
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_region_parent_id'))

    op.drop_table('region')
    op.drop_table('recipient_category')
    op.drop_table('instrument')
    op.drop_table('indicator_definition')
