"""A kiosk's time limits give people more time (WCAG 2.2.1); the survey works with script switched off."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from survey_app.survey.routes import KIOSK_THANKS_SECONDS
from tests.browser.walk import navigate, start

pytestmark = pytest.mark.browser


def _path(page) -> str:
    return urlsplit(page.url).path


def test_an_idle_kiosk_warns_first_and_lets_people_carry_on(context, live_server):
    page = context.new_page()
    page.clock.install()
    link = live_server.links["ukraine"]
    start(page, f"{live_server.url}/k/{link}?lang=uk")
    warning = page.locator("#kiosk-timer")
    assert warning.is_hidden()
    page.clock.run_for("13:59")
    assert warning.is_hidden()
    page.clock.run_for("00:02")
    assert warning.is_visible()
    assert warning.get_attribute("role") == "alert"
    assert page.evaluate("() => document.activeElement.closest('#kiosk-timer') !== null")
    page.keyboard.press("Enter")  # "Continue"
    assert warning.is_hidden()
    page.clock.run_for("14:30")
    assert _path(page) == "/q/1"
    assert warning.is_visible()
    navigate(page, lambda: page.clock.run_for("00:31"))
    assert _path(page) == f"/k/{link}"  # reset for the next person, the answers forgotten
    assert page.locator("button[name=action][value=continue]").count() == 0


def test_the_kiosk_thank_you_page_waits_while_someone_reads_it(context, live_server):
    page = context.new_page()
    page.clock.install()
    link = live_server.links["ukraine"]
    navigate(page, lambda: page.goto(f"{live_server.url}/q/done?c=UA&k={link}&lang=uk"))
    assert str(KIOSK_THANKS_SECONDS) in page.text_content("#kiosk-timer")
    page.clock.run_for(KIOSK_THANKS_SECONDS * 1000 * 3 // 4)
    page.keyboard.press("Tab")  # someone is still reading: the wait starts again
    page.clock.run_for(KIOSK_THANKS_SECONDS * 1000 * 3 // 4)
    assert _path(page) == "/q/done"
    navigate(page, lambda: page.clock.run_for(KIOSK_THANKS_SECONDS * 1000 // 4 + 1000))
    assert _path(page) == f"/k/{link}"


def test_the_survey_works_with_script_switched_off(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        before = live_server.response_count()
        start(page, f"{live_server.url}/s/{live_server.checks_link}?lang=ru")
        page.click("label[for=visited-0]")
        page.fill("#visits", "4")
        # The language switch is a button of the questionnaire form: the answers come along.
        navigate(page, lambda: page.click("button[name=switch_lang][value=en]"))
        assert page.evaluate("() => document.documentElement.lang") == "en"
        assert page.is_checked("#visited-0") and page.input_value("#visits") == "4"
        navigate(page, lambda: page.click("button[name=action][value=next]"))
        page.fill("textarea", "Fine")
        navigate(page, lambda: page.click("button[name=action][value=submit]"))
        assert _path(page) == "/q/done"
        assert live_server.response_count() == before + 1

        start(page, f"{live_server.url}/s/{live_server.links['victims']}?lang=kk")
        navigate(page, lambda: page.click("a.quick-exit"))
        assert page.url == live_server.neutral_site
        assert [cookie for cookie in context.cookies() if cookie["name"] == "sapa"] == []
    finally:
        context.close()
