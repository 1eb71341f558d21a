"""Figures for the public home page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import Campaign, Provider, Response


@dataclass(frozen=True)
class HomeFigures:
    providers: int
    campaigns: int
    responses: int


def home_figures() -> HomeFigures:
    return HomeFigures(
        providers=db.session.scalar(select(func.count()).select_from(Provider)) or 0,
        campaigns=db.session.scalar(select(func.count()).select_from(Campaign)) or 0,
        responses=db.session.scalar(select(func.count()).select_from(Response)) or 0,
    )
