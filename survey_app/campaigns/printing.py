"""Printed ways in: the QR code, the A4 poster and the slips with one-time codes, as SVG or PDF bytes.

Pure builders (no Flask, no database): a page is laid out once, in millimetres, as a list of
shapes, with text measured on the vendored DejaVu Sans, and the same layout is written as SVG or
as PDF (fpdf2). The QR code is vector in both (one rectangle per run of dark modules), nothing is
rasterised and nothing is fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import segno
from fontTools.ttLib import TTFont
from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FONT_FILES = {False: FONT_DIR / "DejaVuSans.ttf", True: FONT_DIR / "DejaVuSans-Bold.ttf"}
SVG_FONT_FAMILY = "'DejaVu Sans', Verdana, Arial, sans-serif"

A4 = (210.0, 297.0)
INK = "#1b1f24"
MUTED = "#4a5260"
ACCENT = "#0b5cad"
WHITE = "#ffffff"
CUT = "#8a929e"
QUIET_ZONE = 4  # modules of white around a QR code, as the standard asks
MM_PER_POINT = 25.4 / 72


# ------------------------------------------------------------------ what is printed

@dataclass(frozen=True)
class LanguageText:
    """The printed wording in one language (built from the catalogues by ``campaigns.texts``)."""

    language: str
    language_name: str
    headline: str
    details: str
    code_line: str
    slip_line: str


@dataclass(frozen=True)
class Poster:
    provider_name: str
    short_url: str  # what the QR code holds
    short_url_label: str  # the same address as people type it
    texts: tuple[LanguageText, ...]  # the campaign's first language first


# ------------------------------------------------------------------ shapes on a page (millimetres)

@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    size: float  # em size in mm
    text: str
    bold: bool = False
    anchor: str = "start"  # or "middle"
    colour: str = INK
    language: str | None = None


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    fill: str | None = None
    stroke: str | None = None
    dashed: bool = False


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str = CUT
    dashed: bool = False


@dataclass(frozen=True)
class QRCode:
    x: float
    y: float
    size: float  # the whole square, quiet zone included
    matrix: tuple[tuple[bool, ...], ...]


Shape = Text | Box | Line | QRCode


# ------------------------------------------------------------------ QR codes

def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The modules of a (never micro) QR code for ``data``, dark = True, without the quiet zone."""
    code = segno.make_qr(data, error="m")
    return tuple(tuple(bool(module) for module in row) for row in code.matrix)


def _dark_runs(matrix) -> list[tuple[int, int, int]]:
    """(row, first column, length) of each horizontal run of dark modules."""
    runs = []
    for row_number, row in enumerate(matrix):
        column = 0
        while column < len(row):
            if row[column]:
                start = column
                while column < len(row) and row[column]:
                    column += 1
                runs.append((row_number, start, column - start))
            else:
                column += 1
    return runs


def qr_path(matrix) -> str:
    """An SVG path in module units, one rectangle per run, the quiet zone included in the offsets."""
    return "".join(
        f"M{column + QUIET_ZONE} {row + QUIET_ZONE}h{length}v1h-{length}z" for row, column, length in _dark_runs(matrix)
    )


def qr_svg(data: str, title: str | None = None) -> bytes:
    """A standalone SVG of the QR code for ``data`` (scales to any size without blurring)."""
    matrix = qr_matrix(data)
    side = len(matrix) + 2 * QUIET_ZONE
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{side * 8}" height="{side * 8}" '
        f'viewBox="0 0 {side} {side}" shape-rendering="crispEdges">',
        f"<title>{escape(title or data)}</title>",
        f'<rect width="{side}" height="{side}" fill="{WHITE}"/>',
        f'<path fill="#000000" d="{qr_path(matrix)}"/>',
        "</svg>",
    ]
    return "\n".join(parts).encode()


# ------------------------------------------------------------------ measuring and fitting text

