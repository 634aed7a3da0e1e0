"""Structure marked assumed: what the source document does not state is visible in every
output — describe, the audit, explain, list — and a cite on it must be a real passage."""

from __future__ import annotations

import json

import pytest

import disclosure_rules as dr
from disclosure_rules.cli import main
from disclosure_rules.language.formatter import format_text
from disclosure_rules.language.parser import parse
from disclosure_rules.outputs.describe import describe_text

RULESET = """
ruleset assumed-structure {
  title "示例"
  tags district

  component verification "网上核查" weight 90% {
    item report "提交自查报告表" 2 {
      full
      zero when not submitted by 2020-11-15 assumed "未规定逾期的后果" cite "2020年11月15日前"
    }
    item extra "另设指标" 2 assumed "方案未列此项"
  }

  component social "社会评议" weight 10% assumed "方案未载明权重" {
    score 0..100 assumed "方案未载明分制"
  }

  convert annual "年度绩效考核" 4 assumed "未规定折算方法"
}
"""

FACTS = {
    "units": [
        {
            "id": "甲区",
            "tags": ["district"],
            "facts": {
                "report": {"submitted": "2020-11-20"},
                "extra": {"awarded": 1},
                "social": {"score": 80},
            },
        }
    ]
}


@pytest.fixture(scope="module")
def ruleset() -> dr.Ruleset:
    return dr.compile(RULESET)


def audit_node(ruleset: dr.Ruleset, node_id: str) -> dict:
    unit = ruleset.evaluate(FACTS).to_dict()["units"][0]
    return next(n for n in unit["audit"] if n["node"] == node_id)


def test_describe_json_gives_the_reason_of_each_assumed_node_rule_score_and_conversion(ruleset):
    doc = ruleset.describe()
    nodes = {n["id"]: n for n in doc["nodes"]}
    assert nodes["extra"]["assumption"] == "方案未列此项"
    assert nodes["social"]["assumption"] == "方案未载明权重"
    assert "assumption" not in nodes["report"]
    assert [r.get("assumption") for r in nodes["report"]["rules"]] == [None, "未规定逾期的后果"]
    assert nodes["social"]["rules"][0]["assumption"] == "方案未载明分制"
    assert doc["conversions"][0]["assumption"] == "未规定折算方法"
    listed = [(a["kind"], a["id"]) for a in doc["ruleset"]["assumed_structure"]]
    assert listed == [
        ("zero_when", "report"),
        ("item", "extra"),
        ("component", "social"),
        ("direct_score", "social"),
        ("conversion", "annual"),
    ]


def test_describe_json_of_a_ruleset_without_assumed_structure_has_no_such_key():
    doc = dr.load("yifeng-2020-townships").describe()
    assert "assumed_structure" not in doc["ruleset"]


def test_describe_text_marks_assumed_structure(ruleset):
    text = describe_text(ruleset)
    assert "extra “另设指标” 2  [item: awarded] (ASSUMED: 方案未列此项)" in text
    assert "zero_when (line 9) ASSUMED: 未规定逾期的后果" in text
    assert "score range ASSUMED: 方案未载明分制" in text
    assert "convert annual “年度绩效考核” to 4 points (ASSUMED: 未规定折算方法)" in text


def test_the_audit_entry_of_an_assumed_rule_says_why_it_is_assumed(ruleset):
    [zero] = [e for e in audit_node(ruleset, "report")["entries"] if e["kind"] == "zero"]
    assert (zero["delta"], zero["cite"], zero["assumption"]) == (
        "-2",
        "2020年11月15日前",
        "未规定逾期的后果",
    )


def test_the_base_entry_of_an_assumed_score_range_says_why(ruleset):
    [base] = audit_node(ruleset, "social")["entries"]
    assert base["assumption"] == "方案未载明分制"


def test_an_assumed_node_is_marked_in_its_audit_and_in_its_contribution_to_its_parent(ruleset):
    assert audit_node(ruleset, "extra")["assumption"] == "方案未列此项"
    entries = audit_node(ruleset, "verification")["entries"]
    assert [(e["child"], e.get("assumption")) for e in entries] == [
        ("report", None),
        ("extra", "方案未列此项"),
    ]


def test_steps_of_rules_that_are_not_assumed_carry_no_mark(ruleset):
    [base] = [e for e in audit_node(ruleset, "report")["entries"] if e["kind"] == "base"]
    assert "assumption" not in base


def test_every_result_lists_the_assumed_structure_it_is_built_on(ruleset):
    results = ruleset.evaluate(FACTS).to_dict()
    assert "conversion annual (line 18) is assumed: 未规定折算方法" in results["assumptions"]
    assert "zero_when of report (line 9) is assumed: 未规定逾期的后果" in results["assumptions"]
    assert results["units"][0]["conversions"]["annual"]["assumption"] == "未规定折算方法"


def test_audits_with_assumed_structure_reconcile(ruleset):
    assert ruleset.evaluate(FACTS).reconcile() == []


def test_explain_marks_assumed_nodes_steps_and_conversions(ruleset):
    text = ruleset.evaluate(FACTS).explain("甲区")
    assert "[假定 assumed: 未规定逾期的后果]" in text
    assert "[假定 assumed: 方案未列此项]" in text
    assert "1.22 / 4  [假定 assumed: 未规定折算方法]" in text
    assert "built on assumed structure: zero_when report, item extra" in text


def test_list_counts_assumed_structure_apart_from_assumed_parameters(capsys):
    assert main(["list", "--format", "json"]) == 0
    listed = {e["id"]: e for e in json.loads(capsys.readouterr().out)}
    assert listed["yifeng-2020-townships"]["assumed_structure"] == 0
    assert listed["shanghai-2020-districts"]["assumed_structure"] > 0
    assert main(["list"]) == 0
    assert "assumed structure" in capsys.readouterr().out


def test_fmt_keeps_the_assumption_and_the_passage_it_rests_on(ruleset):
    text = format_text(RULESET)
    assert 'assumed "未规定逾期的后果" cite "2020年11月15日前"' in text
    assert parse(text) == parse(RULESET)  # spans aside


def test_a_keyword_after_an_assumption_is_still_a_keyword():
    text = 'ruleset x { title "t" item a "a" 2 { deduct 1 per n assumed "x" full } }'
    assert dr.compile(text).graph.node("a").base.type == "full"


@pytest.mark.parametrize(
    "statement",
    [
        'param p = 1 "说明" assumed "x"',
        'grades { 优秀 >= 90 assumed "x" else 不合格 }',
        'veto v "否决" when n > 0 then grade 不合格 assumed "x"',
        'policy { floor 0 assumed "x" }',
    ],
)
def test_assumed_anywhere_but_structure_is_refused(statement):
    text = f'ruleset x {{ title "t" {statement} item a "a" 2 }}'
    assert "DR012" in [d.code for d in dr.check_text(text)]


def test_an_assumption_without_a_reason_is_refused():
    text = 'ruleset x { title "t" item a "a" 2 assumed " " }'
    [problem] = [d for d in dr.check_text(text) if d.code == "DR115"]
    assert problem.message == "an assumption's reason is empty"


def test_a_verbatim_passage_under_an_assumption_is_not_reported():
    # the shipped Shanghai conversion: assumed, resting on the passage that gives 4 points
    codes = {d.code for d in dr.check("shanghai-2020-districts")}
    assert not codes & {"DR206", "DR210"}
    assert ("conversion", "annual") in {
        (a["kind"], a["id"])
        for a in dr.load("shanghai-2020-districts").describe()["ruleset"]["assumed_structure"]
    }
