"""`total`, as docs/language.md describes it: what it is when omitted, when it is checked."""

from __future__ import annotations

from decimal import Decimal

import pytest

import disclosure_rules as dr


def codes(text: str, params: dict[str, int] | None = None) -> list[str]:
    return [d.code for d in dr.check_text(text, params) if d.is_error]


def test_omitted_total_is_the_sum_of_the_top_level_points_without_bonuses():
    text = 'ruleset t { title "t" item a "甲" 30 item b "乙" 50 bonus c "丙" cap 5 }'
    assert dr.compile(text).max == Decimal(80)


def test_a_total_that_differs_from_the_top_level_sum_is_an_error_naming_both():
    [error] = dr.check_text('ruleset t { title "t" total 100 item a "甲" 30 item b "乙" 50 }')
    assert error.code == "DR103"
    assert error.message == "the top-level points add up to 80, but the ruleset's total is 100"
    assert (error.span.line, error.span.column) == (1, 29)


def test_with_components_total_is_the_scale_and_is_compared_with_no_sum():
    text = """ruleset t { title "t" total 4
      component w "工作" 100 weight 70% { item a "甲" 100 }
      component p "过程" weight 30% { score 0..100 } }"""
    assert codes(text) == []
    assert dr.compile(text).max == Decimal(4)


def test_with_components_and_no_total_the_scale_is_100():
    text = 'ruleset t { title "t" component w "工作" weight 100% { item a "甲" 7 } }'
    assert dr.compile(text).max == Decimal(100)


@pytest.mark.parametrize("total", ["0", "-5"])
def test_a_total_must_be_more_than_zero_and_is_then_not_compared(total):
    param = f'param whole = {total} "总分"'
    assert codes(f'ruleset t {{ title "t" {param} total whole item a "甲" 2 }}') == ["DR114"]


def test_a_total_given_by_a_parameter_is_checked_with_the_value_in_force():
    text = 'ruleset t { title "t" param whole = 2 "总分" total whole item a "甲" 2 }'
    assert codes(text) == []
    assert codes(text, {"whole": 3}) == ["DR103"]