@lru_cache(maxsize=2)
def _metrics(bold: bool) -> tuple[dict[int, int], int, int]:
    font = TTFont(FONT_FILES[bold], lazy=True)
    advances = font["hmtx"].metrics
    widths = {codepoint: advances[glyph][0] for codepoint, glyph in font.getBestCmap().items()}
    missing = advances[".notdef"][0]
    units_per_em = font["head"].unitsPerEm
    font.close()
    return widths, missing, units_per_em


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in mm of ``text`` set in DejaVu Sans at ``size`` mm (advance widths, no kerning, as fpdf2)."""
    widths, missing, units_per_em = _metrics(bold)
    return sum(widths.get(ord(character), missing) for character in text) * size / units_per_em


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy word wrap; a single word wider than ``width`` keeps its own line."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size, bold) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


def _balanced(lines: list[str], size: float, bold: bool) -> list[str]:
    """Two lines of about the same width read better than a full line and an orphan."""
    if len(lines) != 2:
        return lines
    words = " ".join(lines).split()
    splits = ([" ".join(words[:cut]), " ".join(words[cut:])] for cut in range(1, len(words)))
    return min(splits, key=lambda pair: max(text_width(part, size, bold) for part in pair), default=lines)


def fit(text: str, width: float, size: float, min_size: float, max_lines: int = 1,
        bold: bool = False) -> tuple[float, list[str]]:
    """The largest size from ``size`` down to ``min_size`` at which ``text`` takes at most ``max_lines``
    lines of ``width``; at ``min_size`` it wraps onto as many lines as it needs (nothing is cut)."""
    current = size
    while current > min_size:
        lines = wrap(text, width, current, bold)
        if len(lines) <= max_lines and all(text_width(line, current, bold) <= width for line in lines):
            return current, _balanced(lines, current, bold)
        current = max(min_size, current * 0.95)
    lines = wrap(text, width, min_size, bold)
    return min_size, _balanced(lines, min_size, bold) if len(lines) <= max_lines else lines


def _paragraph(shapes: list[Shape], lines: list[str], x: float, y: float, size: float, *, bold: bool = False,
               anchor: str = "start", colour: str = INK, language: str | None = None,
               leading: float = 1.25) -> float:
    """Set ``lines`` from the top ``y``; return the y under the last line."""
    for number, line in enumerate(lines):
        y += size * leading if number else size
        shapes.append(Text(x, y, size, line, bold, anchor, colour, language))
    return y + size * (leading - 1)


# ------------------------------------------------------------------ the poster

def poster_page(poster: Poster) -> list[Shape]:
    """A4 portrait: provider, invitation in the first language, a large QR code, the short address,
    then the invitation in the other languages."""
    width, height = A4
    margin = 15.0
    column = width - 2 * margin
    centre = width / 2
    first, *others = poster.texts

    top: list[Shape] = [Box(0, 0, width, 16, fill=ACCENT), Text(margin, 11, 8, "Sapa", bold=True, colour=WHITE)]
    y = 22.0
    size, lines = fit(poster.provider_name, column, 7, 4.5, max_lines=2, bold=True)
    y = _paragraph(top, lines, centre, y, size, bold=True, anchor="middle")
    y += 5
    size, lines = fit(first.headline, column, 10, 6.5, max_lines=2, bold=True)
    y = _paragraph(top, lines, centre, y, size, bold=True, anchor="middle", colour=ACCENT, language=first.language)
    y += 1
    y = _paragraph(top, wrap(first.details, column, 5), centre, y, 5, anchor="middle", colour=INK,
                   language=first.language)
    qr_top = y + 1

    # Laid out from the bottom up, so the QR code takes whatever room is left.
    bottom: list[Shape] = []
    blocks_height = sum(_language_block_height(text, column) for text in others) + 4 * len(others)
    y_bottom = height - 12 - blocks_height
    rule_y = y_bottom - 4
    y_cursor = y_bottom
    for text in others:
        y_cursor = _language_block(bottom, text, margin, y_cursor, column) + 4
    if others:
        bottom.append(Line(margin, rule_y, width - margin, rule_y, colour=ACCENT))

    code_size, code_lines = fit(first.code_line, column, 5, 3.8, max_lines=2)
    url_size, url_lines = fit(poster.short_url_label, column, 12, 6, max_lines=1, bold=True)
    under_qr = url_size + 3 + code_size * (1.25 * len(code_lines)) + 4
    qr_size = max(55.0, min(105.0, rule_y - 4 - under_qr - qr_top))
    middle: list[Shape] = [QRCode(centre - qr_size / 2, qr_top, qr_size, qr_matrix(poster.short_url))]
    y = qr_top + qr_size
    y = _paragraph(middle, url_lines, centre, y, url_size, bold=True, anchor="middle")
    y += 1
    _paragraph(middle, code_lines, centre, y, code_size, anchor="middle", colour=INK, language=first.language)
    return top + middle + bottom


def _language_block_height(text: LanguageText, column: float) -> float:
    return _language_block([], text, 0, 0, column)


def _language_block(shapes: list[Shape], text: LanguageText, x: float, y: float, column: float) -> float:
    """One language under the rule: its name on the left, the invitation and the code line on the right."""
    label_width = 32.0
    body_x = x + label_width
    body = column - label_width
    shapes.append(Text(x, y + 4.2, 3.6, text.language_name, bold=True, colour=ACCENT, language=text.language))
    size, lines = fit(text.headline, body, 5.2, 4.2, max_lines=1, bold=True)
    y = _paragraph(shapes, lines, body_x, y, size, bold=True, language=text.language)
    y = _paragraph(shapes, wrap(text.details, body, 3.8), body_x, y, 3.8, language=text.language)
    return _paragraph(shapes, wrap(text.code_line, body, 3.8), body_x, y, 3.8, colour=MUTED,
                      language=text.language)


# ------------------------------------------------------------------ slips

SLIP_COLUMNS, SLIP_ROWS = 2, 4  # 105 × 74 mm: room for type an older reader can read
SLIPS_PER_PAGE = SLIP_COLUMNS * SLIP_ROWS


def slip_pages(codes: list[str], code_address: str, texts: tuple[LanguageText, ...]) -> list[list[Shape]]:
    """Eight slips to an A4 page with dashed cut lines. A slip names no provider: someone who finds it
    in a recipient's pocket learns nothing about which service they use."""
    width, height = A4
    slip_width, slip_height = width / SLIP_COLUMNS, height / SLIP_ROWS
    pages = []
    for start in range(0, len(codes), SLIPS_PER_PAGE):
        shapes: list[Shape] = []
        for index, code in enumerate(codes[start:start + SLIPS_PER_PAGE]):
            row, column = divmod(index, SLIP_COLUMNS)
            _slip(shapes, code, code_address, texts, column * slip_width, row * slip_height, slip_width)
        shapes.append(Line(slip_width, 0, slip_width, height, dashed=True))
        for row in range(1, SLIP_ROWS):
            shapes.append(Line(0, row * slip_height, width, row * slip_height, dashed=True))
        pages.append(shapes)
    return pages


