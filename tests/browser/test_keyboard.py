"""The survey with the keyboard alone: a whole questionnaire, the error summary, and Esc to leave."""

from __future__ import annotations

from functools import partial
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from tests.browser.walk import navigate

pytestmark = pytest.mark.browser

FOCUSED_RADIO_GROUP = "() => document.activeElement.type === 'radio' ? document.activeElement.name : null"


def focused(page, selector: str) -> bool:
    return page.evaluate("(selector) => document.activeElement.matches(selector)", selector)


def focus_arrives(page, selector: str) -> bool:
    """The focus reaches ``selector`` within 10 s (a page's script moves it once loaded; a busy machine is slow)."""
    page.wait_for_function("(selector) => document.activeElement.matches(selector)", arg=selector, timeout=10_000)
    return True


def tab_to(page, selector: str, key: str = "Tab", limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press(key)
        if focused(page, selector):
            return
    raise AssertionError(f"{key} never reached {selector} on {page.url}")


def watch_for_errors(page) -> list[str]:
    """Script errors and CSP refusals (an inline style or script would be one) on the page."""
    errors: list[str] = []

    def console(message) -> None:
        # A 422 answer (a page with errors) is logged too; it is what the app means to send.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def answer_with_keys(page, turn: int) -> None:
    """Tab through the page's radio groups and answer each with Space or the arrow keys; type in text boxes."""
    groups = page.eval_on_selector_all("fieldset.question input[type=radio]",
                                       "(inputs) => [...new Set(inputs.map((input) => input.name))]")
    for index, name in enumerate(groups):
        tab_to(page, f"input[type=radio][name='{name}']")
        if name == "assistance":
            page.keyboard.press("Space")  # the first option: "I answer myself"
        elif (turn + index) % 2:
            page.keyboard.press("ArrowDown")  # moves to the next option and selects it
            page.keyboard.press("ArrowDown")
        else:
            page.keyboard.press("Space")
        assert page.evaluate(
            "(name) => document.querySelector(`input[name='${name}']:checked`) !== null", name)
    for name in page.eval_on_selector_all("textarea", "(areas) => areas.map((area) => area.name)"):
        tab_to(page, f"textarea[name='{name}']")
        page.keyboard.type("Жақсы қызмет")


def test_a_questionnaire_can_be_completed_with_the_keyboard_alone(context, live_server):
    page = context.new_page()
    errors = watch_for_errors(page)
    before = live_server.response_count()
    navigate(page, lambda: page.goto(f"{live_server.url}/s/{live_server.links['home_care']}?lang=kk"))
    tab_to(page, "button[name=action][value=start]")
    navigate(page, lambda: page.keyboard.press("Enter"))
    pages = 0
    while True:
        pages += 1
        assert page.evaluate("() => document.documentElement.lang") == "kk"
        answer_with_keys(page, pages)
        last = page.locator("button[name=action][value=submit]").count() == 1
        button = "button[name=action][value=submit]" if last else "button[name=action][value=next]"
        tab_to(page, button)
        if pages == 2:
            # Back up to the last group with Shift+Tab, change the answer, and come forward again.
            tab_to(page, "input[type=radio]", key="Shift+Tab")
            page.keyboard.press("ArrowUp")
            tab_to(page, button)
        navigate(page, partial(page.keyboard.press, "Space" if pages % 2 else "Enter"))
        if last:
            break
    assert pages == 12
    assert urlsplit(page.url).path == "/q/done"
    assert live_server.response_count() == before + 1
    assert errors == []


def test_the_error_summary_takes_the_focus_and_leads_to_the_field(context, live_server):
    page = context.new_page()
    errors = watch_for_errors(page)
    navigate(page, lambda: page.goto(f"{live_server.url}/s/{live_server.checks_link}?lang=uk"))
    tab_to(page, "button[name=action][value=start]")
    navigate(page, lambda: page.keyboard.press("Enter"))
    tab_to(page, "input[name=visits]")
    page.keyboard.type("99")
    tab_to(page, "button[name=action][value=next]")
    navigate(page, lambda: page.keyboard.press("Enter"))
    assert focus_arrives(page, ".error-summary[role=alert]")
    assert page.locator(".error-summary a").count() == 2
    page.keyboard.press("Tab")
    assert focus_arrives(page, ".error-summary a")
    page.keyboard.press("Enter")
    assert focus_arrives(page, "fieldset.field-error input[type=radio][aria-invalid=true]")
    page.keyboard.press("Space")
    tab_to(page, ".error-summary a[href='#visits']", key="Shift+Tab")
    page.keyboard.press("Enter")
    assert focus_arrives(page, "input#visits[aria-invalid=true]")
    described = page.get_attribute("#visits", "aria-describedby").split()
    assert "visits-error" in described
    assert page.text_content("#visits-error").strip() == "Введіть число від 0 до 31."
    assert errors == []


def _draft_count(live_server) -> int:
    from survey_app.models import SurveyDraft

    with live_server.app.app_context():
        try:
            return db.session.scalar(select(func.count()).select_from(SurveyDraft))
        finally:
            db.session.remove()


def test_escape_leaves_through_the_quick_exit_and_forgets_everything(context, live_server):
    page = context.new_page()
    navigate(page, lambda: page.goto(f"{live_server.url}/s/{live_server.links['victims']}?lang=ru"))
    tab_to(page, "button[name=action][value=start]")
    navigate(page, lambda: page.keyboard.press("Enter"))
    tab_to(page, "input[type=radio]")
    page.keyboard.press("Space")
    assert any(cookie["name"] == "sapa" for cookie in context.cookies())
    drafts = _draft_count(live_server)
    visited = []
    page.on("request", lambda request: visited.append(request.url) if request.is_navigation_request() else None)
    navigate(page, lambda: page.keyboard.press("Escape"))
    assert [urlsplit(url).netloc for url in visited] == [live_server.host, urlsplit(live_server.neutral_site).netloc]
    assert urlsplit(visited[0]).path == "/exit"
    assert page.url == live_server.neutral_site
    assert [cookie for cookie in context.cookies() if cookie["name"] == "sapa"] == []
    assert _draft_count(live_server) == drafts - 1
    # The questionnaire page was replaced in the history: "Back" does not show it again.
    navigate(page, page.go_back)
    assert not urlsplit(page.url).path.startswith("/q/")
