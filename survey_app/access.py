"""Who may see what — the one place where access rules live, as query filters.

Every page, export and API answer that lists providers, responses or anything derived from them
filters with these functions, so no view can forget a rule:

- administrator and evaluator: every provider;
- monitor: providers in the assigned regions (an assigned oblast includes its hromadas) and the
  providers assigned one by one;
- provider manager and social worker: their own organisation only.

Staff accounts are managed by administrators only (``USER_ADMINISTRATORS``).

Safeguarding alerts (a recipient's comment that may reveal abuse) go to those who oversee a provider
— administrators, evaluators and its monitors — and never to its own organisation: a comment about
abuse by staff must not reach only the staff's own manager, who could guess who wrote it
(``safeguarding_filter``). The comments behind those alerts are left out of what the provider's own
staff read.

State social order contracts (``contract_filter``): administrators and evaluators see every contract,
a monitor the contracts of providers in scope, a provider manager their own organisation's contracts
(read-only); social workers none. Only administrators and evaluators change a contract, its targets,
figures and expert assessment (``CONTRACT_EDITORS``); only administrators import contracts and define
custom indicators (``CONTRACT_ADMINISTRATORS``).
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import aliased

from survey_app.extensions import db
from survey_app.models import Contract, Provider, Region, User
from survey_app.models.users import user_provider, user_region

SEES_EVERYTHING = ("admin", "evaluator")
OWN_ORGANISATION = ("provider_manager", "social_worker")
USER_ADMINISTRATORS = ("admin",)
SAFEGUARDING_ROLES = ("admin", "evaluator", "monitor")
CONTRACT_READERS = ("admin", "evaluator", "monitor", "provider_manager")
CONTRACT_EDITORS = ("admin", "evaluator")
CONTRACT_ADMINISTRATORS = ("admin",)


def provider_filter(user: User, provider_id_column=Provider.id) -> ColumnElement[bool]:
    """A WHERE clause limiting ``provider_id_column`` to the providers ``user`` may see."""
    if user is None or not getattr(user, "is_authenticated", False):
        return false()
    if user.role in SEES_EVERYTHING:
        return true()
    if user.role in OWN_ORGANISATION:
        return provider_id_column == user.provider_id if user.provider_id else false()
    if user.role == "monitor":
        parent = aliased(Region)
        assigned_regions = select(user_region.c.region_id).where(user_region.c.user_id == user.id)
        in_regions = (
            select(Provider.id)
            .join(Region, Provider.region_id == Region.id)
            .outerjoin(parent, Region.parent_id == parent.id)
            .where(or_(Region.id.in_(assigned_regions), parent.id.in_(assigned_regions)))
        )
        assigned = select(user_provider.c.provider_id).where(user_provider.c.user_id == user.id)
        return or_(provider_id_column.in_(in_regions), provider_id_column.in_(assigned))
    return false()


def safeguarding_filter(user: User, provider_id_column) -> ColumnElement[bool]:
    """A WHERE clause limiting safeguarding alerts (by their provider) to those ``user`` follows up."""
    if getattr(user, "role", None) not in SAFEGUARDING_ROLES:
        return false()
    return provider_filter(user, provider_id_column)


def sees_safeguarding(user: User) -> bool:
    return getattr(user, "role", None) in SAFEGUARDING_ROLES


def contract_filter(user: User, provider_id_column=None) -> ColumnElement[bool]:
    """A WHERE clause limiting contracts (by their provider) to those ``user`` may see."""
    if getattr(user, "role", None) not in CONTRACT_READERS:
        return false()
    return provider_filter(user, Contract.provider_id if provider_id_column is None else provider_id_column)


def can_edit_contracts(user: User) -> bool:
    return getattr(user, "role", None) in CONTRACT_EDITORS


def can_see_provider(user: User, provider_id: int) -> bool:
    return db.session.scalar(
        select(Provider.id).where(Provider.id == provider_id, provider_filter(user))
    ) is not None


def roles_required(*roles: str):
    """Allow a view only to signed-in staff with one of ``roles`` (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
