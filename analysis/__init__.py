"""Sapa statistics: fair provider quality scores and M&E indicators.

Pure functions over numpy arrays and pandas frames (no Flask, no database), usable from a
notebook. One module per topic; each estimator documents its formula and reference and is
tested against an independent implementation:

==================  ==============================================================
``scores``          item means, top-2-box, 0–100 dimension scores, composite index, NPS
``intervals``       Wilson and t intervals, finite population correction, Kish n
``reliability``     Cronbach's α (Feldt), item analysis, McDonald's ω, ICC(1), R_j
``casemix``         CAHPS-style case-mix adjustment (provider fixed effects)
``shrinkage``       empirical-Bayes shrinkage (REML / ANOVA variance components)
``funnel``          funnel plots with over-dispersion (Spiegelhalter 2005)
``comparison``      above / as expected / below, and grades only where reliable
``subgroups``       estimates and tests by recipient category, setting, region …
``change``          wave-to-wave differences, p- and x̄-control charts
``weighting``       post-stratification, raking, weighted estimates
``planning``        responses needed for a margin of error or a reliability
``verdicts``        achieved / not achieved / not yet known for contract indicators
``aggregates``      the sufficient-statistics path the web app feeds from SQL
``figures``         Plotly figure builders with labels in kk, ru, uk, en
==================  ==============================================================
"""

from analysis.aggregates import (
    answer_counts,
    count_mean_estimates,
    mean_estimates,
    moments,
    nps_estimates,
    top_box_estimates,
)
from analysis.casemix import casemix_adjust, casemix_adjust_from_crossproducts, casemix_adjust_many
from analysis.change import mean_change, p_chart, proportion_change, xbar_chart
from analysis.comparison import compare_with_mean
from analysis.funnel import funnel_means, funnel_proportions
from analysis.intervals import fpc, kish_effective_n, t_interval, wilson_interval
from analysis.planning import responses_for_mean, responses_for_proportion
from analysis.reliability import (
    cronbach_alpha,
    icc1,
    item_analysis,
    mcdonald_omega,
    provider_reliability,
    responses_for_reliability,
)
from analysis.scores import (
    composite_index,
    item_summary,
    net_promoter_score,
    nps_from_counts,
    respondent_dimension_scores,
    reverse_score,
)
from analysis.shrinkage import shrink_estimates, shrink_means, shrink_moments, variance_components
from analysis.subgroups import compare_subgroups, subgroup_estimates, subgroup_proportions, welch_anova
from analysis.verdicts import indicator_verdict, indicator_verdicts
from analysis.weighting import poststratification_weights, rake, weighted_mean, weighted_proportion

__all__ = [
    "answer_counts", "casemix_adjust", "casemix_adjust_from_crossproducts", "casemix_adjust_many",
    "compare_subgroups", "compare_with_mean", "composite_index", "count_mean_estimates", "cronbach_alpha", "fpc",
    "funnel_means", "funnel_proportions", "icc1", "indicator_verdict", "indicator_verdicts", "item_analysis",
    "item_summary", "kish_effective_n", "mcdonald_omega", "mean_change", "mean_estimates", "moments",
    "net_promoter_score", "nps_estimates", "nps_from_counts", "p_chart", "poststratification_weights",
    "proportion_change", "provider_reliability", "rake", "respondent_dimension_scores", "responses_for_mean",
    "responses_for_proportion", "responses_for_reliability", "reverse_score", "shrink_estimates", "shrink_means",
    "shrink_moments", "subgroup_estimates", "subgroup_proportions", "t_interval", "top_box_estimates",
    "variance_components", "weighted_mean", "weighted_proportion", "welch_anova", "wilson_interval", "xbar_chart",
]
