"""``compare``: one cohort under two rulesets, or one ruleset read two ways."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from installed import run as run_installed
from test_schemas import validate

import disclosure_rules as dr
from disclosure_rules.cli import main

EXAMPLES = Path(__file__).parents[1] / "examples"
DEPARTMENTS = EXAMPLES / "yifeng-2020-departments.facts.json"
CHANGZHOU = EXAMPLES / "changzhou-2020.facts.json"

# The Yifeng departments table under 附注2's two readings, worked by hand.
#
# Only one item of the table can take a unit below zero: 行政复议、行政诉讼 (appeals,
# 2 points), "每件扣1" per overturned review and "每件扣2" per lost lawsuit. (The other
# deductions, 转载扣分 from an awarded 1 or 2 and 缺一项扣一分 from 10, stay within
# their items in the example.) Per item (扣完即止 at each item) the item stops at 0;
# with the whole 100 as the base the excess D − 2 passes through to the work
# evaluation (which stays far above 0), weighted 70%. From the facts (D = reviews +
# 2 × lawsuits): 工信局 1+8 = 9, excess 7; 发改委, 市监局, 行政服务中心 0+8, and
# 生态环境局 4+4: excess 6; 住建局, 国资委, 林业局 4: excess 2; 医保局, 卫健委,
# 扶贫办, 财政局 1+2: excess 1; every other unit D ≤ 2: excess 0.
#
# Totals under per_item (the default reading, the table `score` prints), and the
# excess of each unit:
PER_ITEM = {
    "县城管局": ("86.65", 0),
    "县气象局": ("83.42", 0),
    "县市监局": ("82.81", 6),
    "县生态环境局": ("81.88", 6),
    "县统计局": ("81.50", 0),
    "县应急管理局": ("79.95", 0),
    "县审计局": ("79.06", 0),
    "县林业局": ("78.42", 2),
    "县自然资源局": ("77.83", 0),
    "县国资委": ("77.40", 2),
    "县人社局": ("76.93", 0),
    "县财政局": ("76.57", 1),
    "县住建局": ("76.28", 2),
    "县医保局": ("75.98", 1),
    "县民政局": ("74.85", 0),
    "县发改委": ("74.64", 6),
    "县教体局": ("73.75", 0),
    "县工信局": ("73.75", 7),
    "县司法局": ("73.61", 0),
    "县商务局": ("73.34", 0),
    "县卫健委": ("73.15", 1),
    "县行政服务中心": ("72.51", 6),
    "县扶贫办": ("70.44", 1),
    "县农业农村局": ("69.28", 0),
}
# Ranked by hand: per_item ranks from the table (工信局 and 教体局 tie at 17); whole_100
# totals are per_item − 0.7 × excess, ranked: 城管局 86.65, 气象局 83.42, 统计局 81.50,
# 应急管理局 79.95, 审计局 79.06, 市监局 78.61, 自然资源局 77.83, 生态环境局 77.68,
# 林业局 77.02, 人社局 76.93, 国资委 76.00, 财政局 75.87, 医保局 75.28, 住建局 74.88,
# 民政局 74.85, 教体局 73.75, 司法局 73.61, 商务局 73.34, 卫健委 72.45, 发改委 70.44,
# 扶贫办 69.74, 农业农村局 69.28, 工信局 68.85, 行政服务中心 68.31.
RANKS = {  # unit: (rank per_item, rank whole_100)
    "县城管局": (1, 1),
    "县气象局": (2, 2),
    "县市监局": (3, 6),
    "县生态环境局": (4, 8),
    "县统计局": (5, 3),
    "县应急管理局": (6, 4),
    "县审计局": (7, 5),
    "县林业局": (8, 9),
    "县自然资源局": (9, 7),
    "县国资委": (10, 11),
    "县人社局": (11, 10),
    "县财政局": (12, 12),
    "县住建局": (13, 14),
    "县医保局": (14, 13),
    "县民政局": (15, 15),
    "县发改委": (16, 20),
    "县教体局": (17, 16),
    "县工信局": (17, 23),
    "县司法局": (19, 17),
    "县商务局": (20, 18),
    "县卫健委": (21, 19),
    "县行政服务中心": (22, 24),
    "县扶贫办": (23, 21),
    "县农业农村局": (24, 22),
}
UNMOVED = {"县城管局", "县气象局", "县财政局", "县民政局"}


def _floor_readings() -> dr.Comparison:
    a = dr.load("yifeng-2020-departments", readings={"floor_scope": "per_item"})
    b = dr.load("yifeng-2020-departments", readings={"floor_scope": "whole_100"})
    return dr.compare(a, b, DEPARTMENTS)


def test_the_two_floor_readings_move_the_units_worked_out_by_hand():
    comparison = _floor_readings()
    moved = {u.id: (u.a.rank, u.b.rank) for u in comparison.moved()}
    assert moved == {k: v for k, v in RANKS.items() if k not in UNMOVED}
    assert {u.id for u in comparison if u.move == 0} == UNMOVED


def test_each_unit_loses_seven_tenths_of_its_excess_under_the_whole_100():
    for unit in _floor_readings():
        total, excess = PER_ITEM[unit.id]
        assert (str(unit.a.rounded_total), unit.change) == (total, Decimal("-0.7") * excess)


def test_units_come_by_the_largest_move_then_the_largest_change():
    units = list(_floor_readings())
    keys = [(abs(u.move), abs(u.change)) for u in units]
    assert keys == sorted(keys, reverse=True)
    assert units[0].id == "县工信局" and units[0].move == -6


def test_the_rule_that_accounts_for_a_move_is_named_with_its_delta_under_each_side():
    unit = next(u for u in _floor_readings() if u.id == "县工信局")
    assert [(r.rule, r.a, r.b) for r in unit.rules] == [("appeals.clamp.floor", 7, None)]


def test_a_unit_whose_rules_are_unchanged_lists_none():
    unit = next(u for u in _floor_readings() if u.id == "县统计局")
    assert (unit.move, unit.rules) == (2, ())


def test_ranks_are_within_groups_as_score_ranks_them():
    a = dr.load("changzhou-2020", {"p_basics": "2"})
    b = dr.load("changzhou-2020", {"p_basics": "3"})
    comparison = dr.compare(a, b, CHANGZHOU)
    for side, results in (("a", a.evaluate(CHANGZHOU)), ("b", b.evaluate(CHANGZHOU))):
        expected = {u.id: (u.group, u.rank) for u in results}
        got = {u.id: (getattr(u, side).group, getattr(u, side).rank) for u in comparison}
        assert got == expected
    assert {u.a.group for u in comparison} == {"district+municipal_unit", "public_institution"}


BASE = """ruleset base {
  title "base"
  item kept "甲" 50
  item dropped "乙" 50
}
"""
NEXT = """ruleset next {
  title "next"
  item kept "甲" 50
  item added "丙" 50 { deduct 1 per lapses }
}
"""


def test_facts_for_an_item_only_one_ruleset_has_are_warnings_not_errors():
    facts = {
        "units": [
            {"id": "u1", "facts": {"kept": 40, "dropped": 50, "added": {"lapses": 2}}},
            {"id": "u2", "facts": {"kept": 50, "dropped": 10, "added": {"lapses": 0}}},
        ]
    }
    comparison = dr.compare(dr.compile(BASE), dr.compile(NEXT), facts)
    assert [(w.code, w.fact, w.is_error) for w in comparison.warnings] == [
        ("DR721", "added", False),
        ("DR721", "dropped", False),
    ]
    assert {u.id: (u.a.total, u.b.total) for u in comparison} == {
        "u1": (90, 88),
        "u2": (60, 100),
    }
    assert [(u.id, u.move) for u in comparison] == [("u2", 1), ("u1", -1)]
    # the root is "ruleset" on both sides; a node on one side only brings its rules
    u1 = next(u for u in comparison if u.id == "u1")
    assert [(r.rule, r.a, r.b) for r in u1.rules] == [
        ("ruleset.child.dropped", 50, None),
        ("dropped.base.awarded", 50, None),
        ("ruleset.child.added", None, 48),
        ("added.base.full", None, 50),
        ("added.deduct.deduct_per", None, -2),
    ]


def test_facts_for_an_item_neither_ruleset_has_are_still_an_error():
    facts = {"units": [{"id": "u1", "facts": {"kept": 40, "nowhere": 1}}]}
    with pytest.raises(dr.FactsError, match="unknown item 'nowhere'"):
        dr.compare(dr.compile(BASE), dr.compile(NEXT), facts)


def test_a_fact_only_the_other_side_reads_is_set_aside_too():
    old = NEXT.replace("ruleset next", "ruleset old").replace("{ deduct 1 per lapses }", "")
    facts = {"units": [{"id": "u1", "facts": {"kept": 40, "added": {"lapses": 1}}}]}
    comparison = dr.compare(dr.compile(old), dr.compile(NEXT), facts)
    set_aside = [(w.code, w.fact) for w in comparison.warnings if w.code == "DR721"]
    assert set_aside == [("DR721", "added.lapses")]


def test_the_command_compares_one_ruleset_under_two_readings_as_json(capsys):
    code = main(
        [
            "compare",
            "yifeng-2020-departments",
            str(DEPARTMENTS),
            "--a-reading",
            "floor_scope=per_item",
            "--b-reading",
            "floor_scope=whole_100",
            "--format",
            "json",
        ]
    )
    out = capsys.readouterr().out
    document = json.loads(out)
    validate(document, "compare")
    assert code == 0
    assert document["a"]["label"] == "yifeng-2020-departments (floor_scope=per_item)"
    assert document["b"]["readings"]["floor_scope"] == "whole_100"
    moved = {u["id"]: (u["a"]["rank"], u["b"]["rank"]) for u in document["units"] if u["move"]}
    assert moved == {k: v for k, v in RANKS.items() if k not in UNMOVED}


def test_the_command_writes_csv(capsys):
    args = ["compare", "changzhou-2020", str(CHANGZHOU), "--format", "csv"]
    code = main([*args, "--a-param", "p_basics=2", "--b-param", "p_basics=3"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert code == 0 and len(rows) == 13
    assert {"unit", "rank_a", "rank_b", "move", "change", "rules"} <= set(rows[0])


def test_one_ruleset_without_two_sets_of_choices_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["compare", "changzhou-2020", str(CHANGZHOU)])
    assert exc.value.code == 2
    assert "--a-reading/--b-reading" in capsys.readouterr().err


def test_two_sides_that_cannot_differ_are_refused(capsys):
    args = ["compare", "changzhou-2020", "changzhou-2020", str(CHANGZHOU)]
    code = main(args)
    assert code == 1
    assert "DR720" in capsys.readouterr().err


def test_the_installed_command_prints_the_table_with_the_moves(tmp_path):
    result = run_installed(
        "compare",
        "yifeng-2020-departments",
        str(DEPARTMENTS),
        "--a-reading",
        "floor_scope=per_item",
        "--b-reading",
        "floor_scope=whole_100",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "A: yifeng-2020-departments (floor_scope=per_item)",
        "B: yifeng-2020-departments (floor_scope=whole_100)",
        "20 of 24 unit(s) change rank, 0 change grade (move: places gained under B)",
    ]
    assert lines[5].split() == ["县工信局", "17", "23", "↓6", "73.75", "68.85", "-4.9"]
    assert "  县工信局: appeals.clamp.floor 7 → —" in lines
