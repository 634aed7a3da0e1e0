"""The limits of rulesets and parameters, and their agreement with the facts' limits."""

from __future__ import annotations

import time

import pytest

import disclosure_rules as dr
from disclosure_rules.facts.read import MAX_DIGITS as FACTS_DIGITS
from disclosure_rules.facts.read import MAX_EXPONENT
from disclosure_rules.language.checker.rules import MAX_DEADLINE_DAYS
from disclosure_rules.language.parser import MAX_DEPTH, MAX_DIGITS
from disclosure_rules.workdays import MAX_RANGE_DAYS

SMALL = (
    'ruleset s {\n  title "s"\n  section a "a" 10 {\n    item b "b" 10 {\n      %s\n    }\n  }\n}\n'
)


def codes(text: str) -> list[str]:
    return [d.code for d in dr.check_text(text) if d.is_error]


def test_a_ruleset_number_has_the_digits_of_a_fact():
    assert MAX_DIGITS == FACTS_DIGITS
    # without exponents, 40 digits reach at most 1e40, the facts' size limit
    assert MAX_DIGITS <= MAX_EXPONENT + 1


def test_forty_digits_are_accepted_and_forty_one_refused():
    assert codes(SMALL % f"deduct {'9' * MAX_DIGITS} per n") == []  # a warning only (DR201)
    assert codes(SMALL % f"deduct {'9' * (MAX_DIGITS + 1)} per n") == ["DR011"]


def test_a_year_of_holidays_is_accepted_and_a_day_more_refused():
    year = "calendar { year 2028 holidays 2028-01-01..2028-12-31 }"
    assert codes(SMALL.replace("\n}\n", f"\n  {year}\n}}\n") % "deduct 1 per n") == []
    more = "calendar { year 2028 holidays 2028-01-01..2028-12-31, 2028-06-01 }"
    assert codes(SMALL.replace("\n}\n", f"\n  {more}\n}}\n") % "deduct 1 per n") == ["DR010"]
    assert MAX_RANGE_DAYS == 366


def test_ten_thousand_years_of_holidays_are_refused_at_once():
    text = "calendar { year 2030 holidays 0001-01-01..9999-12-31 }"
    start = time.monotonic()
    assert codes(SMALL.replace("\n}\n", f"\n  {text}\n}}\n") % "deduct 1 per n") == ["DR010"]
    assert time.monotonic() - start < 2


@pytest.mark.parametrize(
    ("amount", "unit", "refused"),
    [
        (MAX_DEADLINE_DAYS, "days", False),
        (MAX_DEADLINE_DAYS + 1, "days", True),
        (MAX_DEADLINE_DAYS + 1, "workdays", True),
        (MAX_DEADLINE_DAYS * 24, "hours", False),
        (MAX_DEADLINE_DAYS * 24 + 1, "hours", True),
    ],
)
def test_deadlines_are_at_most_ten_years(amount: int, unit: str, refused: bool):
    rule = f"zero when not published within {amount} {unit} of formed"
    assert ("DR136" in codes(SMALL % rule)) is refused


def test_chained_not_counts_as_nesting():
    inside = MAX_DEPTH - 3  # the ruleset, the section and the item open three braces
    assert codes(SMALL % f"zero when {'not ' * inside}n > 1") == []
    assert codes(SMALL % f"zero when {'not ' * (inside + 1)}n > 1") == ["DR005"]


def test_a_name_containing_not_is_not_a_not():
    assert codes(SMALL % f"zero when {'nothing > 1 or ' * 100}n > 1") == []
