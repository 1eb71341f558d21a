"""What the browser tests check on a page: axe-core, structure, touch targets, focus, reflow, weight.

Each check returns a list of plain sentences (empty when the page passes), so a sweep over many
pages can report every problem at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MIN_TARGET = 44  # CSS px, WCAG 2.5.5 (the AAA size: our users have tremors and cheap screens)
MAX_PAGE_BYTES = 30 * 1024
NEUTRAL_TITLE = r"^Sapa( · \d+ / \d+)?$"
# Pages outside the questionnaire (not found, staff sign-in) may name themselves before the site's name.
NAMED_TITLE = r"^[^·]+ · Sapa$"

# A short description of an element for messages: tag#id.class "text".
_DESCRIBE = """
const describe = (el) => {
  let name = el.tagName.toLowerCase();
  if (el.id) name += '#' + el.id;
  else if (el.classList.length) name += '.' + [...el.classList].join('.');
  if (el.name) name += `[name=${el.name}]`;
  const text = (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
  return text ? `${name} "${text}"` : name;
};
const shown = (el) => {
  if (el.closest('.visually-hidden, [hidden]')) return false;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return style.display !== 'none' && style.visibility !== 'hidden' && box.width > 0 && box.height > 0
    && box.right > 0;  // the skip link waits off-screen until it is focused
};
"""

_STRUCTURE = _DESCRIBE + """
([language, titlePattern]) => {
  const problems = [];
  const lang = document.documentElement.getAttribute('lang');
  if (lang !== language) problems.push(`<html lang="${lang}"> instead of "${language}"`);
  if (!new RegExp(titlePattern).test(document.title)) problems.push(`title "${document.title}" is not neutral`);
  for (const input of document.querySelectorAll('input[type=radio], input[type=checkbox]')) {
    const fieldset = input.closest('fieldset');
    const legend = fieldset && fieldset.querySelector(':scope > legend');
    if (!legend || !legend.textContent.trim()) problems.push(`${describe(input)} is not in a fieldset with a legend`);
  }
  const controls = 'input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea';
  for (const control of document.querySelectorAll(controls)) {
    const labelled = [...control.labels].some((label) => label.textContent.trim());
    if (!labelled) problems.push(`${describe(control)} has no label`);
  }
  // The CSP forbids inline styles and scripts: markup that relies on them breaks in production.
  for (const el of document.querySelectorAll('[style]')) problems.push(`${describe(el)} has an inline style`);
  for (const el of document.querySelectorAll('script:not([src])')) problems.push('an inline <script>');
  for (const el of document.querySelectorAll('*')) {
    for (const attribute of el.attributes) {
      if (attribute.name.startsWith('on')) problems.push(`${describe(el)} has an inline ${attribute.name} handler`);
    }
  }
  return problems;
}
"""

_TARGETS = _DESCRIBE + """
(minimum) => {
  const problems = [];
  for (const el of document.querySelectorAll('a[href], button, label.option, input[type=submit]')) {
    if (!shown(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width < minimum - 0.5 || box.height < minimum - 0.5) {
      problems.push(`${describe(el)} is ${Math.round(box.width)}×${Math.round(box.height)} px`);
    }
  }
  return problems;
}
"""

_FOCUS = _DESCRIBE + """
() => {
  // Called right after a real Tab press: focus moved by script then counts as keyboard focus too.
  const problems = [];
  const ring = (style) => (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== 'none';
  const focusable = 'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])';
  for (const el of document.querySelectorAll(focusable)) {
    if (el.disabled || el.closest('[hidden]')) continue;
    el.focus();
    if (document.activeElement !== el) { problems.push(`${describe(el)} cannot take the focus`); continue; }
    if (!el.matches(':focus-visible')) problems.push(`${describe(el)} does not match :focus-visible`);
    const label = el.closest('label');
    if (!ring(getComputedStyle(el)) && !(label && ring(getComputedStyle(label)))) {
      problems.push(`${describe(el)} has no visible focus ring`);
    }
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2 || box.right <= 0 || box.bottom <= 0 || box.left >= innerWidth) {
      problems.push(`${describe(el)} is focused but not visible`);
    }
  }
  document.activeElement.blur();
  window.scrollTo(0, 0);
  return problems;
}
"""

_REFLOW = _DESCRIBE + """
() => {
  const problems = [];
  const root = document.documentElement;
  const width = root.clientWidth;
  if (root.scrollWidth > width + 1) {
    problems.push(`the page scrolls sideways: ${root.scrollWidth} px wide in ${width} px`);
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'NOSCRIPT', 'INPUT', 'TEXTAREA', 'SELECT', 'PROGRESS', 'OPTION'].includes(el.tagName)) continue;
    if (!shown(el) || el.closest('.skip-link')) continue;
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 || box.left < -1) {
      problems.push(`${describe(el)} reaches past the edge (${Math.round(box.left)}–${Math.round(box.right)} px)`);
    } else if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      problems.push(`${describe(el)} is cut off: ${el.scrollWidth} px of content in ${el.clientWidth} px`);
    } else if (['hidden', 'clip'].includes(getComputedStyle(el).overflowY) && el.scrollHeight > el.clientHeight + 1) {
      problems.push(`${describe(el)} hides ${el.scrollHeight - el.clientHeight} px of its content below`);
    }
  }
  return problems;
}
"""


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.1 A and AA violations (the context must have axe loaded and bypass the CSP)."""
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],"
        " iframes: false})",
        AXE_TAGS,
    )
    return result["violations"]


