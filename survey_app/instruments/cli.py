"""``flask load-instrument``: import an XLSForm from a file, publishing it unless ``--draft`` is given."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import click
from flask import g
from flask.cli import with_appcontext
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from survey_app.extensions import db
from survey_app.instruments.services import InstrumentError, import_xlsform
from survey_app.instruments.xlsform import LANGUAGES, Problem, XLSFormError


@contextmanager
def _messages_in(language: str):
    """Translate messages outside a request: flask_babel ignores an empty ``g``, so mark it first."""
    g.cli_language = language
    with force_locale(language):
        yield


def problem_table(problems: tuple[Problem, ...]) -> str:
    """The problems as the import page shows them: sheet, row, column, message."""
    header = (_("Sheet"), _("Row"), _("Column"), _("Message"))
    rows = [
        (problem.sheet or "—", str(problem.row) if problem.row is not None else "—", problem.column or "—",
         str(problem.detail))
        for problem in problems
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + "  " + row[3]
        for row in [header, *rows]
    )


@click.command("load-instrument")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--draft", is_flag=True, help="Keep the version as a draft instead of publishing it.")
@click.option("--language", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="Language of the messages.")
def load_instrument_command(path: Path, draft: bool, language: str):
    """Import the XLSForm at PATH as a new instrument version (published unless --draft)."""
    with _messages_in(language):
        try:
            result = import_xlsform(path.read_bytes(), publish=not draft)
        except XLSFormError as error:
            db.session.rollback()
            click.echo(ngettext("%(file)s has %(num)d problem; nothing was imported.",
                                "%(file)s has %(num)d problems; nothing was imported.",
                                len(error.problems), file=path.name), err=True)
            click.echo(problem_table(error.problems), err=True)
            raise SystemExit(1) from None
        except InstrumentError as error:
            db.session.rollback()
            click.echo(str(error), err=True)
            raise SystemExit(1) from None
        db.session.commit()
        version, code = result.version, result.version.instrument.code
        if result.outcome == "unchanged":
            message = _("Version %(version)s of %(code)s is already loaded with the same content; nothing changed.",
                        version=version.version, code=code)
        elif version.is_published:
            message = _("Version %(version)s of %(code)s is loaded and published.", version=version.version, code=code)
        else:
            message = _("Version %(version)s of %(code)s is loaded as a draft.", version=version.version, code=code)
        click.echo(message)
