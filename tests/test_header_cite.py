"""The ruleset header's cite reaches the results and describe, beside the maximum."""

from __future__ import annotations

import json

import disclosure_rules as dr
from disclosure_rules.cli import main

TEXT = """ruleset cited {
  title "T"
  total 4 cite "(总分4分)"

  item a "甲" 4
}
"""
FACTS = {"units": [{"id": "u", "facts": {"a": {"awarded": 3}}}]}


def test_the_total_cite_is_the_results_ruleset_cite():
    results = dr.compile(TEXT).evaluate(FACTS)
    assert results.to_dict()["ruleset"]["cite"] == "(总分4分)"


def test_the_total_cite_is_in_describe():
    assert dr.compile(TEXT).describe()["ruleset"]["cite"] == "(总分4分)"


def test_a_ruleset_without_a_header_cite_has_a_null_cite():
    text = TEXT.replace(' cite "(总分4分)"', "")
    assert dr.compile(text).evaluate(FACTS).to_dict()["ruleset"]["cite"] is None


def test_a_saved_results_file_with_the_cite_verifies(tmp_path, capsys):
    ruleset, facts, results = tmp_path / "c.dr", tmp_path / "f.json", tmp_path / "r.json"
    ruleset.write_text(TEXT, encoding="utf-8")
    facts.write_text(json.dumps(FACTS), encoding="utf-8")
    assert main(["score", str(ruleset), str(facts), "--format", "json", "-o", str(results)]) == 0
    assert json.loads(results.read_text(encoding="utf-8"))["ruleset"]["cite"] == "(总分4分)"
    assert main(["verify", str(results), "--ruleset", str(ruleset), "--facts", str(facts)]) == 0
