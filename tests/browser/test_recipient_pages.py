"""Every page a recipient can see, in kk, ru, uk and en: axe-core, structure, targets, focus, reflow, weight.

One sweep per language walks the whole survey in one browser context (the questionnaire of a
residential home, a home-care service, a crisis centre for victims of domestic violence answered by
a proxy, and a Ukrainian day centre on a kiosk), the start page of an assisted interview, the code
page, every page that says the survey cannot be opened, the pages with validation errors and both
thank-you pages. Every check runs on every page as it is reached, and a failure lists every page and
problem of the language at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.browser.audit import (
    MAX_PAGE_BYTES,
    MIN_TARGET,
    NAMED_TITLE,
    NEUTRAL_TITLE,
    PageLoad,
    focus_problems,
    format_violations,
    reflow_problems,
    run_axe,
    structure_problems,
    target_problems,
)
from tests.browser.server import AXE, LANGUAGES
from tests.browser.walk import answer_page, forward, has_next, navigate

pytestmark = pytest.mark.browser

# Every field marked as wrong is linked from the summary, described by its message and invalid.
_ERROR_CHECKS = """
() => {
  const problems = [];
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? `[name=${el.name}]` : '');
  const summary = document.querySelector('.error-summary');
  const fields = [...document.querySelectorAll('.field-error')];
  if (!summary) return ['no error summary'];
  if (!fields.length) return ['no field is marked as wrong'];
  if (summary.getAttribute('role') !== 'alert') problems.push('the error summary has no role=alert');
  if (document.activeElement !== summary) problems.push('the error summary does not have the focus');
  const links = [...summary.querySelectorAll('a')].map((link) => {
    const href = link.getAttribute('href') || '';
    const target = href.startsWith('#') ? document.getElementById(href.slice(1)) : null;
    if (!link.textContent.trim()) problems.push(`the summary link to ${href} has no text`);
    if (!target) problems.push(`the summary link ${href} leads nowhere on the page`);
    return target;
  });
  for (const container of fields) {
    const controls = [...container.querySelectorAll('input:not([type=hidden]), textarea, select')];
    const name = controls.length ? describe(controls[0]) : describe(container);
    if (!links.some((target) => target && (target === container || container.contains(target)))) {
      problems.push(`the summary has no link to ${name}`);
    }
    const messages = [...container.querySelectorAll('.error-message')];
    if (!messages.length) problems.push(`${name} shows no error message`);
    for (const message of messages) {
      if (!message.id || !message.textContent.trim()) problems.push(`an error message of ${name} is empty or unnamed`);
    }
    for (const control of controls) {
      if (control.getAttribute('aria-invalid') !== 'true') problems.push(`${describe(control)} lacks aria-invalid`);
      const holders = [control, control.closest('fieldset')].filter(Boolean);
      const ids = holders.flatMap((holder) => (holder.getAttribute('aria-describedby') || '').split(/\\s+/));
      for (const message of messages) {
        if (!ids.includes(message.id)) {
          problems.push(`${describe(control)} is not described by "${message.textContent.trim()}"`);
        }
      }
    }
  }
  return problems;
}
"""


@dataclass
class Visit:
    label: str
    url: str
    status: int
    axe: list[str]
    structure: list[str]
    targets: list[str]
    focus: list[str]
    reflow: list[str]
    load: PageLoad
    errors: list[str] = field(default_factory=list)


class Sweep:
    """One language's walk through every recipient page, checking each page as it is reached."""

    def __init__(self, page, devtools, language: str, live):
        self.page, self.devtools, self.language, self.live = page, devtools, language, live
        self.visits: list[Visit] = []
        self.load = PageLoad()
        self.status = 0
        page.on("response", self._record)

    def _record(self, response) -> None:
        self.load.record(response)
        if response.request.is_navigation_request() and response.request.frame == self.page.main_frame:
            self.status = response.status

    def visit(self, label: str, action, with_errors: bool = False, title: str = NEUTRAL_TITLE) -> None:
        self.load = PageLoad()
        navigate(self.page, action)
        self.check(label, with_errors, title)

    def open(self, label: str, path: str, with_errors: bool = False, title: str = NEUTRAL_TITLE) -> None:
        self.visit(label, lambda: self.page.goto(self.live.url + path), with_errors, title)

    def check(self, label: str, with_errors: bool = False, title: str = NEUTRAL_TITLE) -> None:
        page = self.page
        load, self.load = self.load, PageLoad()  # what the checks fetch (axe reads the stylesheet) is not the page's
        visit = Visit(
            label=label, url=page.url, status=self.status, load=load,
            axe=format_violations(run_axe(page)),
            structure=structure_problems(page, self.language, title),
            targets=target_problems(page),
            errors=page.evaluate(_ERROR_CHECKS) if with_errors else [],
            focus=focus_problems(page),
            reflow=reflow_problems(page, self.devtools),
        )
        self.visits.append(visit)

    def questionnaire(self, label: str, start_path: str, assistance: str = "self", text: str | None = None) -> None:
        """A start page, every page of the questionnaire (answered) and the thank-you page."""
        lang = f"?lang={self.language}"
        self.open(f"{label}: start", start_path + lang)
        self.visit(f"{label}: page 1", lambda: self.page.click("button[name=action][value=start]"))
        number = 1
        while True:
            answer_page(self.page, pick=number, assistance=assistance, text=text)
            last = not has_next(self.page)
            self.load = PageLoad()
            forward(self.page)
            number += 1
            self.check(f"{label}: thanks" if last else f"{label}: page {number}")
            if last:
                break

    def run(self) -> None:
        live, lang, page = self.live, f"?lang={self.language}", self.page
        self.open("home", "/" + lang)
        self.open("code", "/c" + lang)
        for kind, code in (("unknown", "NOSUCH42"), ("used", live.codes["used"]), ("expired", live.codes["expired"])):
            page.fill("#code", code)
            self.visit(f"code: {kind}", lambda: page.click("form button[type=submit]"), with_errors=True)
        page.context.clear_cookies()
        self.open("cannot open: unknown link", "/s/NOSUCH" + lang)
        self.open("cannot open: closed campaign", f"/s/{live.closed_link}" + lang)
        self.open("cannot open: lost draft", "/q/1" + lang)
        self.open("page not found", "/no-such-page" + lang, title=NAMED_TITLE)
        self.open("staff sign-in", "/staff/login" + lang, title=NAMED_TITLE)
        navigate(page, lambda: page.goto(f"{live.url}/c{lang}"))
        page.fill("#code", live.codes["fresh"])
        self.visit("start: code accepted", lambda: page.click("form button[type=submit]"))
        page.context.clear_cookies()  # the fresh code stays unused for the other languages

        self.questionnaire("residential", f"/s/{live.links['residential']}")
        self.questionnaire("home care", f"/s/{live.links['home_care']}", text="Жақсы · Добре · Good")
        self.questionnaire("crisis centre, proxy", f"/s/{live.links['victims']}", assistance="proxy")
        self.questionnaire("Ukraine, kiosk", f"/k/{live.links['ukraine']}")

        # An assisted interview: a social worker's tablet, signed in, shows the recipient the start page.
        navigate(page, lambda: page.goto(f"{live.url}/staff/login{lang}"))
        page.fill("#email", live.worker_email)
        page.fill("#password", live.worker_password)
        navigate(page, lambda: page.click("form [type=submit]"))
        self.open("start: assisted interview", f"/a/{live.links['victims']}" + lang)
        page.context.clear_cookies()

        self.open("checks: start", f"/s/{live.checks_link}" + lang)
        self.visit("checks: page 1", lambda: page.click("button[name=action][value=start]"))
        self.visit("checks: required", lambda: page.click("button[name=action][value=next]"), with_errors=True)
        page.fill("input[name=visits]", "77")
        self.visit("checks: out of range", lambda: page.click("button[name=action][value=next]"), with_errors=True)
        page.locator("label.option").first.click()
        page.fill("input[name=visits]", "tri")
        self.visit("checks: not a number", lambda: page.click("button[name=action][value=next]"), with_errors=True)
        page.context.clear_cookies()


