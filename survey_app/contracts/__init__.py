"""State social order contracts: the registry, indicators against targets, verdicts, expert assessment,
the portfolio of a funder or region, and the contract report (PDF, XLSX) — the evaluators' section.

Who sees what is decided in ``survey_app.access`` (``contract_filter``, ``CONTRACT_EDITORS``,
``CONTRACT_ADMINISTRATORS``): evaluators and administrators see every contract, monitors those of the
providers in their scope, provider managers their own organisation's, read-only; social workers none.

Modules: ``registry`` (contracts, their list and the XLSX import), ``indicators`` (actual values from
the responses, intervals, verdicts and their wording), ``aggregation`` (the counts and moments per
provider those values come from, summed in SQL), ``services`` (targets, figures entered by hand
and expert assessments, each change in the audit trail), ``audit``, ``portfolio``, ``charts``,
``report`` (PDF and XLSX), ``forms`` and ``routes`` (thin views).

Indicator values (``indicators``) come from the responses of the contract's provider submitted within
the period (``aggregation``: a few counts and moments per provider, aggregated in SQL on each request,
nothing per response loaded) and their intervals from ``analysis.indicators``; the verdict is
``analysis.verdicts.indicator_verdict`` with at least ``MIN_VERDICT_RESPONSES`` (30) responses: under
30 the normal approximations behind the t and Wilson intervals are rough, and one wave's chance
variation can decide a verdict that funds depend on (it is also the number below which the staff pages
warn that a score rests on few responses). Below administrator no figure from fewer than
``SAPA_MIN_RESPONSES`` (5) responses is shown: the row says so instead, and gives no verdict.

Expert assessment scale: each of the five criteria of Kazakhstan's evaluation of state social order
projects (relevance, fulfilment of the plan, result, likelihood of continuation, likelihood of a
long-term social impact) is scored 0–5 by the assessor, with the reasoning written out; the total is
out of 25. Published preliminary evaluation reports of state social order projects use five points
per criterion and a total of 25 per expert (an expert council of three reports totals out of 75, as
15 per criterion), so 0–5 keeps Sapa's scores comparable with them. A short anchored scale is also
scored more consistently by different assessors than 1–10, and 0 says "no evidence / not met",
which a 1–10 scale cannot.
"""

from flask import Blueprint, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from survey_app.access import CONTRACT_READERS
from survey_app.navigation import register_section

bp = Blueprint("contracts", __name__, url_prefix="/staff/contracts", template_folder="templates",
               static_folder="static")

register_section("contracts.index", _l("Contracts"), CONTRACT_READERS, order=45)


@bp.before_request
@login_required
def require_contract_reader():
    """Every page of the section, its style sheet included, is for the roles that read contracts."""
    if current_user.role not in CONTRACT_READERS:
        abort(403)


from survey_app.contracts import routes  # noqa: E402,F401
