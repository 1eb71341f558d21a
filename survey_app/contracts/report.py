"""The contract report, one click, as PDF (fpdf2, the vendored DejaVu Sans, charts drawn as vector shapes)
or XLSX (openpyxl), in the language chosen for the report whatever the interface's (``force_locale``).

Contents: the contract's details; each indicator of the period with its value, interval, n, baseline,
target, verdict and the reason in words, and a chart of the values with their intervals against the
targets; the expert assessment; the changes recorded in the audit trail; and the method in plain
words (what was asked, how scores and intervals are computed, the verdict rule, the small-number
rule). The rule on small numbers applies to the person who asks for the report. Nothing is fetched
from the network.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import numpy as np
from flask_babel import force_locale, format_date, format_datetime, format_decimal, ngettext
from flask_babel import gettext as _
from fpdf import FPDF, FontFace
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from survey_app.campaigns.printing import FONT_FILES
from survey_app.contracts.audit import contract_trail
from survey_app.contracts.forms import CRITERION_LABELS
from survey_app.contracts.indicators import (
    ALPHA,
    DIRECTION_LABELS,
    MIN_VERDICT_RESPONSES,
    STATUS_LABELS,
    STATUS_SYMBOLS,
    ContractEvaluation,
    IndicatorResult,
    Period,
    evaluate_one,
    figure,
    interval_text,
)
from survey_app.contracts.registry import DOCUMENT_LABELS
from survey_app.contracts.services import assessment_of
from survey_app.models import Contract, ExpertAssessment, User
from survey_app.models.base import utcnow
from survey_app.models.monitoring import CRITERIA, SCORE_MAX
from survey_app.scores.read import minimum_responses
from survey_app.staff.charts import level_text

REPORT_FORMATS = {"pdf": "application/pdf",
                  "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
AUDIT_IN_REPORT = 40
INK = (27, 31, 36)
MUTED = (74, 82, 96)
LINE = (197, 204, 214)
TINT = (243, 245, 248)
ACCENT = (11, 92, 173)
STATUS_RGB = {"achieved": (30, 107, 52), "not_achieved": (164, 22, 26), "not_yet_known": (74, 82, 96)}


# ------------------------------------------------------------------ what the report says

@dataclass
class ReportContent:
    """Everything the two formats write, already in the report's language."""

    language: str
    contract: Contract
    period: Period
    evaluation: ContractEvaluation
    assessment: ExpertAssessment | None
    title: str
    details: list[tuple[str, str]]
    trail: list
    method: list[tuple[str, str]]  # (heading, paragraph)
    generated: str


def _budget(contract: Contract) -> str:
    return f"{format_decimal(contract.budget, '#,##0.00')} {contract.currency}"


def contract_details(contract: Contract, language: str) -> list[tuple[str, str]]:
    per_recipient = float(contract.budget) / contract.contracted_recipients
    documents = "; ".join(f"{DOCUMENT_LABELS[d.kind]} № {d.number}, {format_date(d.dated, 'medium')}"
                          for d in contract.documents) or "—"
    return [
        (_("Contract number"), contract.number),
        (_("Title"), contract.title),
        (_("Funder"), contract.funder.name(language)),
        (_("Provider"), f"{contract.provider.name} ({contract.provider.code})"),
        (_("Region"), contract.region.name(language)),
        (_("Period of the contract"), f"{format_date(contract.starts_on, 'medium')} – "
                                      f"{format_date(contract.ends_on, 'medium')}"),
        (_("Budget"), _budget(contract)),
        (_("Contracted number of recipients"), format_decimal(contract.contracted_recipients, "#,##0")),
        (_("Budget per contracted recipient"),
         f"{format_decimal(per_recipient, '#,##0')} {contract.currency}"),
        (_("Service standard"), contract.standard.name(language) if contract.standard else "—"),
        (_("Services"), ", ".join(service.name(language) for service in contract.services) or "—"),
        (_("Documents"), documents),
    ]


