"""What the user administration pages read: accounts page by page, and the regions and providers an
account can be given. Changes to accounts go through ``survey_app.auth.services``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from survey_app.access import provider_filter
from survey_app.extensions import db
from survey_app.models import Provider, Region, User
from survey_app.models.users import ROLES

PAGE_SIZE = 50
# Provider codes typed in a box: separated by commas, semicolons, spaces or new lines.
_CODE_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class UserPage:
    users: list[User]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class RegionChoice:
    region: Region
    hromadas: list[Region]


def users_page(page: int = 1, search: str = "", role: str = "") -> UserPage:
    """Accounts by name, optionally those whose name or e-mail contains ``search`` and with ``role``."""
    conditions = []
    search = search.strip().lower()
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(or_(func.lower(User.full_name).like(pattern, escape="\\"),
                              User.email.like(pattern, escape="\\")))
    if role in ROLES:
        conditions.append(User.role == role)
    total = db.session.scalar(select(func.count()).select_from(User).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    users = list(db.session.scalars(
        select(User).where(*conditions)
        .options(selectinload(User.provider), selectinload(User.regions), selectinload(User.providers))
        .order_by(func.lower(User.full_name), User.id)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ))
    return UserPage(users, total, page, pages)


def find_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def region_choices(language: str) -> list[RegionChoice]:
    """Oblasts and cities by country, then by name in ``language``, each with its hromadas (a monitor
    given an oblast sees its hromadas too)."""
    regions = sorted(db.session.scalars(select(Region)), key=lambda region: (region.country, region.name(language)))
    children: dict[int, list[Region]] = {}
    for region in regions:
        if region.parent_id is not None:
            children.setdefault(region.parent_id, []).append(region)
    return [RegionChoice(region, children.get(region.id, [])) for region in regions if region.parent_id is None]


def regions_by_id(ids: list[int]) -> list[Region]:
    if not ids:
        return []
    return list(db.session.scalars(select(Region).where(Region.id.in_(ids)).order_by(Region.code)))


def provider_options(acting: User) -> list[tuple[str, str]]:
    """(code, name) of every provider the acting administrator may assign."""
    return [(code, name) for code, name in db.session.execute(
        select(Provider.code, Provider.name).where(provider_filter(acting)).order_by(Provider.code)
    )]


def split_codes(text: str | None) -> list[str]:
    seen: list[str] = []
    for code in _CODE_SEPARATORS.split(text or ""):
        if code and code not in seen:
            seen.append(code)
    return seen


def providers_by_code(acting: User, codes: list[str]) -> tuple[list[Provider], list[str]]:
    """The providers with these codes that the acting user may assign, and the codes not found."""
    if not codes:
        return [], []
    found = {provider.code: provider for provider in db.session.scalars(
        select(Provider).where(Provider.code.in_(codes), provider_filter(acting))
    )}
    return [found[code] for code in codes if code in found], [code for code in codes if code not in found]
