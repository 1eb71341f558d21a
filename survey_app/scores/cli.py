"""``flask refresh-scores``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from survey_app.extensions import db
from survey_app.scores.refresh import refresh_scores


@click.command("refresh-scores")
@with_appcontext
def refresh_scores_command():
    """Recompute every provider's scores from all responses (the dashboards read the result)."""
    refresh_scores(echo=click.echo)
    db.session.commit()
