"""``flask load-reference``: regions, service types, standards, categories and indicators."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from survey_app.extensions import db
from survey_app.reference.loader import load_reference


@click.command("load-reference")
@with_appcontext
def load_reference_command():
    """Load or update the reference lists (safe to run again)."""
    load_reference()
    db.session.commit()
    click.echo("Reference data loaded.")