CHECKS = {
    "axe": "axe-core (WCAG 2.1 A and AA)",
    "structure": "language, neutral title, fieldsets and labels, nothing inline",
    "errors": "error summary, links, aria-describedby and aria-invalid",
    "targets": f"touch targets of {MIN_TARGET} × {MIN_TARGET} px",
    "focus": "visible focus",
    "reflow": "no sideways scrolling or cut-off text at 320 px and with text at 200 %",
    "load": f"page weight (≤ {MAX_PAGE_BYTES} bytes) and hosts",
}


def sweep_in(browser, live_server, language: str) -> Sweep:
    context = browser.new_context(bypass_csp=True, viewport={"width": 320, "height": 640}, locale="en-GB")
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    # No HTTP cache: every page's weight counts its stylesheet and script, as on a first visit.
    devtools = context.new_cdp_session(page)
    devtools.send("Network.enable")
    devtools.send("Network.setCacheDisabled", {"cacheDisabled": True})
    walk = Sweep(page, devtools, language, live_server)
    try:
        walk.run()
    finally:
        context.close()
    return walk


def check_coverage(sweep: Sweep) -> None:
    labels = [visit.label for visit in sweep.visits]
    for expected in ("home", "code", "code: unknown", "code: used", "code: expired", "cannot open: unknown link",
                     "cannot open: closed campaign", "cannot open: lost draft", "page not found", "staff sign-in",
                     "start: code accepted",
                     "residential: start", "Ukraine, kiosk: start", "start: assisted interview",
                     "residential: thanks", "Ukraine, kiosk: thanks",
                     "checks: required", "checks: out of range", "checks: not a number"):
        assert expected in labels
    statuses = {visit.label: visit.status for visit in sweep.visits}
    assert statuses["cannot open: unknown link"] == 404
    assert statuses["cannot open: closed campaign"] == 410
    assert statuses["cannot open: lost draft"] == 410
    assert statuses["page not found"] == 404
    assert statuses["checks: required"] == 422
    assert statuses["start: assisted interview"] == 200
    # Each setting's own module was shown: 12 pages with a module, 11 without.
    last_page = {walk: max(int(label.rsplit(" ", 1)[1]) for label in labels if label.startswith(walk + ": page"))
                 for walk in ("residential", "home care", "crisis centre, proxy", "Ukraine, kiosk")}
    assert last_page == {"residential": 12, "home care": 12, "crisis centre, proxy": 12, "Ukraine, kiosk": 11}


def report(sweep: Sweep) -> str:
    sections = []
    for attribute, title in CHECKS.items():
        lines = []
        for visit in sweep.visits:
            problems = visit.load.problems(sweep.live.host) if attribute == "load" else getattr(visit, attribute)
            if problems:
                lines.append(f"  {visit.label} ({visit.url}):")
                lines += [f"      {problem}" for problem in problems]
        if lines:
            sections.append(f"{title}:\n" + "\n".join(lines))
    return "\n".join(sections)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_recipient_page(browser, live_server, language):
    """One test per language, so that parallel workers never walk the same language twice."""
    sweep = sweep_in(browser, live_server, language)
    check_coverage(sweep)
    heaviest = max(sweep.visits, key=lambda visit: visit.load.total)
    print(f"{language}: {len(sweep.visits)} pages; heaviest: {heaviest.label}, {heaviest.load.total} bytes "
          f"({', '.join(f'{t.resource_type} {t.size}' for t in heaviest.load.transfers)})")
    problems = report(sweep)
    assert not problems, f"{language}:\n{problems}"
