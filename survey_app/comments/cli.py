"""``flask scan-comments``: safeguarding alerts for stored comments that have none (idempotent)."""

from __future__ import annotations

import click
from sqlalchemy import select

from survey_app.comments import bp
from survey_app.comments.alerts import scan_comments
from survey_app.extensions import db
from survey_app.models import Campaign


@bp.cli.command("scan-comments")
@click.option("--campaign", "campaign_code", help="Only this campaign (its code).")
def scan_comments_command(campaign_code: str | None):
    """Look at every comment without an alert and raise one where the safeguarding words match.

    Run it after changing the word list (SAPA_SAFEGUARDING_WORDS); running it twice adds nothing.
    """
    campaign_id = None
    if campaign_code:
        campaign = db.session.scalar(select(Campaign).where(Campaign.code == campaign_code))
        if campaign is None:
            raise click.BadParameter(f"no campaign with the code {campaign_code!r}.", param_hint="--campaign")
        campaign_id = campaign.id
    scan_comments(campaign_id, echo=click.echo)
    db.session.commit()
