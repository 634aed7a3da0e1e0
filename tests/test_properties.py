"""The library's own invariants, checked with its public toolkit (disclosure_rules.testing)
on random rulesets and on every shipped ruleset; and the parser under random input.

Profiles (tests/conftest.py): the default runs a few dozen examples per property; CI
uses Hypothesis's ``ci`` profile (derandomised, no deadline); ``HYPOTHESIS_PROFILE=
thorough`` runs 10,000 examples per property.
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import disclosure_rules as dr
from disclosure_rules import testing
from disclosure_rules.language.formatter import format_ruleset, format_text
from disclosure_rules.language.parser import parse

# generated rulesets are large objects: Hypothesis's size and speed checks do not apply
relaxed = settings(
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ]
)


@relaxed
@given(testing.rulesets())
def test_formatted_text_parses_back_to_the_same_ruleset(ruleset):
    assert parse(format_ruleset(ruleset)) == ruleset


@relaxed
@given(testing.ruleset_texts())
def test_formatting_is_idempotent(text):
    assert format_text(text) == text


@relaxed
@given(testing.ruleset_texts())
def test_every_generated_ruleset_checks_clean(text):
    assert [d for d in dr.check_text(text) if d.is_error] == []


@relaxed
@given(st.data())
def test_every_property_holds_on_random_rulesets(data):
    ruleset = data.draw(testing.compiled())
    testing.check_all(ruleset, data.draw(testing.cohorts(ruleset)))


SHIPPED = {e.id: dr.load(e.id) for e in dr.catalog()}


@pytest.mark.parametrize("ruleset_id", sorted(SHIPPED))
def test_every_property_holds_on_the_shipped_ruleset(ruleset_id):
    ruleset = SHIPPED[ruleset_id]
    # check_all runs every property under each alternative of each reading: a ruleset
    # read n ways gets 1/n of the examples, so each reading costs what one ruleset did
    variants = len(testing.every_reading(ruleset))
    examples = max(5, settings().max_examples // variants)

    @settings(relaxed, max_examples=examples)
    @given(testing.cohorts(ruleset, max_units=5))
    def check(cohort):
        testing.check_all(ruleset, cohort)

    check()


TOKENS = [
    "ruleset",
    "t",
    "{",
    "}",
    "item",
    "section",
    "component",
    "a",
    '"甲"',
    "2",
    "70%",
    "deduct",
    "per",
    "late",
    ":",
    "within",
    "workdays",
    "of",
    "by",
    "2020-12-31",
    "zero",
    "when",
    "not",
    "all",
    ">",
    "3",
    "cite",
    '"x"',
    "policy",
    "grades",
    "else",
    "(",
    ")",
    "weight",
    "score",
    "..",
    "and",
    "or",
    "rate",
    "full",
    "#",
    "\n",
    "title",
    "bonus",
]


@given(st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join))
def test_random_token_streams_give_only_the_projects_diagnostics(text):
    with contextlib.suppress(dr.DisclosureRulesError):
        dr.compile(text)


@given(st.text(max_size=300))
def test_random_text_gives_only_the_projects_diagnostics(text):
    with contextlib.suppress(dr.DisclosureRulesError):
        dr.compile(text)


@given(st.binary(max_size=300))
def test_random_bytes_give_only_the_projects_diagnostics(data):
    with contextlib.suppress(dr.DisclosureRulesError):
        dr.compile(data)
