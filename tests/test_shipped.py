"""Every shipped ruleset checks clean and quotes its sources; every example scores, reconciles."""

from __future__ import annotations

from pathlib import Path

import pytest

import disclosure_rules as dr

EXAMPLES = Path(__file__).parents[1] / "examples"
DOCS = Path(__file__).parents[1] / "docs" / "rulesets"
IDS = [e.id for e in dr.catalog()]


@pytest.mark.parametrize("ruleset_id", IDS)
def test_shipped_ruleset_checks_without_errors(ruleset_id):
    assert [d for d in dr.check(ruleset_id) if d.is_error] == []


@pytest.mark.parametrize("ruleset_id", IDS)
def test_every_cite_of_a_shipped_ruleset_is_verbatim_in_its_sources(ruleset_id):
    from disclosure_rules.language.citations import cites

    syntax = dr.load(ruleset_id).syntax
    assert syntax.source_files, "a shipped ruleset names the source files its cites quote"
    assert cites(syntax)
    unquoted = [d.render() for d in dr.check(ruleset_id) if d.code in ("DR206", "DR207", "DR210")]
    assert unquoted == []


@pytest.mark.parametrize("ruleset_id", IDS)
def test_shipped_ruleset_describes(ruleset_id):
    doc = dr.load(ruleset_id).describe()
    assert doc["ruleset"]["id"] == ruleset_id
    assert all(n["rules"] or n["kind"] in ("ruleset", "component", "section") for n in doc["nodes"])


@pytest.mark.parametrize("ruleset_id", IDS)
def test_example_scores_and_reconciles(ruleset_id):
    facts = EXAMPLES / f"{ruleset_id}.facts.json"
    results = dr.load(ruleset_id).evaluate(facts)
    assert results.reconcile() == []
    assert results.synthetic and "synthetic" in (results.facts_description or "")


@pytest.mark.parametrize("ruleset_id", IDS)
def test_shipped_ruleset_is_formatted(ruleset_id):
    from disclosure_rules.catalog import shipped_text
    from disclosure_rules.language.formatter import format_text

    shipped = shipped_text(ruleset_id)
    assert shipped is not None
    text = shipped[1].decode("utf-8")
    assert format_text(text) == text


def test_catalog_lists_headline_figures():
    entry = next(e for e in dr.catalog() if e.id == "yifeng-2020-townships")
    assert (entry.year, entry.max, entry.issuer) == (2020, 100, "宜丰县人民政府办公室")
