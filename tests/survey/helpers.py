"""Builders and a scripted respondent for the survey tests: they use the site as a person would."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from survey_app.campaigns.services import enrol_provider, issue_codes
from survey_app.extensions import db
from survey_app.models import Campaign, CampaignProvider, InstrumentVersion, OneTimeCode, ServiceStandard
from survey_app.models.base import today
from tests.support import factories

CONTROLS = {"csrf_token", "action", "switch_lang"}
PROGRESS = re.compile(r'<progress max="(\d+)" value="(\d+)"')
FIELD = re.compile(r'<(?:input|textarea)[^>]*\bname="([^"]+)"')
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def make_site(version: InstrumentVersion, setting: str = "day_care", standards: tuple[str, ...] = (),
              country: str = "KZ", starts_on: date | None = None, ends_on: date | None = None) -> CampaignProvider:
    """A provider taking part in a campaign of ``version`` that is open today (unless dates say otherwise)."""
    provider = factories.provider(factories.region(country), setting=setting)
    provider.standards = list(db.session.scalars(select(ServiceStandard).where(ServiceStandard.code.in_(standards))))
    campaign = Campaign(
        code=factories.unique("campaign"), name="Test campaign", instrument_version=version, country=country,
        default_language="kk" if country == "KZ" else "uk", wave=1,
        starts_on=starts_on or today() - timedelta(days=30), ends_on=ends_on or today() + timedelta(days=30),
    )
    db.session.add(campaign)
    db.session.flush()
    return enrol_provider(campaign, provider)


def one_time_code(participant: CampaignProvider, expires_on: date | None = None) -> OneTimeCode:
    return issue_codes(participant, 1, expires_on=expires_on)[0]


def text_of(response) -> str:
    """The page's text with HTML entities decoded (``don&#39;t`` → ``don't``)."""
    return html.unescape(response.get_data(as_text=True))


def title_of(response) -> str:
    return TITLE.search(response.get_data(as_text=True)).group(1).strip()


def fields_of(response) -> list[str]:
    """Names of the questions a page asks (in order, once each)."""
    names = []
    for name in FIELD.findall(response.get_data(as_text=True)):
        if name not in CONTROLS and name not in names:
            names.append(name)
    return names


def progress_of(response) -> tuple[int, int]:
    """(page number, number of pages) from the progress bar, whatever the language."""
    total, number = PROGRESS.search(response.get_data(as_text=True)).groups()
    return int(number), int(total)


def location(response) -> str:
    return response.headers.get("Location", "")


@dataclass
class Respondent:
    """Someone answering through ``client``, the way a browser would post the forms."""

    client: object
    link_code: str
    way_in: str = "s"
    visited: list[list[str]] = field(default_factory=list)  # the questions of each page of the last walk

    def start(self, action: str = "start", **query):
        """Open the start page and agree; returns the redirect to page 1."""
        self.client.get(f"/{self.way_in}/{self.link_code}", query_string=query)
        return self.client.post(f"/{self.way_in}/{self.link_code}", data={"action": action})

    def page(self, number: int, **query):
        return self.client.get(f"/q/{number}", query_string=query)

    def post(self, number: int, answers: dict | None = None, action: str = "next", **extra):
        data = {**(answers or {}), **extra}
        if action:
            data["action"] = action
        return self.client.post(f"/q/{number}", data=data)

    def walk(self, answers: dict | None = None, stop_before_last: bool = False):
        """Answer page after page with ``answers`` (questions not in it are skipped).

        Returns the last POST's answer (the redirect to the thanks page), or with ``stop_before_last`` the
        number of the last page and the data to post on it, for tests that submit it themselves.
        """
        answers = answers or {}
        number = 1
        self.visited = []
        while True:
            shown = self.page(number)
            assert shown.status_code == 200, (number, shown.status_code)
            current, total = progress_of(shown)
            self.visited.append(fields_of(shown))
            data = {name: answers[name] for name in fields_of(shown) if name in answers}
            if current == total and stop_before_last:
                return number, {**data, "action": "submit"}
            posted = self.post(number, data, action="submit" if current == total else "next")
            assert posted.status_code == 302, (number, posted.status_code, text_of(posted)[:2000])
            if current == total:
                return posted
            assert location(posted).endswith(f"/q/{number + 1}"), location(posted)
            number += 1
