"""Working days on the official calendar, user schedules, and deadline rules."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import D, score
from hypothesis import given
from hypothesis import strategies as st

import disclosure_rules as dr
from disclosure_rules.cli import main
from disclosure_rules.facts import parse_when
from disclosure_rules.workdays import (
    Calendar,
    Schedule,
    add_workdays,
    default_calendar,
    is_workday,
    workdays_between,
)

d = dt.date


# ---------------------------------------------------------------- hand-worked 2020 cases


def test_seven_working_days_after_2020_09_28_is_2020_10_14():
    # 9-29, 9-30, then National Day and Mid-Autumn (10-01..10-08 off), 10-09, the make-up
    # Saturday 10-10, 10-12, 10-13, 10-14
    assert add_workdays(d(2020, 9, 28), 7) == d(2020, 10, 14)


def test_ten_working_days_after_2020_01_20_is_2020_02_11():
    # 1-21, 1-22, 1-23, then the Spring Festival holiday extended to 02-02, 2-03 … 2-07,
    # 2-10, 2-11
    assert add_workdays(d(2020, 1, 20), 10) == d(2020, 2, 11)


def test_a_holiday_start_does_not_count_itself():
    # 2020-10-01 is a holiday: the first working day after it is 10-09
    assert add_workdays(d(2020, 10, 1), 1) == d(2020, 10, 9)


def test_make_up_weekend_days_are_working_days():
    assert is_workday(d(2020, 10, 10))  # Saturday, worked
    assert is_workday(d(2020, 9, 27))  # Sunday, worked
    assert not is_workday(d(2020, 10, 3))  # Saturday, holiday
    assert add_workdays(d(2020, 9, 26), 1) == d(2020, 9, 27)


def test_workdays_between_counts_after_start_up_to_end():
    assert workdays_between(d(2020, 9, 28), d(2020, 10, 14)) == 7
    assert workdays_between(d(2020, 10, 14), d(2020, 9, 28)) == -7
    assert workdays_between(d(2020, 10, 1), d(2020, 10, 8)) == 0


def test_zero_working_days_is_the_start():
    assert add_workdays(d(2020, 10, 3), 0) == d(2020, 10, 3)


# ---------------------------------------------------------------- years not covered


def test_an_uncovered_year_is_a_clear_error_naming_it():
    with pytest.raises(dr.CalendarError) as info:
        is_workday(d(2027, 1, 4))
    diagnostic = info.value.diagnostics[0]
    assert diagnostic.code == "DR501"
    assert "no working-day calendar for 2027" in diagnostic.message
    assert "--calendar FILE" in (diagnostic.hint or "")


def test_a_deadline_running_past_the_covered_range_is_the_same_error():
    with pytest.raises(dr.CalendarError, match="no working-day calendar for 2027"):
        add_workdays(d(2026, 12, 25), 10)


TEST_2027 = {  # a schedule for the tests, shaped like the State Council's notices
    "year": 2027,
    "holidays": ["2027-01-01", "2027-02-06..2027-02-12"],
    "workdays": ["2027-02-14"],
}


def test_a_supplied_schedule_covers_its_year():
    calendar = Calendar([Schedule.from_dict(TEST_2027)])
    assert not calendar.is_workday(d(2027, 2, 8))
    assert calendar.is_workday(d(2027, 2, 14))  # make-up Sunday
    # 2026-12-25 (Fri) + 10: 12-28..12-31 (4), 01-01 holiday, 01-04..01-08 (9), 01-11 (10)
    assert calendar.add_workdays(d(2026, 12, 25), 10) == d(2027, 1, 11)


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ({"year": 2027, "holidays": ["2026-12-31"]}, "2026-12-31 is not in 2027"),
        (
            {"year": 2027, "holidays": ["2027-02-14"], "workdays": ["2027-02-14"]},
            "both a holiday and a working day",
        ),
        ({"year": 2027, "workdays": ["2027-02-15"]}, "only a weekend day can be a make-up"),
        ({"year": 2027, "holidays": ["2027-02-30"]}, "is not a date"),
        ({"year": 2027, "holidays": ["2027-02-12..2027-02-06"]}, "ends before it starts"),
        ({"holidays": []}, "needs its year"),
        ({"year": 2027, "days_off": []}, "unknown key(s) days_off"),
    ],
)
def test_a_bad_schedule_is_refused_with_a_reason(schedule, message):
    with pytest.raises(dr.CalendarError) as info:
        Schedule.from_dict(schedule, "cal.json")
    assert message in info.value.render()
    assert info.value.diagnostics[0].code == "DR502"


def test_a_ruleset_can_carry_a_years_schedule():
    text = """ruleset t { title "t"
      calendar { year 2027 holidays 2027-01-01, 2027-02-06..2027-02-12 workdays 2027-02-14 }
      item a "甲" 2 { zero when not published within 10 workdays of decided } }"""
    r = score(
        text,
        [
            {"id": "u", "facts": {"a": {"decided": "2026-12-25", "published": "2027-01-11"}}},
            {"id": "v", "facts": {"a": {"decided": "2026-12-25", "published": "2027-01-12"}}},
        ],
    )
    assert (r.unit("u").total, r.unit("v").total) == (D(2), D(0))


def test_a_bad_calendar_block_is_a_check_error():
    text = 'ruleset t { title "t" calendar { year 2027 workdays 2027-02-15 } item a "甲" 2 }'
    with pytest.raises(dr.CheckError, match="only a weekend day"):
        dr.compile(text)


DEADLINE = """
ruleset t {
  title "t"
  item permits "7个工作日内公示" 4 {
    rate decisions: published within 7 workdays of decided cite "7个工作日内"
  }
  item replies "复函10个工作日内公开" 3 {
    deduct 1 per late letters: published within 10 workdays of signed cite "10个工作日内"
  }
  item catalog "12月底前编制完成" 2 {
    awarded
    zero when not published by 2020-12-31 cite "2020年12月底前"
  }
  item incident "首次发布" 2 {
    zero when not first_release within 5 hours of occurred cite "最迟不超过5小时"
  }
}
"""


def test_a_ruleset_on_the_2027_calendar_works_end_to_end_from_the_cli(tmp_path, capsys):
    ruleset = tmp_path / "t.dr"
    ruleset.write_text(DEADLINE, encoding="utf-8")
    facts = tmp_path / "facts.json"
    facts.write_text(
        json.dumps(
            {
                "units": [
                    {
                        "id": "u",
                        "facts": {
                            "permits": {
                                "decisions": [{"decided": "2026-12-25", "published": "2027-01-06"}]
                            },
                            "replies": {"letters": []},
                            "catalog": {"awarded": 2, "published": "2020-12-30"},
                            "incident": {
                                "occurred": "2027-01-05 08:00",
                                "first_release": "2027-01-05 12:00",
                            },
                        },
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    assert main(["score", str(ruleset), str(facts)]) == 1
    assert "no working-day calendar for 2027" in capsys.readouterr().err
    calendar = tmp_path / "2027.json"
    calendar.write_text(json.dumps(TEST_2027), encoding="utf-8")
    assert (
        main(["score", str(ruleset), str(facts), "--calendar", str(calendar), "--format", "json"])
        == 0
    )
    unit = json.loads(capsys.readouterr().out)["units"][0]
    # permits: 7 working days after 2026-12-25 on the 2027 schedule is 2027-01-06, on time (4);
    # no letters to be late (3); catalog on time (2); 4 hours ≤ 5 (2)
    assert unit["total_exact"] == "11"


def unit_facts(**facts):
    return [{"id": "u", "facts": facts}]


def test_rate_is_the_share_of_records_on_time_and_the_audit_shows_each():
    decisions = [
        {"decided": "2020-09-28", "published": "2020-10-14"},  # the 7th working day: on time
        {"decided": "2020-09-28", "published": "2020/10/15"},  # one working day late
        {"decided": "2020年9月28日", "published": None},  # not published
        {"decided": "2020.9.29", "published": "2020-10-09"},
    ]
    r = score(
        DEADLINE,
        unit_facts(
            permits={"decisions": decisions},
            replies={"letters": []},
            catalog={"awarded": 2, "published": "2020-12-31"},
            incident={"occurred": "2020-07-01 08:00", "first_release": "2020-07-01 13:00"},
        ),
    )
    node = r.unit("u").node("permits")
    # 2 of 4 on time → 4 × 0.5 = 2
    assert node.score == D(2)
    judged = node.entries[0].inputs["judged"]
    assert judged[0] == {
        "decided": "2020-09-28",
        "published": "2020-10-14",
        "deadline": "2020-10-14",
        "late": False,
    }
    assert judged[1]["late"] and judged[1]["by"] == "1 workdays"
    assert judged[2] == {
        "decided": "2020-09-28",
        "published": None,
        "deadline": "2020-10-14",
        "late": True,
        "by": "not done",
    }


def test_deduct_per_late_record():
    letters = [
        {"signed": "2020-01-20", "published": "2020-02-11"},  # 10th working day: on time
        {"signed": "2020-01-20", "published": "2020-02-12"},  # late
        {"signed": "2020-01-20", "published": "2020-03-01"},
    ]  # late
    r = score(
        DEADLINE,
        unit_facts(
            permits={"decisions": []},
            replies={"letters": letters},
            catalog={"awarded": 2, "published": "2020-12-31"},
            incident={"occurred": "2020-07-01 08:00", "first_release": "2020-07-01 13:00"},
        ),
    )
    # 3 - 2 × 1 = 1
    assert r.unit("u").score("replies") == D(1)


def test_fixed_date_and_hour_deadlines():
    r = score(
        DEADLINE,
        unit_facts(
            permits={"decisions": []},
            replies={"letters": []},
            catalog={"awarded": "1.5", "published": "2021-01-04"},
            incident={"occurred": "2020-07-01 08:00", "first_release": "2020-07-01 13:00:01"},
        ),
    )
    u = r.unit("u")
    assert u.score("catalog") == 0  # after 2020-12-31
    assert u.score("incident") == 0  # 5 hours and one second
    shown = u.node("incident").entries[-1].inputs
    assert shown["first_release within 5 hours of occurred"] == {
        "occurred": "2020-07-01T08:00:00",
        "first_release": "2020-07-01T13:00:01",
        "deadline": "2020-07-01T13:00:00",
        "late": True,
        "by": "0:00:01 (h:mm:ss)",
    }


def test_hour_helpers():
    from disclosure_rules.workdays import add_hours, hours_between

    start = dt.datetime(2020, 7, 1, 22, 30)
    assert add_hours(start, 24) == dt.datetime(2020, 7, 2, 22, 30)
    assert hours_between(start, dt.datetime(2020, 7, 2, 3, 15)) == D("4.75")


def test_an_hours_deadline_needs_times_of_day():
    ruleset = dr.compile(DEADLINE)
    with pytest.raises(dr.FactsError) as info:
        ruleset.load_facts(
            {
                "units": unit_facts(
                    incident={"occurred": "2020-07-01", "first_release": "2020-07-01"}
                )
            }
        )
    d0 = info.value.diagnostics[0]
    assert (d0.code, d0.unit, d0.fact) == ("DR310", "u", "incident.occurred")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-09-28", dt.date(2020, 9, 28)),
        ("2020/9/28", dt.date(2020, 9, 28)),
        ("2020.9.28", dt.date(2020, 9, 28)),
        ("2020年9月28日", dt.date(2020, 9, 28)),
        ("2020-09-28 14:30", dt.datetime(2020, 9, 28, 14, 30)),
        ("2020年9月28日14时30分", dt.datetime(2020, 9, 28, 14, 30)),
    ],
)
def test_dates_in_the_forms_offices_write(text, expected):
    assert parse_when(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("09/10/2020", "ambiguous"),
        ("2020-02-30", "not a calendar date"),
        ("九月", "not a date"),
        ("2020-09", "not a date"),
    ],
)
def test_bad_dates_are_errors_naming_unit_and_fact(text, reason):
    ruleset = dr.compile(DEADLINE)
    with pytest.raises(dr.FactsError) as info:
        ruleset.load_facts({"units": unit_facts(catalog={"awarded": 2, "published": text})})
    d0 = info.value.diagnostics[0]
    assert (d0.code, d0.unit, d0.fact) == ("DR310", "u", "catalog.published")
    assert reason in d0.message


# ---------------------------------------------------------------- properties

# starts late enough in 2026 would run past the covered years within 40 working days
covered = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 10, 15))


@given(covered, st.integers(0, 40), st.integers(0, 40))
def test_add_workdays_is_monotone_in_n(start, a, b):
    lo, hi = sorted((a, b))
    assert add_workdays(start, lo) <= add_workdays(start, hi)


@given(covered, st.integers(0, 40))
def test_workdays_between_inverts_add_workdays(start, n):
    assert workdays_between(start, add_workdays(start, n)) == n


@given(covered, st.integers(1, 40))
def test_every_result_is_a_working_day(start, n):
    assert default_calendar().is_workday(add_workdays(start, n))
