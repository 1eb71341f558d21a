"""The domain model, one module per area; imported here so Alembic sees every table."""

from survey_app.models.base import LANGUAGES, Base
from survey_app.models.campaigns import Campaign, CampaignProvider, OneTimeCode
from survey_app.models.contracts import (
    Contract,
    ContractDocument,
    ContractTarget,
    Funder,
    IndicatorDefinition,
)
from survey_app.models.drafts import SurveyDraft
from survey_app.models.geography import Region
from survey_app.models.instruments import (
    Choice,
    ChoiceList,
    Dimension,
    Instrument,
    InstrumentText,
    InstrumentVersion,
    Item,
    PublishedVersionError,
)
from survey_app.models.intake import PaperBatch, PaperEntry
from survey_app.models.monitoring import AdministrativeFigure, AuditEvent, ExpertAssessment
from survey_app.models.providers import Provider, RecipientCategory, ServiceStandard, ServiceType
from survey_app.models.responses import Answer, Response
from survey_app.models.safeguarding import SafeguardingAlert
from survey_app.models.scores import GroupScore, ProviderScore, ScoreSnapshot
from survey_app.models.users import User

__all__ = [
    "AdministrativeFigure", "Answer", "AuditEvent", "Base", "Campaign", "CampaignProvider", "Choice",
    "ChoiceList", "Contract", "ContractDocument", "ContractTarget", "Dimension", "ExpertAssessment",
    "Funder", "GroupScore", "IndicatorDefinition", "Instrument", "InstrumentText", "InstrumentVersion",
    "Item", "LANGUAGES", "OneTimeCode", "PaperBatch", "PaperEntry", "Provider", "ProviderScore",
    "PublishedVersionError", "RecipientCategory", "Region", "Response", "SafeguardingAlert", "ScoreSnapshot",
    "ServiceStandard", "ServiceType", "SurveyDraft", "User",
]
