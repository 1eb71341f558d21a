"""``flask export-responses``: an export with an administrator's rights, for large files and benchmarks."""

from __future__ import annotations

import os
import time

import click
from flask import current_app
from flask_babel import force_locale

from survey_app.exports import bp
from survey_app.exports.formats import write_export
from survey_app.exports.services import (
    FORMATS,
    ExportFilters,
    ExportRefused,
    export_notes,
    find_campaign,
    find_provider,
    find_region,
    plan_export,
)
from survey_app.models.base import LANGUAGES


def _find(finder, code: str | None, what: str):
    if code is None:
        return None
    row = finder(code)
    if row is None:
        raise click.BadParameter(f"no {what} with the code {code!r}.")
    return row


@bp.cli.command("export-responses")
@click.option("--campaign", "campaign_code", help="Campaign code (needed when campaigns use different versions).")
@click.option("--provider", "provider_code", help="Only this provider (its code).")
@click.option("--region", "region_code", help="Only providers in this region (its code; an oblast includes its "
                                              "hromadas).")
@click.option("--from", "submitted_from", type=click.DateTime(["%Y-%m-%d"]), help="Submitted on or after (YYYY-MM-DD).")
@click.option("--to", "submitted_to", type=click.DateTime(["%Y-%m-%d"]), help="Submitted on or before (YYYY-MM-DD).")
@click.option("--format", "file_format", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option("--language", type=click.Choice(LANGUAGES),
              help="Language of labels and notes (default: the campaign's first language).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True), help="File to write.")
def export_responses_command(campaign_code, provider_code, region_code, submitted_from, submitted_to, file_format,
                             language, out):
    """Export responses as CSV, XLSX or SPSS .sav with an administrator's rights.

    Everything is included (no rule on small numbers, open answers too): keep the file as safely
    as the database. The file is written under a temporary name and renamed when complete.
    """
    campaign = _find(find_campaign, campaign_code, "campaign")
    provider = _find(find_provider, provider_code, "provider")
    region = _find(find_region, region_code, "region")
    language = language or (campaign.default_language if campaign else current_app.config["BABEL_DEFAULT_LOCALE"])
    filters = ExportFilters(
        campaign_id=campaign.id if campaign else None,
        provider_id=provider.id if provider else None,
        region_id=region.id if region else None,
        submitted_from=submitted_from.date() if submitted_from else None,
        submitted_to=submitted_to.date() if submitted_to else None,
    )
    started = time.monotonic()
    partial = f"{out}.part"
    with force_locale(language):
        try:
            plan = plan_export(None, filters, language, file_format)
        except ExportRefused as refusal:
            raise click.ClickException(str(refusal)) from None
        try:
            write_export(plan, partial)
            os.replace(partial, out)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
        for note in export_notes(plan):
            click.echo(note)
    click.echo(f"Wrote {plan.responses} responses to {out} in {time.monotonic() - started:.1f} s.")
