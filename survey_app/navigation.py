"""The staff navigation: one entry per section a role may open, registered by each feature."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user


@dataclass(frozen=True)
class Section:
    endpoint: str
    label: object  # a lazy translated string
    roles: tuple[str, ...]
    order: int


SECTIONS: list[Section] = [
    Section("staff.home", _l("Overview"), ("admin", "evaluator", "monitor", "provider_manager", "social_worker"), 0),
]


def register_section(endpoint: str, label, roles: tuple[str, ...], order: int) -> None:
    """Called by a feature package when it adds a staff section."""
    if all(section.endpoint != endpoint for section in SECTIONS):
        SECTIONS.append(Section(endpoint, label, roles, order))


def staff_navigation() -> list[tuple[str, object]]:
    if not current_user.is_authenticated:
        return []
    return [
        (section.endpoint, section.label)
        for section in sorted(SECTIONS, key=lambda s: s.order)
        if current_user.role in section.roles and section.endpoint in current_app.view_functions
    ]


def is_current_section(endpoint: str) -> bool:
    """The section the page belongs to: its own endpoint, or any page of the same feature blueprint.

    The shared ``staff`` blueprint holds several sections, so there only the exact page counts. A
    feature blueprint with several sections (``compare``: providers, categories) claims a page for the
    section whose endpoint begins the page's own (``compare.providers_file`` is under providers).
    """
    if request.endpoint == endpoint:
        return True
    blueprint = endpoint.rsplit(".", 1)[0]
    if blueprint == "staff" or request.blueprint != blueprint:
        return False
    siblings = sum(1 for section in SECTIONS if section.endpoint.rsplit(".", 1)[0] == blueprint)
    return siblings == 1 or (request.endpoint or "").startswith(endpoint + "_")


def init_app(app: Flask) -> None:
    app.jinja_env.globals["staff_navigation"] = staff_navigation
    app.jinja_env.globals["is_current_section"] = is_current_section
