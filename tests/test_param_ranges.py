"""Declared ranges of assumed parameters: parsed, checked, formatted, described."""

from __future__ import annotations

from decimal import Decimal

import disclosure_rules as dr
from disclosure_rules.language.formatter import format_text

TEXT = """ruleset t {
  title "t"

  param w = 30% assumed "权重未载明" range 20%..40%
  param p = 2 assumed "分值未载明" range 1..3

  component a "甲" weight w {
    item x "x" p
  }

  component b "乙" weight 70% {
    score 0..100
  }
}
"""


def test_a_range_is_kept_by_the_formatter():
    assert format_text(TEXT, "t.dr") == TEXT


def test_a_range_checks_clean_and_compiles_to_its_bounds():
    assert [d for d in dr.check_text(TEXT) if d.is_error] == []
    params = {p.name: p for p in dr.compile(TEXT).graph.params}
    assert params["w"].range == (Decimal("0.2"), Decimal("0.4"))
    assert params["p"].range == (Decimal(1), Decimal(3))


def test_describe_shows_the_range_in_the_rulesets_units():
    described = dr.compile(TEXT).describe()
    ranges = {p["name"]: p.get("range") for p in described["params"]}
    assert ranges == {"w": ["0.2", "0.4"], "p": ["1", "3"]}


def test_every_assumed_parameter_of_changzhou_declares_a_range():
    params = dr.load("changzhou-2020").graph.params
    assert len(params) == 16
    assert [p.name for p in params if p.assumed and p.range is None] == []


def test_the_editors_hover_on_a_parameter_shows_its_range():
    from disclosure_rules.language.server import Analysis, hover_text

    analysis = Analysis.of(TEXT, "t.dr")
    text = hover_text(analysis, analysis.params["w"])
    assert text.startswith("**param** `w` = 30%, range 20%..40% *(assumed")
