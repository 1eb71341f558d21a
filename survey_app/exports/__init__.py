"""Data exports: responses as CSV, Excel or SPSS files, within the user's scope and the rule on small numbers.

The staff section "Data exports" (``/staff/exports/``: a GET form, a summary of what the file will
hold, then ``/staff/exports/download``) and the command ``flask export-responses`` (administrator's
rights, for large exports). Queries are in ``services``, the file formats in ``formats``.

Layout: one row per response, ordered by response id; the same variable names in every format
(valid SPSS names): ``response_id, campaign, wave, provider_code, provider_name, region_code,
setting, submitted_on, language, mode, age_band, sex, recipient_category, self_rated_health,
assistance``, then one column per question of the instrument version, in questionnaire order:

- a scored question holds the score; an option without a score ("does not apply") is written as
  its option name (``na``) in CSV and XLSX, and as a user-missing code (-1, -2, … in option order,
  declared missing with its label) in SPSS;
- a question with several answers has one 0/1 column per option (``<question>_<option>``);
- a number question holds the number; an unscored single choice holds the option name;
- an open question holds the text (administrators only, see below);
- an empty cell: not asked (skip logic) or not answered.

The XLSX file adds a sheet "variables" (name, label, values) and a sheet "notes"; the .sav file
carries variable and value labels and the same notes; labels and notes are in the language chosen.

One file holds one instrument version: an export whose responses answer several versions is
refused with a message asking to choose a campaign (a campaign has one version).

Rule on small numbers (DESIGN §6), below administrator: responses of a provider with fewer than
``SAPA_MIN_RESPONSES`` responses in the export (per campaign and provider, after every filter) are
left out, and so are all open answers; the page and the notes say how many were left out. Rows are
limited to the providers the user may see (``survey_app.access.provider_filter``).

Streaming: CSV is sent as it is read (one streamed query over the responses, one query per 2,000
responses for their answers); XLSX is written with openpyxl's write-only mode to a temporary file,
then streamed; pyreadstat cannot append, so a .sav is built in memory and capped at
``services.SAV_MAX_ROWS`` responses (larger exports are refused with a message). An XLSX sheet holds
at most 1,048,575 rows.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from survey_app.exports.services import EXPORT_ROLES
from survey_app.navigation import register_section

# cli_group=None: the command is ``flask export-responses``, not ``flask exports export-responses``.
bp = Blueprint("exports", __name__, url_prefix="/staff/exports", template_folder="templates", cli_group=None)

register_section("exports.index", _l("Data exports"), EXPORT_ROLES, order=80)


@bp.before_request
@login_required
def require_sign_in():
    """Every page needs a signed-in user; which providers each may see is decided in survey_app.access."""


from survey_app.exports import cli, routes  # noqa: E402,F401
