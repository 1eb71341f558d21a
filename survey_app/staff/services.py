"""What the staff home page shows, always within the user's scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from survey_app.access import provider_filter
from survey_app.extensions import db
from survey_app.models import Provider, Response, User


@dataclass(frozen=True)
class Overview:
    providers: int
    responses: int


def home_overview(user: User) -> Overview:
    return Overview(
        providers=db.session.scalar(select(func.count()).select_from(Provider).where(provider_filter(user))) or 0,
        responses=db.session.scalar(
            select(func.count()).select_from(Response).where(provider_filter(user, Response.provider_id))
        ) or 0,
    )
