"""Going through the survey in a browser: ways in, answering a page, the whole questionnaire."""

from __future__ import annotations

from collections.abc import Callable


def navigate(page, action: Callable[[], object]) -> None:
    """Run ``action`` (a click or a ``goto``) and wait until the page it leads to has loaded."""
    with page.expect_navigation(wait_until="load"):
        action()


_ANSWER = """
([pick, assistance, text]) => {
  document.querySelectorAll('fieldset.question').forEach((group, index) => {
    const options = [...group.querySelectorAll('input[type=radio]')];
    const chosen = options.find((option) => option.name === 'assistance' && option.value === assistance)
      || options[(pick + index) % options.length];
    if (chosen) chosen.checked = true;
  });
  if (text !== null) document.querySelectorAll('textarea').forEach((area) => { area.value = text; });
}
"""


def answer_page(page, pick: int = 0, assistance: str = "self", text: str | None = None) -> None:
    """Choose an answer in every radio group on the page (the ``pick``-th option, varied per group).

    Answers are set by script here, for speed; the keyboard test answers with real key presses.
    """
    page.evaluate(_ANSWER, [pick, assistance, text])


def has_next(page) -> bool:
    return page.locator("button[name=action][value=next]").count() > 0


def forward(page) -> None:
    """Next, or Submit on the last page."""
    value = "next" if has_next(page) else "submit"
    navigate(page, lambda: page.click(f"button[name=action][value={value}]"))


def start(page, url: str) -> None:
    """Open a start page and agree."""
    navigate(page, lambda: page.goto(url))
    navigate(page, lambda: page.click("button[name=action][value=start]"))
