"""Command-line commands: reference data, demo data, instruments, staff users, backup and restore."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from survey_app.auth.cli import create_user_command
    from survey_app.demo.cli import seed_demo_command
    from survey_app.instruments.cli import load_instrument_command
    from survey_app.maintenance.cli import backup_command, restore_command
    from survey_app.reference.cli import load_reference_command
    from survey_app.scores.cli import refresh_scores_command

    for command in (create_user_command, seed_demo_command, load_reference_command, refresh_scores_command,
                    load_instrument_command, backup_command, restore_command):
        app.cli.add_command(command)
