"""One evaluation path: a run without detail scores exactly as a run with it.

The tracer is the only difference between the two (a recorder or a null one), so
totals, ranks, grades, statuses and every node's score must agree, on generated
rulesets and cohorts and on every shipped ruleset's example.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import disclosure_rules as dr
from disclosure_rules import testing

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

relaxed = settings(
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ]
)


def _outcome(results: dr.Results) -> list[tuple[Any, ...]]:
    nodes = [n.id for n in results.graph.nodes]
    return [
        (
            u.id,
            u.total,
            u.rank,
            u.grade,
            u.vetoes,
            u.conversions,
            u.warnings,
            [(u.node(n).score, u.node(n).status) for n in nodes],
        )
        for u in results.units
    ]


def _assert_same(ruleset: dr.Ruleset, cohort: dict[str, Any]) -> None:
    detailed = ruleset.evaluate(copy.deepcopy(cohort), detail=True)
    lean = ruleset.evaluate(copy.deepcopy(cohort), detail=False)
    assert _outcome(lean) == _outcome(detailed)
    assert [w.to_dict() for w in lean.warnings] == [w.to_dict() for w in detailed.warnings]


@relaxed
@given(st.data())
def test_lean_and_detailed_runs_agree_on_generated_rulesets(data):
    ruleset = data.draw(testing.compiled())
    _assert_same(ruleset, data.draw(testing.cohorts(ruleset)))


@pytest.mark.parametrize("entry", dr.catalog(), ids=lambda e: e.id)
def test_lean_and_detailed_runs_agree_on_the_shipped_examples(entry):
    facts = EXAMPLES / f"{entry.id}.facts.json"
    _assert_same(
        dr.load(entry.id), json.loads(facts.read_text(encoding="utf-8"), parse_float=Decimal)
    )
