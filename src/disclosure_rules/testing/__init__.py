"""Property-testing scoring behaviour with Hypothesis: strategies and one-call checks.

A ruleset author proves that a ruleset behaves without writing cases by hand::

    from hypothesis import given
    import disclosure_rules as dr
    from disclosure_rules import testing

    ruleset = dr.load("my-county-2021.dr")

    @testing.PROFILE  # no deadline: see disclosure_rules.testing.profile
    @given(testing.cohorts(ruleset))
    def test_my_ruleset_behaves(cohort):
        testing.check_all(ruleset, cohort)

Strategies: :func:`rulesets` (random valid rulesets covering every construct, as AST;
:func:`ruleset_texts` as text; some declare a reading), :func:`readings` (a selection
of a ruleset's readings, any alternative of each), :func:`unit_facts` (one unit's facts
that fit a ruleset: points in range, counts, rates, dates and records, N/A cells,
unevidenced and news-only claims, missing facts) and :func:`cohorts` (a facts document
of several units).

Checks, each raising ``AssertionError`` with what failed: :func:`check_bounded`,
:func:`check_monotone`, :func:`check_na_consistency`, :func:`check_permutation`,
:func:`check_deterministic`, :func:`check_reconciles`, :func:`check_json_round_trip`,
and :func:`check_all` (each of them under every alternative of every reading in turn:
:func:`every_reading` gives the ruleset compiled under each).

For one indicator at a time (:mod:`.targets`): :func:`facts_for` (facts varying one
node, optionally near its thresholds or its floor) and :func:`score_change` (one fact
changed, both scores). :data:`PROFILE` (:mod:`.profile`) is a Hypothesis settings
profile without a deadline, also registered as ``"disclosure-rules"``.
"""

from __future__ import annotations

from .checks import (
    check_all,
    check_bounded,
    check_deterministic,
    check_json_round_trip,
    check_monotone,
    check_na_consistency,
    check_permutation,
    check_reconciles,
    every_reading,
)
from .facts import cohorts, unit_facts
from .profile import PROFILE, PROFILE_NAME
from .strategies import compiled as compiled  # public and documented, outside `import *`
from .strategies import readings, ruleset_texts, rulesets
from .targets import ScoreChange, facts_for, score_change

__all__ = [
    "PROFILE",
    "PROFILE_NAME",
    "ScoreChange",
    "check_all",
    "check_bounded",
    "check_deterministic",
    "check_json_round_trip",
    "check_monotone",
    "check_na_consistency",
    "check_permutation",
    "check_reconciles",
    "cohorts",
    "every_reading",
    "facts_for",
    "readings",
    "ruleset_texts",
    "rulesets",
    "score_change",
    "unit_facts",
]