def _slip(shapes: list[Shape], code: str, code_address: str, texts, x: float, y: float, slip_width: float) -> None:
    padding = 7.0
    inner = slip_width - 2 * padding
    left = x + padding
    line_y = y + 6
    for text in texts:
        size, lines = fit(text.slip_line, inner, 3.3, 3.0, max_lines=2)
        line_y = _paragraph(shapes, lines, left, line_y, size, language=text.language) + 0.8
    size, lines = fit(code_address, inner, 5.6, 3.4, max_lines=1, bold=True)
    line_y = _paragraph(shapes, lines, left, line_y + 0.6, size, bold=True)
    box_top = line_y + 1.6
    shapes.append(Box(left, box_top, inner, 14, stroke=INK))
    shapes.append(Text(left + inner / 2, box_top + 10.6, 9.5, code, bold=True, anchor="middle"))


# ------------------------------------------------------------------ writers

def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _svg_shape(shape: Shape) -> str:
    if isinstance(shape, Text):
        attributes = [f'x="{_number(shape.x)}"', f'y="{_number(shape.y)}"', f'font-size="{_number(shape.size)}"',
                      f'fill="{shape.colour}"']
        if shape.bold:
            attributes.append('font-weight="bold"')
        if shape.anchor != "start":
            attributes.append(f'text-anchor="{shape.anchor}"')
        if shape.language:
            attributes.append(f'xml:lang="{shape.language}"')
        return f"<text {' '.join(attributes)}>{escape(shape.text)}</text>"
    if isinstance(shape, Box):
        attributes = [f'x="{_number(shape.x)}"', f'y="{_number(shape.y)}"', f'width="{_number(shape.width)}"',
                      f'height="{_number(shape.height)}"', f'fill="{shape.fill or "none"}"']
        if shape.stroke:
            attributes.append(f'stroke="{shape.stroke}" stroke-width="0.4"')
        if shape.dashed:
            attributes.append('stroke-dasharray="2 1.5"')
        return f"<rect {' '.join(attributes)}/>"
    if isinstance(shape, Line):
        dash = ' stroke-dasharray="2 1.5"' if shape.dashed else ""
        return (f'<line x1="{_number(shape.x1)}" y1="{_number(shape.y1)}" x2="{_number(shape.x2)}" '
                f'y2="{_number(shape.y2)}" stroke="{shape.colour}" stroke-width="0.3"{dash}/>')
    if isinstance(shape, QRCode):
        modules = len(shape.matrix) + 2 * QUIET_ZONE
        scale = shape.size / modules
        return (f'<g transform="translate({_number(shape.x)} {_number(shape.y)}) scale({scale:.5f})" '
                f'shape-rendering="crispEdges"><rect width="{modules}" height="{modules}" fill="{WHITE}"/>'
                f'<path fill="#000000" d="{qr_path(shape.matrix)}"/></g>')
    raise TypeError(f"Cannot draw {shape!r}")


