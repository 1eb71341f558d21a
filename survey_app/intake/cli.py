"""``flask import-responses``: the web import's dry run and commit, from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.intake import bp
from survey_app.intake.services import ImportReport, campaign_by_code, import_responses
from survey_app.intake.tables import FileProblem, read_table
from survey_app.models import Provider
from survey_app.models.base import LANGUAGES


@bp.cli.command("import-responses")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--campaign", "campaign_code", required=True, help="Code of the campaign the responses belong to.")
@click.option("--provider", "provider_code", help="Provider of rows without a provider_code column.")
@click.option("--language", type=click.Choice(LANGUAGES),
              help="Language of the questionnaires without a language column (default: the campaign's).")
@click.option("--commit", is_flag=True, help="Store the responses (all or none). Without it: a dry run.")
@click.option("--report-language", type=click.Choice(LANGUAGES), help="Language of the report.")
def import_responses_command(file: Path, campaign_code: str, provider_code: str | None, language: str | None,
                             commit: bool, report_language: str | None):
    """Check (and with --commit store) responses from a CSV or XLSX export (KoboToolbox, ODK Central)."""
    with force_locale(report_language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        campaign = campaign_by_code(campaign_code)
        if campaign is None:
            raise click.ClickException(_("There is no campaign with the code %(code)s.", code=campaign_code))
        provider = None
        if provider_code:
            provider = db.session.scalar(select(Provider).where(Provider.code == provider_code))
            if provider is None:
                raise click.ClickException(_("There is no provider with the code %(code)s.", code=provider_code))
        try:
            table = read_table(file.read_bytes())
        except FileProblem as problem:
            raise click.ClickException(str(problem)) from None
        # The progress bar on stderr, so the report on stdout can be kept in a file.
        with click.progressbar(length=len(table.rows), label=_("Checking rows"), file=sys.stderr) as bar:
            report = import_responses(table, campaign, user=None, provider=provider,
                                      language=language or campaign.default_language, commit=commit,
                                      message_language=report_language or current_app.config["BABEL_DEFAULT_LOCALE"],
                                      progress=bar.update)
        for line in report_lines(report, file.name, commit):
            click.echo(line)
        if report.committed:
            db.session.commit()  # a dry run or a refused import wrote nothing
        if not report.ok:
            raise SystemExit(1)


def report_lines(report: ImportReport, filename: str, commit: bool) -> list[str]:
    """The same report as the web page's, as lines of text."""
    lines = [ngettext("%(file)s: %(num)s row read.", "%(file)s: %(num)s rows read.", report.rows, file=filename)]
    if report.ok:
        lines.append(ngettext("%(num)s new response.", "%(num)s new responses.", report.new))
        if report.already:
            lines.append(ngettext("%(num)s row was stored before and is skipped.",
                                  "%(num)s rows were stored before and are skipped.", report.already))
    else:
        lines.append(ngettext("%(num)s problem", "%(num)s problems", len(report.problems)) + ", "
                     + ngettext("in %(num)s row.", "in %(num)s rows.", report.bad_rows))
    for problem in report.problems:
        where = []
        if problem.row is not None:
            where.append(_("row %(row)s", row=problem.row))
        if problem.column:
            where.append(_("column “%(column)s”", column=problem.column))
        if problem.row is not None:
            where.append(_("value “%(value)s”", value=problem.value) if problem.value else _("empty"))
        lines.append(("  " + ", ".join(where) + ": " if where else "  ") + problem.message)
    if report.ignored_columns:
        lines.append(_("Columns that are not questions of this questionnaire, not stored: %(columns)s",
                       columns=", ".join(report.ignored_columns)))
    if report.dated_today and report.ok:
        lines.append(_("The file has no date column: the responses are dated today."))
    if report.committed:
        lines.append(ngettext("Stored %(num)s response.", "Stored %(num)s responses.", report.stored))
    elif not report.ok:
        lines.append(_("Nothing was stored. Correct the file and run the command again."))
    elif not commit:
        lines.append(_("Dry run: nothing was stored. Run again with --commit to store the new responses."))
    return lines
