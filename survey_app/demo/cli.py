"""``flask seed-demo``."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from survey_app.demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo
from survey_app.extensions import db


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds responses.")
def seed_demo_command(if_empty: bool):
    """Load realistic demo data (idempotent: running it twice changes nothing)."""
    from sqlalchemy import func, select

    from survey_app.models import Response

    if if_empty and db.session.scalar(select(func.count()).select_from(Response)):
        click.echo("Demo data already loaded.")
        return
    started = time.monotonic()
    counts = seed_demo(echo=click.echo)
    db.session.commit()
    click.echo(f"Done in {time.monotonic() - started:.0f} s: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    click.echo(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.email:<24} {account.role}")
