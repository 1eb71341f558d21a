"""Sapa: client-satisfaction surveys and quality monitoring for social services."""

from __future__ import annotations

from flask import Flask

from survey_app.config import PROJECT_ROOT, load_config


def create_app(config=None) -> Flask:
    """Build the application.

    ``config`` is a config object or class, a name ("embedded", "production", "test"), or None
    to read ``SAPA_ENV``. Migrations are a deploy step (``flask db upgrade``), never run here.
    """
    settings = load_config(config)
    app = Flask(__name__, instance_path=str(settings.instance_path), instance_relative_config=False)
    app.config.from_object(settings)

    from survey_app import compression, database, errors, i18n, security
    from survey_app.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    database.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    compression.init_app(app)

    from survey_app import navigation
    from survey_app.admin import bp as admin_bp
    from survey_app.api import bp as api_bp
    from survey_app.auth import bp as auth_bp
    from survey_app.campaigns import bp as campaigns_bp
    from survey_app.comments import bp as comments_bp
    from survey_app.compare import bp as compare_bp
    from survey_app.contracts import bp as contracts_bp
    from survey_app.exports import bp as exports_bp
    from survey_app.instruments.routes import bp as instruments_bp
    from survey_app.intake import bp as intake_bp
    from survey_app.main import bp as main_bp
    from survey_app.staff import bp as staff_bp
    from survey_app.survey import bp as survey_bp

    for blueprint in (main_bp, auth_bp, survey_bp, staff_bp, instruments_bp, campaigns_bp, intake_bp, exports_bp,
                      admin_bp, comments_bp, compare_bp, api_bp, contracts_bp):
        app.register_blueprint(blueprint)
    navigation.init_app(app)

    errors.init_app(app)

    from survey_app import cli

    cli.init_app(app)
    return app