def method_paragraphs(contract: Contract, period: Period, evaluation: ContractEvaluation,
                      language: str) -> list[tuple[str, str]]:
    """The method in plain words, in the current language (the page shows it too)."""
    level = level_text(1 - ALPHA)
    minimum = minimum_responses()
    paragraphs = [
        (_("What was asked"), _(
            "Recipients of %(provider)s answered the Sapa Core questionnaire in their own language: statements "
            "about their services on a five-point scale from “strongly disagree” to “strongly agree” (with “does "
            "not apply”), grouped in seven dimensions — access, respect and dignity, staff competence, information "
            "and choice, coordination, outcomes and safety — then their overall satisfaction on a five-point scale "
            "and how likely they are to recommend the provider, from 0 to 10. The figures use the responses "
            "submitted from %(start)s to %(end)s: %(count)s in all.",
            provider=contract.provider.name, start=format_date(period.start, "medium"),
            end=format_date(period.end, "medium"), count=format_decimal(evaluation.responses, "#,##0"))),
        (_("How the figures are computed"), _(
            "The satisfaction rate is the share of recipients who answered “satisfied” or “very satisfied”. A "
            "dimension score runs from 0 to 100: each recipient's mean answer to the dimension's statements, "
            "(mean − 1) / 4 × 100, counted when at least half of them were answered. The quality index is the mean "
            "of a recipient's dimension scores, averaged over recipients. The Net Promoter Score is the share who "
            "rate 9–10 minus the share who rate 0–6. The response rate divides the responses by the invitations "
            "counted for the provider's campaigns in the period; coverage divides the responses by the contracted "
            "number of recipients. Figures such as complaints per 100 recipients are entered by hand, and every "
            "change to them is kept in the audit trail.")),
        (_("How sure the figures are"), _(
            "Only some recipients answer, so each figure from the survey comes with a %(level)s interval: the range "
            "in which the figure for all recipients probably lies. Shares use the Wilson interval and means the "
            "Student t interval, both narrowed by the finite population correction when the contracted number of "
            "recipients (%(recipients)s) is larger than the number of responses; the Net Promoter Score uses the "
            "adjusted Wald interval. Coverage and figures entered by hand are counts, not samples: they have no "
            "interval.", level=level, recipients=format_decimal(contract.contracted_recipients, "#,##0"))),
        (_("The verdict rule"), _(
            "An indicator is achieved when its whole %(level)s interval lies at or above the target (at or below "
            "when lower is better), and not achieved when the whole interval lies on the wrong side of the target. "
            "When the interval straddles the target, or fewer than %(needed)s responses are behind the figure, the "
            "verdict is not yet known: the evidence does not decide either way.", level=level,
            needed=MIN_VERDICT_RESPONSES)),
        (_("The rule on small numbers"), ngettext(
            "No figure from fewer than %(num)s response is shown to anyone but administrators, so that no "
            "recipient's answers can be recognised: such a row says so instead, without a value or a verdict.",
            "No figure from fewer than %(num)s responses is shown to anyone but administrators, so that no "
            "recipient's answers can be recognised: such a row says so instead, without a value or a verdict.",
            minimum)),
    ]
    for result in evaluation.results:
        text = result.indicator.method(language)
        if text:
            paragraphs.append((result.indicator.name(language), text))
    return paragraphs


def report_content(user: User, contract: Contract, period: Period, language: str) -> ReportContent:
    """Build the report's content in ``language`` (call inside ``force_locale(language)``)."""
    evaluation = evaluate_one(user, contract, period)
    return ReportContent(
        language=language, contract=contract, period=period, evaluation=evaluation,
        assessment=assessment_of(contract, period),
        title=_("Contract report: %(number)s", number=contract.number),
        details=contract_details(contract, language),
        trail=contract_trail(contract, AUDIT_IN_REPORT),
        method=method_paragraphs(contract, period, evaluation, language),
        generated=_("Made by Sapa on %(time)s for %(name)s.", time=format_datetime(utcnow(), "medium"),
                    name=user.full_name),
    )


def _value_cells(result: IndicatorResult) -> tuple[str, str, str]:
    if result.suppressed:
        return "—", "—", f"< {minimum_responses()}"
    value = figure(result.value, result.unit)
    interval = interval_text(result.low, result.high, result.unit) if result.estimate.sampled else "—"
    return value, interval, "—" if result.nobs is None else format_decimal(result.nobs, "#,##0")


def _change_text(changes) -> str:
    return "; ".join(f"{label}: {old if old is not None else '—'} → {new if new is not None else '—'}"
                     for label, old, new in changes)


# ------------------------------------------------------------------ PDF

