"""Hostile and malformed facts: each gets a diagnostic naming file, unit, fact and limit.

One bad fixture per failure mode in tests/fixtures/facts/ (its name starts with the
code it must give), with the message pinned; inputs too large to keep as files (a
count with 5,001 digits, JSON nested 100,000 deep, a 129 KiB CSV cell) are written
by the test itself.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import disclosure_rules as dr
from disclosure_rules.facts.read import MAX_CSV_FIELD, MAX_DIGITS, MAX_EXPONENT

FIXTURES = Path(__file__).parent / "fixtures" / "facts"

RULESET = dr.compile(
    """
ruleset t {
  title "t"
  tags dept, town
  policy { evidence optional }
  item hearing "听取意见" 2
  item appeals "行政复议" 2 { deduct 1 per overturned_reviews deduct 2 per lost_lawsuits }
  item met_item "按时公开" 2 { all_or_nothing }
  item reply "按时答复" 2 { deduct 1 when late within 7 days of asked }
}
""",
    file="t.dr",
)

RENDERED = {
    "DR301-duplicate-key.json": (
        "DR301-duplicate-key.json: error: DR301 key 'hearing' appears twice in one object; "
        "the second would hide the first"
    ),
    "DR301-ragged-row.csv": (
        "DR301-ragged-row.csv: error: DR301 row 2 has 7 cells but the header names 6 "
        "columns; the extra cells would be lost"
    ),
    "DR305-boolean-as-text.json": (
        "DR305-boolean-as-text.json: unit '新昌镇': fact 'met_item.met': error: DR305 "
        "met_item.met must be true or false, got 'true'\n"
        "  hint: true or false, without quotes"
    ),
    "DR305-synthetic-as-text.json": (
        "DR305-synthetic-as-text.json: error: DR305 synthetic must be true or false, "
        "got 'false'\n  hint: a JSON boolean, without quotes"
    ),
    "DR312-huge-exponent.json": (
        "DR312-huge-exponent.json: unit '新昌镇': fact 'appeals.overturned_reviews': error: "
        "DR312 appeals.overturned_reviews is 1E+1000000, out of range: numbers in the facts "
        f"are 0 or between 1e-{MAX_EXPONENT} and 1e{MAX_EXPONENT + 1} in size\n"
        "  hint: see the limits on facts files"
    ),
}


def rendered(path: str | Path) -> str:
    with pytest.raises(dr.FactsError) as info:
        RULESET.load_facts(path)
    return info.value.render()


def test_every_fixture_has_its_message_pinned():
    assert sorted(p.name for p in FIXTURES.iterdir()) == sorted(RENDERED)


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_bad_facts_file_gives_its_diagnostic(name, monkeypatch):
    monkeypatch.chdir(FIXTURES)
    assert rendered(name) == RENDERED[name]


def test_a_count_with_5001_digits_names_the_digit_limit(tmp_path):
    path = tmp_path / "f.json"
    count = "1" * 5001
    path.write_text(
        '{"units": [{"id": "u", "facts": {"appeals": {"overturned_reviews": '
        f'{count}.0, "lost_lawsuits": 0}}}}}}]}}'
    )
    assert rendered(path) == (
        f"{path}: unit 'u': fact 'appeals.overturned_reviews': error: DR312 "
        f"appeals.overturned_reviews has 5002 digits, over the limit of {MAX_DIGITS}\n"
        "  hint: see the limits on facts files"
    )


def test_a_whole_count_with_5001_digits_names_the_digit_limit(tmp_path):
    path = tmp_path / "f.json"
    path.write_text(
        '{"units": [{"id": "u", "facts": {"appeals": {"overturned_reviews": '
        f'{"1" * 5001}, "lost_lawsuits": 0}}}}}}]}}'
    )
    assert f"DR312 appeals.overturned_reviews has 5001 digits, over the limit of {MAX_DIGITS}" in (
        rendered(path)
    )


def test_json_nested_100000_deep_is_a_diagnostic_not_a_recursion_error(tmp_path):
    path = tmp_path / "f.json"
    path.write_text('{"units": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert rendered(path) == (
        f"{path}: error: DR313 the JSON nests deeper than the reader follows "
        "(about 900 levels)\n  hint: a facts document nests seven levels at most"
    )


def test_a_csv_cell_over_128_kib_is_a_diagnostic(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        f"unit,tags,node,field,value,kind\nu,town,hearing,note,{'x' * (MAX_CSV_FIELD + 1)},\n",
        encoding="utf-8",
    )
    assert rendered(path) == (
        f"{path}: error: DR314 line 2: a cell is longer than 131,072 characters (128 KiB), "
        "the limit for one CSV cell"
    )


def test_nan_in_json_is_refused(tmp_path):
    path = tmp_path / "f.json"
    path.write_text('{"units": [{"id": "u", "facts": {"hearing": NaN}}]}')
    assert "DR301 NaN is not a number" in rendered(path)


def test_a_float_through_the_api_is_refused_with_what_to_pass():
    with pytest.raises(dr.FactsError) as info:
        RULESET.load_facts({"units": [{"id": "u", "facts": {"hearing": 1.5}}]})
    assert info.value.render() == (
        "<facts>: unit 'u': fact 'hearing.awarded': error: DR305 hearing.awarded is the "
        'binary float 1.5, which is not exact\n  hint: pass a string ("1.5") or a Decimal'
    )


def test_a_string_or_decimal_through_the_api_is_exact():
    for given in ("1.5", Decimal("1.5")):
        cohort = RULESET.load_facts({"units": [{"id": "u", "facts": {"hearing": given}}]})
        assert cohort.units[0].facts["hearing"].values["awarded"] == Decimal("1.5")


def test_a_date_object_is_accepted_where_a_date_is_expected():
    facts = {"reply": {"asked": dt.date(2020, 3, 2), "late": dt.date(2020, 3, 12)}}
    by_object = RULESET.evaluate({"units": [{"id": "u", "facts": facts}]})
    as_text = {"reply": {"asked": "2020-03-02", "late": "2020-03-12"}}
    by_text = RULESET.evaluate({"units": [{"id": "u", "facts": as_text}]})
    assert by_object.unit("u").total == by_text.unit("u").total


def test_a_boolean_in_a_csv_cell_may_be_written_as_text(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("unit,tags,node,field,value,kind\nu,town,met_item,met,是,\n", encoding="utf-8")
    cohort = RULESET.load_facts(path)
    assert cohort.units[0].facts["met_item"].values["met"] is True


def test_a_date_padded_with_spaces_is_refused_quickly():
    from disclosure_rules.facts import parse_when

    with pytest.raises(ValueError, match="is not a date"):
        parse_when("2020-01-01" + " " * 30_000 + "x")


def test_a_device_or_fifo_as_facts_is_refused_before_a_byte_is_read(tmp_path):
    import os

    import disclosure_rules as dr

    fifo = tmp_path / "facts.json"
    os.mkfifo(fifo)
    ruleset = dr.load("yifeng-2020-townships")
    for path in (fifo, "/dev/zero"):
        with pytest.raises(dr.FactsError) as raised:
            ruleset.load_facts(path)
        assert raised.value.errors[0].code == "DR301"
        assert "not a regular file" in raised.value.errors[0].message