def format_violations(violations: list[dict]) -> list[str]:
    lines = []
    for violation in violations:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:6])
        more = f" (+{len(violation['nodes']) - 6} more)" if len(violation["nodes"]) > 6 else ""
        lines.append(f"{violation['id']} [{violation['impact']}] {violation['help']} — {targets}{more} — "
                     f"{violation['helpUrl']}")
    return lines


def structure_problems(page, language: str, title: str = NEUTRAL_TITLE) -> list[str]:
    """``title``: the pattern the page's title must match (a button's value is its label, so buttons are left out)."""
    return page.evaluate(_STRUCTURE, [language, title])


def target_problems(page) -> list[str]:
    return page.evaluate(_TARGETS, MIN_TARGET)


def focus_problems(page) -> list[str]:
    """Every link, button and field, focused in turn, shows a focus ring and is on screen."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    page.keyboard.press("Tab")
    return page.evaluate(_FOCUS)


def reflow_problems(page, devtools) -> list[str]:
    """At 320 CSS px (a 1280 px screen at 400 %, or 640 px at 200 %), then text at 200 % on 640 px.

    The larger text is Chromium's own font-size setting (``Page.setFontSizes`` through ``devtools``,
    a CDP session of the page), so rem-based media queries respond as they do for a person who set
    it. The page is expected at 320 px already and is left there.
    """
    problems = [f"at 320 px: {problem}" for problem in page.evaluate(_REFLOW)]
    size = page.viewport_size
    try:
        page.set_viewport_size({"width": 640, "height": 800})
        devtools.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
        problems += [f"640 px, text at 200 %: {problem}" for problem in page.evaluate(_REFLOW)]
    finally:
        devtools.send("Page.setFontSizes", {"fontSizes": {"standard": 16, "fixed": 13}})
        page.set_viewport_size(size)
    return problems


@dataclass
class Transfer:
    """One response a page loaded."""

    url: str
    status: int
    size: int
    encoding: str
    resource_type: str


@dataclass
class PageLoad:
    """Everything fetched from the start of one navigation until the page was ready."""

    transfers: list[Transfer] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(transfer.size for transfer in self.transfers)

    def record(self, response) -> None:
        headers = response.headers
        length = headers.get("content-length")
        if length is not None:
            size = int(length)
        else:
            try:
                size = len(response.body())
            except Exception:  # a redirect has no body to read
                size = 0
        self.transfers.append(Transfer(response.url, response.status, size, headers.get("content-encoding", ""),
                                       response.request.resource_type))

    def problems(self, host: str, limit: int = MAX_PAGE_BYTES) -> list[str]:
        found = []
        for transfer in self.transfers:
            parts = urlsplit(transfer.url)
            if parts.scheme not in ("http", "https") or parts.netloc != host:
                found.append(f"loads {transfer.url} from another host")
            if transfer.resource_type == "font":
                found.append(f"loads a web font {transfer.url}")
            compressible = transfer.resource_type in ("document", "stylesheet", "script")
            if compressible and transfer.size >= 500 and transfer.status == 200 and transfer.encoding != "gzip":
                found.append(f"{transfer.url} ({transfer.size} bytes) is not gzipped")
        if self.total > limit:
            listing = ", ".join(f"{urlsplit(t.url).path} {t.size}" for t in self.transfers)
            found.append(f"weighs {self.total} bytes (> {limit}): {listing}")
        return found
