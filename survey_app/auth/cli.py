"""``flask create-user``: an administrator creates a staff account from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from survey_app.auth.services import AccountError, create_user
from survey_app.extensions import db
from survey_app.models import Provider, Region
from survey_app.models.users import ROLES


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True, help="Sign-in e-mail address.")
@click.option("--name", "full_name", required=True, help="Full name shown in the interface.")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--provider", "provider_code", help="Own organisation's code (provider managers, social workers).")
@click.option("--region", "region_codes", multiple=True, help="Region code a monitor may see (repeatable).")
@click.option("--monitors", "monitored_codes", multiple=True, help="Provider code a monitor may see (repeatable).")
@click.option("--language", type=click.Choice(["kk", "ru", "uk", "en"]))
def create_user_command(email, full_name, role, password, provider_code, region_codes, monitored_codes, language):
    """Create a staff account."""
    provider = _one(Provider, provider_code) if provider_code else None
    regions = [_one(Region, code) for code in region_codes]
    providers = [_one(Provider, code) for code in monitored_codes]
    try:
        user = create_user(email, full_name, password, role, provider, regions, providers, language)
    except AccountError as error:
        raise click.UsageError(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")


def _one(model, code: str):
    found = db.session.scalar(select(model).where(model.code == code))
    if found is None:
        raise click.UsageError(f"No {model.__name__.lower()} with code {code!r}.")
    return found
