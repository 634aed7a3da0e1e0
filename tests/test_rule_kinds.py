"""Every syntax rule kind has its compiled class, and N/A on a directly scored
component follows the component's N/A policy (issue: ``KeyError: 0``)."""

from __future__ import annotations

import typing
from decimal import Decimal
from typing import Any, ClassVar

import attrs
from conftest import D, score

import disclosure_rules as dr
from disclosure_rules.evaluation.engine import evaluate
from disclosure_rules.language import syntax
from disclosure_rules.model import rules
from disclosure_rules.model.rules import Scope

DIRECT = """
ruleset t {
  title "t"
  policy { not_applicable average cite "未有相关指标的得平均分" }
  component work "工作" weight 70% {
    item a "甲" 10
  }
  component process "过程" weight 30% { score 0..100 }
}
"""


def test_na_on_a_directly_scored_component_gets_the_cohort_average():
    r = score(
        DIRECT,
        [
            {"id": "u", "facts": {"a": 10, "process": "n/a"}},
            {"id": "v", "facts": {"a": 5, "process": 80}},
        ],
    )
    process = r.unit("u").node("process")
    assert (process.status, process.score) == ("na", D(80))


def test_na_on_a_directly_scored_component_with_no_average_uses_the_own_rate():
    # nobody scored the process: the unit's own rate on every item of the ruleset, 5/10
    r = score(DIRECT, [{"id": "u", "facts": {"a": 5, "process": "n/a"}}])
    process = r.unit("u").node("process")
    assert (process.status, process.score) == ("na", D(50))
    assert any(w.code == "DR401" for w in r.warnings)


def test_yifeng_townships_na_on_the_process_component_scores_without_a_traceback():
    ruleset = dr.load("yifeng-2020-townships")
    facts = {"units": [{"id": "A", "tags": ["township"], "facts": {"process": "n/a"}}]}
    results = ruleset.evaluate(facts)
    assert results.unit("A").node("process").status == "na"
    assert results.reconcile() == []


def test_every_syntax_rule_kind_compiles_to_a_rule_class():
    syntax_kinds = set(typing.get_args(syntax.Rule))
    compiled = set(typing.get_args(rules.Rule))
    # Award has three modes, each its own compiled class; every other kind maps one to one
    assert len(compiled) == len(syntax_kinds) + 2
    text = """
    ruleset t { title "t"
      item a "a" 2 { awarded }
      item b "b" 2 { full deduct 1 per n max 2 deduct 1 per missing m of 2 }
      item c "c" 2 { all_or_nothing zero when x > 1 deduct 1 when y }
      item d "d" 2 { rate r }
      item e "e" 2 { rate recs: done within 3 days of asked }
      item f "f" 2 { deduct 1 per late recs: done within 3 days of asked }
    }
    """
    graph = dr.compile(text).graph
    kinds = {type(c) for n in graph.nodes for c in n.clauses}
    assert kinds == compiled
    assert {k.type for k in kinds} == set(rules.BASE_TYPES) | {
        "deduct_per",
        "deduct_missing",
        "deduct_when",
        "zero_when",
        "deduct_late",
    }


@attrs.frozen
class _DeductHalfPer:
    """A toy step kind, written the documented way: one class that scores itself."""

    type: ClassVar[str] = "deduct_half_per"
    line: int
    fact: str
    assumption: str | None = None

    def apply(self, scope: Scope, score: Decimal) -> Decimal:
        count = scope.fact(None, self.fact)
        delta = -count / 2
        scope.record("deduct", delta, self.type, self.line, None, {self.fact: count})
        return score + delta

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "fact": self.fact, "line": self.line}


def test_a_toy_rule_kind_scores_and_audits_itself_without_an_engine_change():
    ruleset = dr.compile('ruleset t { title "t" item a "a" 4 { deduct 1 per n } }')
    graph = ruleset.graph
    node = graph.node("a")
    toy = _DeductHalfPer(node.line, "n")
    changed = attrs.evolve(node, clauses=(toy,), steps=(toy,))  # type: ignore[arg-type]
    nodes = tuple(changed if n.index == node.index else n for n in graph.nodes)
    toy_graph = attrs.evolve(graph, nodes=nodes)
    cohort = ruleset.load_facts({"units": [{"id": "u", "facts": {"a": {"n": 3}}}]})
    results = evaluate(toy_graph, cohort)
    assert results.unit("u").total == D("2.5")  # 4 − 3 × 0.5
    assert [e.rule for e in results.unit("u").node("a").entries] == ["full", "deduct_half_per"]
    assert results.reconcile() == []
    assert toy_graph.to_dict()["nodes"][1]["rules"][1]["type"] == "deduct_half_per"
