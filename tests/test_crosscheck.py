"""The engine agrees with an independent, hand-written scorer for the Yifeng townships
scheme (benchmarks/handwritten.py) on every unit of a synthetic cohort."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import disclosure_rules as dr

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"
pytestmark = pytest.mark.skipif(not BENCHMARKS.is_dir(), reason="needs the source tree")


def test_engine_and_hand_written_scorer_agree_on_every_total_and_rank():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import handwritten
        from synthetic import synthetic_facts
    finally:
        sys.path.remove(str(BENCHMARKS))
    ruleset = dr.load("yifeng-2020-townships")
    doc = synthetic_facts(ruleset.graph, 400, seed=7, na_rate=0.05)
    expected = handwritten.score(doc, handwritten.table_from_graph(ruleset.graph))
    results = ruleset.evaluate(doc)
    actual = [(u.id, u.rounded_total, u.rank) for u in results.units]
    assert actual == expected
    assert results.reconcile() == []