class ReportPDF(FPDF):
    def __init__(self, content: ReportContent):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.content = content
        self.add_font("DejaVu", "", str(FONT_FILES[False]))
        self.add_font("DejaVu", "B", str(FONT_FILES[True]))
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=16)
        self.set_title(content.title)
        self.set_creator("Sapa")
        self.set_lang(content.language)

    def footer(self):
        self.set_y(-11)
        self.set_font("DejaVu", "", 7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 4, f"Sapa · {self.content.contract.number} · {self.page_no()}", align="R")

    def heading(self, text: str, size: float = 12.5) -> None:
        self.ensure(30)  # a heading never ends a page without a few lines of what it heads
        self.ln(3)
        self.set_font("DejaVu", "B", size)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)
        self.set_text_color(*INK)

    def paragraph(self, text: str, size: float = 9.5, colour=INK, bold: bool = False) -> None:
        self.set_font("DejaVu", "B" if bold else "", size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.48, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_text_color(*INK)

    def ensure(self, height: float) -> None:
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()


def _status_face(status: str) -> FontFace:
    return FontFace(emphasis="BOLD", color=STATUS_RGB[status])


def report_pdf(user: User, contract: Contract, period: Period, language: str) -> bytes:
    with force_locale(language):
        content = report_content(user, contract, period, language)
        pdf = ReportPDF(content)
        pdf.add_page()
        _pdf_title(pdf, content)
        pdf.heading(_("The contract"))
        _pdf_details(pdf, content)
        pdf.heading(_("Indicators and verdicts, %(period)s", period=period.label()))
        _pdf_indicators(pdf, content)
        pdf.heading(_("Expert assessment"))
        _pdf_assessment(pdf, content)
        if content.trail:
            pdf.heading(_("Changes recorded (audit trail)"))
            _pdf_trail(pdf, content)
        pdf.heading(_("Method in plain words"))
        for heading, text in content.method:
            pdf.ensure(12)
            pdf.paragraph(heading, 9.5, bold=True)
            pdf.paragraph(text, 9)
            pdf.ln(1.5)
        return bytes(pdf.output())


def _pdf_title(pdf: ReportPDF, content: ReportContent) -> None:
    pdf.set_fill_color(*ACCENT)
    pdf.rect(0, 0, 210, 9, style="F")
    pdf.set_xy(15, 2)
    pdf.set_font("DejaVu", "B", 9)
    pdf.set_text_color(255, 255, 255)
    pdf.cell(0, 5, "Sapa")
    pdf.set_xy(15, 16)
    pdf.set_text_color(*INK)
    pdf.set_font("DejaVu", "B", 17)
    pdf.multi_cell(0, 8, content.title, new_x="LMARGIN", new_y="NEXT")
    pdf.paragraph(content.contract.title, 10.5)
    pdf.paragraph(_("Reporting period: %(period)s", period=content.period.label()), 10, bold=True)
    pdf.paragraph(content.generated, 8, colour=MUTED)
    counts = content.evaluation.counts
    summary = " · ".join(f"{STATUS_SYMBOLS[status]} {STATUS_LABELS[status]}: {counts[status]}"
                         for status in ("achieved", "not_achieved", "not_yet_known"))
    pdf.ln(1)
    pdf.paragraph(summary, 10, bold=True)


def _table_style():
    return {"first_row_as_headings": True, "borders_layout": "HORIZONTAL_LINES", "line_height": 4.4,
            "headings_style": FontFace(emphasis="BOLD", fill_color=TINT), "text_align": "LEFT",
            "padding": (1.2, 1.2, 1.2, 1.2), "cell_fill_color": (255, 255, 255), "cell_fill_mode": "ALL"}


def _table(pdf: FPDF, widths: tuple[float, ...], **overrides):
    """A table on white whatever fill colour the charts left set (fpdf2 fills styled cells with it)."""
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(*LINE)
    return pdf.table(col_widths=widths, **{**_table_style(), **overrides})


def _pdf_details(pdf: ReportPDF, content: ReportContent) -> None:
    pdf.set_font("DejaVu", "", 8.8)
    with _table(pdf, (52, 128), first_row_as_headings=False) as table:
        for label, value in content.details:
            row = table.row()
            row.cell(label, style=FontFace(emphasis="BOLD"))
            row.cell(value)


def _pdf_indicators(pdf: ReportPDF, content: ReportContent) -> None:
    results = content.evaluation.results
    if not results:
        pdf.paragraph(_("No targets are set for this period."))
        return
    level = level_text(1 - ALPHA)
    pdf.set_font("DejaVu", "", 8.3)
    with _table(pdf, (50, 19, 28, 12, 19, 19, 33)) as table:
        header = table.row()
        for text in (_("Indicator"), _("Value"), _("%(level)s interval", level=level), "n", _("Baseline"),
                     _("Target"), _("Verdict")):
            header.cell(text)
        for result in results:
            value, interval, n = _value_cells(result)
            row = table.row()
            row.cell(result.indicator.name(content.language))
            row.cell(value, align="RIGHT")
            row.cell(interval, align="RIGHT")
            row.cell(n, align="RIGHT")
            row.cell(figure(result.baseline, result.unit), align="RIGHT")
            row.cell(figure(result.target, result.unit), align="RIGHT")
            row.cell(f"{result.symbol()} {result.status_label()}", style=_status_face(result.status))
    pdf.ln(2)
    _pdf_chart(pdf, content)
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 9.5)
    pdf.ensure(10)
    pdf.cell(0, 5, _("Why each verdict"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8.6)
    with _table(pdf, (50, 33, 97)) as table:
        header = table.row()
        for text in (_("Indicator"), _("Verdict"), _("Reason")):
            header.cell(text)
        for result in results:
            row = table.row()
            row.cell(f"{result.indicator.name(content.language)} ({DIRECTION_LABELS[result.indicator.direction]})")
            row.cell(f"{result.symbol()} {result.status_label()}", style=_status_face(result.status))
            row.cell(result.sentence())


def _pdf_chart(pdf: ReportPDF, content: ReportContent) -> None:
    """Each shown indicator on its own scale: the value with its interval, the target as a bar and the
    baseline as a triangle, in the verdict's colour and mark (never colour alone: the mark and the legend)."""
    rows = [result for result in content.evaluation.results if result.shown]
    if not rows:
        return
    left, label_width, plot_width, row_height = pdf.l_margin, 62.0, 108.0, 11.0
    plot_left = left + label_width + 4
    pdf.ensure(16 + row_height * min(len(rows), 3))
    pdf.set_font("DejaVu", "B", 9.5)
    pdf.cell(0, 5, _("Values with their %(level)s interval against the targets", level=level_text(1 - ALPHA)),
             new_x="LMARGIN", new_y="NEXT")
    _pdf_legend(pdf, plot_left)
    for result in rows:
        pdf.ensure(row_height + 2)
        top = pdf.get_y()
        pdf.set_font("DejaVu", "", 8)
        pdf.set_text_color(*INK)
        pdf.set_xy(left, top + 1)
        pdf.multi_cell(label_width, 3.6, result.indicator.name(content.language), align="L", new_x="LMARGIN",
                       new_y="NEXT")
        points = [result.value, result.target]
        if result.estimate.sampled:
            points += [result.low, result.high]
        if result.baseline is not None:
            points.append(result.baseline)
        smallest, largest = min(points), max(points)
        span = (largest - smallest) or max(abs(largest), 1.0)
        low, high = smallest - 0.12 * span, largest + 0.12 * span
        if result.unit in ("percent", "score"):  # stay within 0–100 unless the data go beyond (coverage)
            low = max(low, 0.0) if smallest >= 0 else low
            high = min(high, 100.0) if largest <= 100 else high

        def x_of(value, _low=low, _high=high):
            return plot_left + (value - _low) / (_high - _low) * plot_width

        axis_y = top + 7.5
        pdf.set_draw_color(*LINE)
        pdf.set_line_width(0.25)
        pdf.line(plot_left, axis_y, plot_left + plot_width, axis_y)
        pdf.set_font("DejaVu", "", 6.5)
        pdf.set_text_color(*MUTED)
        for tick in (low, high):
            text = figure(tick, result.unit)
            pdf.text(x_of(tick) - (pdf.get_string_width(text) if tick == high else 0), axis_y + 3.2, text)
        colour = STATUS_RGB[result.status]
        # target: a dark bar across the axis
        pdf.set_draw_color(*INK)
        pdf.set_line_width(0.7)
        pdf.line(x_of(result.target), axis_y - 3.4, x_of(result.target), axis_y + 1.4)
        if result.baseline is not None:
            bx = x_of(result.baseline)
            pdf.set_draw_color(*ACCENT)
            pdf.set_line_width(0.35)
            pdf.polygon([(bx, axis_y - 2.6), (bx - 1.3, axis_y - 0.4), (bx + 1.3, axis_y - 0.4)], style="D")
        pdf.set_draw_color(*colour)
        pdf.set_fill_color(*colour)
        if result.estimate.sampled:
            pdf.set_line_width(0.6)
            y = axis_y - 1.5
            pdf.line(x_of(result.low), y, x_of(result.high), y)
            for end in (result.low, result.high):
                pdf.line(x_of(end), y - 1.0, x_of(end), y + 1.0)
        _pdf_mark(pdf, result.status, x_of(result.value), axis_y - 1.5)
        pdf.set_text_color(*colour)
        pdf.set_font("DejaVu", "B", 7)
        value_text = f"{figure(result.value, result.unit)} {result.symbol()}"
        pdf.text(min(x_of(result.value) + 2.2, plot_left + plot_width - pdf.get_string_width(value_text)),
                 axis_y - 3.6, value_text)
        pdf.set_text_color(*INK)
        pdf.set_y(max(pdf.get_y(), top + row_height))
    pdf.set_draw_color(*INK)


def _pdf_mark(pdf: FPDF, status: str, x: float, y: float) -> None:
    pdf.set_line_width(0.55)
    if status == "achieved":
        pdf.circle(x, y, 1.4, style="FD")
    elif status == "not_achieved":
        pdf.line(x - 1.4, y - 1.4, x + 1.4, y + 1.4)
        pdf.line(x - 1.4, y + 1.4, x + 1.4, y - 1.4)
    else:
        pdf.polygon([(x, y - 1.6), (x + 1.6, y), (x, y + 1.6), (x - 1.6, y)], style="FD")


def _pdf_legend(pdf: FPDF, x: float) -> None:
    """The marks and their words, flowing onto another line where a language's words are long."""
    pdf.set_font("DejaVu", "", 7)
    start, right = x, pdf.w - pdf.r_margin
    y = pdf.get_y() + 2.5
    entries = [(status, str(STATUS_LABELS[status])) for status in ("achieved", "not_achieved", "not_yet_known")]
    entries += [("target", _("Target")), ("baseline", _("Baseline"))]
    for kind, text in entries:
        width = 4.5 + pdf.get_string_width(text) + 4
        if x + width > right and x > start:
            x, y = start, y + 4.2
        if kind in STATUS_RGB:
            pdf.set_draw_color(*STATUS_RGB[kind])
            pdf.set_fill_color(*STATUS_RGB[kind])
            _pdf_mark(pdf, kind, x + 1.6, y - 0.9)
            pdf.set_text_color(*STATUS_RGB[kind])
        elif kind == "target":
            pdf.set_draw_color(*INK)
            pdf.set_line_width(0.7)
            pdf.line(x + 1.5, y - 2.8, x + 1.5, y + 0.6)
            pdf.set_text_color(*INK)
        else:
            pdf.set_draw_color(*ACCENT)
            pdf.set_line_width(0.35)
            pdf.polygon([(x + 1.5, y - 2.4), (x + 0.2, y - 0.2), (x + 2.8, y - 0.2)], style="D")
            pdf.set_text_color(*INK)
        pdf.text(x + 4.5, y, text)
        x += width
    pdf.set_text_color(*INK)
    pdf.set_y(y + 2.5)


def _pdf_assessment(pdf: ReportPDF, content: ReportContent) -> None:
    row_data = content.assessment
    if row_data is None:
        pdf.paragraph(_("No expert assessment is recorded for this period."))
        return
    pdf.paragraph(_("Scored by %(name)s on %(date)s, each criterion from 0 (not met, or no evidence) to %(max)s "
                    "(fully met).", name=row_data.assessor_name,
                    date=format_date((row_data.changed_at or row_data.assessed_at).date(), "medium"),
                    max=SCORE_MAX), 8.8, colour=MUTED)
    pdf.ln(1)
    pdf.set_font("DejaVu", "", 8.6)
    with _table(pdf, (48, 18, 114)) as table:
        header = table.row()
        for text in (_("Criterion"), _("Score"), _("Reasoning")):
            header.cell(text)
        for criterion in CRITERIA:
            row = table.row()
            row.cell(str(CRITERION_LABELS[criterion]))
            row.cell(f"{row_data.score(criterion)} / {SCORE_MAX}", align="RIGHT")
            row.cell(row_data.reasoning(criterion))
        total = table.row()
        total.cell(_("Total"), style=FontFace(emphasis="BOLD"))
        total.cell(f"{row_data.total} / {SCORE_MAX * len(CRITERIA)}", align="RIGHT", style=FontFace(emphasis="BOLD"))
        total.cell("")


def _pdf_trail(pdf: ReportPDF, content: ReportContent) -> None:
    pdf.set_font("DejaVu", "", 7.8)
    reason_label = _("Reason")
    with _table(pdf, (28, 30, 42, 80)) as table:
        header = table.row()
        for text in (_("When"), _("Who"), _("What"), _("Old → new; reason")):
            header.cell(text)
        for row_data in content.trail:
            event = row_data.event
            what = f"{row_data.subject_label}: {row_data.action_label}"
            if event.indicator is not None:
                what += f" · {event.indicator.name(content.language)}"
            detail = _change_text(row_data.changes)
            if event.reason:
                detail += f"\n{reason_label}: {event.reason}"
            row = table.row()
            row.cell(format_datetime(event.occurred_at, "short"))
            row.cell(event.actor_name)
            row.cell(what)
            row.cell(detail)


# ------------------------------------------------------------------ XLSX

def _sheet_title(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31]


def _bold_row(sheet) -> None:
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _number(value: float | None, digits: int = 4):
    return None if value is None or not np.isfinite(value) else round(float(value), digits)


def report_xlsx(user: User, contract: Contract, period: Period, language: str) -> bytes:
    with force_locale(language):
        content = report_content(user, contract, period, language)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _sheet_title(_("Contract"))
        sheet.append([content.title])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([_("Reporting period: %(period)s", period=period.label())])
        sheet.append([content.generated])
        sheet.append([])
        for label, value in content.details:
            sheet.append([label, value])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.column_dimensions["A"].width = 36
        sheet.column_dimensions["B"].width = 90

        level = level_text(1 - ALPHA)
        indicators = workbook.create_sheet(_sheet_title(_("Indicators")))
        indicators.append([_("Indicator"), _("Code"), _("Direction"), _("Unit"), _("Value"),
                           _("%(level)s interval: low", level=level), _("%(level)s interval: high", level=level),
                           "n", _("Baseline"), _("Target"), _("Verdict"), _("Reason")])
        _bold_row(indicators)
        for result in content.evaluation.results:
            indicators.append([
                result.indicator.name(language), result.indicator.code,
                str(DIRECTION_LABELS[result.indicator.direction]), result.unit,
                _number(result.value), _number(result.low), _number(result.high),
                None if result.suppressed else result.nobs, _number(result.baseline), _number(result.target),
                result.status_label(), result.sentence(),
            ])
        for column, width in zip("ABCDEFGHIJKL", (40, 24, 18, 10, 10, 12, 12, 8, 10, 10, 16, 90), strict=True):
            indicators.column_dimensions[column].width = width

        assessment = workbook.create_sheet(_sheet_title(_("Expert assessment")))
        if content.assessment is None:
            assessment.append([_("No expert assessment is recorded for this period.")])
        else:
            row_data = content.assessment
            assessment.append([_("Criterion"), _("Score"), _("Out of"), _("Reasoning")])
            _bold_row(assessment)
            for criterion in CRITERIA:
                assessment.append([str(CRITERION_LABELS[criterion]), row_data.score(criterion), SCORE_MAX,
                                   row_data.reasoning(criterion)])
            assessment.append([_("Total"), row_data.total, SCORE_MAX * len(CRITERIA), ""])
            _bold_row(assessment)
            assessment.append([])
            assessment.append([_("Assessor"), row_data.assessor_name])
            assessment.append([_("Date"), format_date((row_data.changed_at or row_data.assessed_at).date(), "medium")])
        assessment.column_dimensions["A"].width = 44
        assessment.column_dimensions["D"].width = 100

        trail = workbook.create_sheet(_sheet_title(_("Audit trail")))
        trail.append([_("When"), _("Who"), _("What"), _("Action"), _("Indicator"), _("Field"), _("Old value"),
                      _("New value"), _("Reason")])
        _bold_row(trail)
        for row_data in content.trail:
            event = row_data.event
            indicator = event.indicator.name(language) if event.indicator is not None else ""
            for label, old, new in row_data.changes or [("", None, None)]:
                trail.append([event.occurred_at, event.actor_name, row_data.subject_label, row_data.action_label,
                              indicator, label, old, new, event.reason or ""])
        for column, width in zip("ABCDEFGHI", (18, 24, 24, 12, 30, 28, 24, 24, 50), strict=True):
            trail.column_dimensions[column].width = width

        method = workbook.create_sheet(_sheet_title(_("Method")))
        for heading, text in content.method:
            method.append([heading])
            _bold_row(method)
            method.append([text])
            method.cell(row=method.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
            method.append([])
        method.column_dimensions["A"].width = 120
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