def page_svg(shapes: list[Shape], title: str, language: str | None = None) -> bytes:
    width, height = A4
    lang = f" xml:lang={quoteattr(language)}" if language else ""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_number(width)}mm" height="{_number(height)}mm" '
        f'viewBox="0 0 {_number(width)} {_number(height)}" font-family={quoteattr(SVG_FONT_FAMILY)}{lang}>',
        f"<title>{escape(title)}</title>",
        f'<rect width="{_number(width)}" height="{_number(height)}" fill="{WHITE}"/>',
        *(_svg_shape(shape) for shape in shapes),
        "</svg>",
    ]
    return "\n".join(parts).encode()


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _pdf_shape(pdf: FPDF, shape: Shape) -> None:
    if isinstance(shape, Text):
        pdf.set_font("DejaVu", "B" if shape.bold else "", shape.size / MM_PER_POINT)
        pdf.set_text_color(*_rgb(shape.colour))
        x = shape.x - pdf.get_string_width(shape.text) / 2 if shape.anchor == "middle" else shape.x
        pdf.text(x, shape.y, text=shape.text)
    elif isinstance(shape, Box):
        style = ("F" if shape.fill else "") + ("D" if shape.stroke else "")
        if shape.fill:
            pdf.set_fill_color(*_rgb(shape.fill))
        if shape.stroke:
            pdf.set_draw_color(*_rgb(shape.stroke))
            pdf.set_line_width(0.4)
        pdf.rect(shape.x, shape.y, shape.width, shape.height, style=style or "D")
    elif isinstance(shape, Line):
        pdf.set_draw_color(*_rgb(shape.colour))
        pdf.set_line_width(0.3)
        if shape.dashed:
            pdf.set_dash_pattern(dash=2, gap=1.5)
        pdf.line(shape.x1, shape.y1, shape.x2, shape.y2)
        pdf.set_dash_pattern()
    elif isinstance(shape, QRCode):
        module = shape.size / (len(shape.matrix) + 2 * QUIET_ZONE)
        pdf.set_fill_color(0, 0, 0)
        for row, column, length in _dark_runs(shape.matrix):
            pdf.rect(shape.x + (column + QUIET_ZONE) * module, shape.y + (row + QUIET_ZONE) * module,
                     length * module, module, style="F")
    else:
        raise TypeError(f"Cannot draw {shape!r}")


def pages_pdf(pages: list[list[Shape]], title: str, language: str | None = None) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(title)
    pdf.set_creator("Sapa")
    if language:
        pdf.set_lang(language)
    pdf.add_font("DejaVu", "", str(FONT_FILES[False]))
    pdf.add_font("DejaVu", "B", str(FONT_FILES[True]))
    for shapes in pages:
        pdf.add_page()
        for shape in shapes:
            _pdf_shape(pdf, shape)
    return bytes(pdf.output())


def poster_svg(poster: Poster, title: str) -> bytes:
    return page_svg(poster_page(poster), title, poster.texts[0].language)


def poster_pdf(poster: Poster, title: str) -> bytes:
    return pages_pdf([poster_page(poster)], title, poster.texts[0].language)


def slips_pdf(codes: list[str], code_address: str, texts: tuple[LanguageText, ...], title: str) -> bytes:
    return pages_pdf(slip_pages(codes, code_address, texts), title, texts[0].language if texts else None)
