"""Flask extensions, created unbound here and initialised in the factory."""

from flask import session
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from survey_app.models.base import Base


class StaffLoginManager(LoginManager):
    """Flask-Login, with session protection only for sessions that hold a signed-in member of staff.

    Flask-Login otherwise treats any non-empty session without its "_id" as a stolen one: an
    anonymous respondent's session (a draft, a language) then got a "_fresh" mark and a
    ``remember_token`` deletion cookie on every page, though the survey sets no cookie but its own.
    """

    def _session_protection_failed(self):
        if "_user_id" not in session:
            return False
        return super()._session_protection_failed()


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = StaffLoginManager()
