"""The authors' toolkit: facts targeted at one node, near its edges; one fact changed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given

import disclosure_rules as dr
from disclosure_rules import testing
from disclosure_rules.testing.cases import full_marks

RULESET = dr.compile("""
ruleset targets {
  title "T"

  section power "用权公开" 6 {
    item hearing "听取意见" 2
    item appeals "行政复议、行政诉讼" 2 {
      deduct 1 per overturned_reviews
      deduct 2 per lost_lawsuits
    }
    item columns "栏目" 2 {
      zero when stale_columns > 3
    }
  }
  item catalog "目录" 4
}
""")
FULL = full_marks(RULESET)


@testing.PROFILE
@given(testing.facts_for(RULESET, "appeals"))
def test_facts_for_a_node_leave_every_other_item_at_full_marks(facts):
    assert {k: v for k, v in facts.items() if k != "appeals"} == {
        k: v for k, v in FULL.items() if k != "appeals"
    }
    assert set(facts["appeals"]) >= {"overturned_reviews", "lost_lawsuits"}


@testing.PROFILE
@given(testing.facts_for(RULESET, "power"))
def test_facts_for_a_section_vary_the_items_under_it_only(facts):
    assert facts["catalog"] == FULL["catalog"]
    assert set(facts) == set(FULL)


@testing.PROFILE
@given(testing.facts_for(RULESET, "appeals", near="floor"))
def test_near_the_floor_counts_sit_around_the_count_that_uses_up_the_points(facts):
    assert facts["appeals"]["overturned_reviews"] in (1, 2, 3)
    assert facts["appeals"]["lost_lawsuits"] in (0, 1, 2)


@testing.PROFILE
@given(testing.facts_for(RULESET, "columns", near="threshold"))
def test_near_a_threshold_values_sit_one_step_around_it(facts):
    assert facts["columns"]["stale_columns"] in (2, 3, 4)


def test_facts_for_an_unknown_node_is_a_key_error():
    with pytest.raises(KeyError, match="no node 'nowhere' in ruleset 'targets'"):
        testing.facts_for(RULESET, "nowhere")


def test_score_change_reports_the_node_and_the_total_before_and_after():
    change = testing.score_change(RULESET, FULL, "appeals", "lost_lawsuits", 1)
    assert (change.old, change.new) == (0, 1)
    assert (change.node_before, change.node_after) == (Decimal(2), Decimal(0))
    assert (change.total_before, change.total_after) == (Decimal(10), Decimal(8))
    assert change.delta == Decimal(-2) == change.node_delta


def test_score_change_leaves_the_facts_given_unchanged():
    before = repr(FULL)
    testing.score_change(RULESET, FULL, "columns", "stale_columns", 4)
    assert repr(FULL) == before
