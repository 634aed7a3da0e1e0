"""Reading JSON facts fast without losing what the exact reading guarantees.

The fast reading (msgspec) keeps the last of a repeated key silently; a document is
taken from it only when the keys written equal the keys read. Each test writes a
facts file whose repeated key, spacing or number could slip past a careless check,
and loads it through the public API, comparing with what the exact reading gives.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import disclosure_rules as dr
from disclosure_rules.errors import FactsError
from disclosure_rules.facts.read import read_facts_document

RULESET = dr.compile(
    """
ruleset t {
  title "t"
  policy { evidence optional }
  item hearing "听取意见" 2
  item appeals "行政复议" 2 { deduct 1 per overturned_reviews deduct 2 per lost_lawsuits }
}
""",
    file="t.dr",
)


def _unit(i: int) -> str:
    return (
        f'{{"id": "u{i}", "facts": {{"hearing": {{"awarded": 1.5, "evidence": '
        f'["https://example.gov.cn/{i}"]}}, "appeals": {{"overturned_reviews": 0, '
        f'"lost_lawsuits": 1}}}}}}'
    )


def _write(tmp_path: Path, units: list[str]) -> Path:
    path = tmp_path / "facts.json"
    path.write_text('{"units": [' + ", ".join(units) + "]}", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "cell",
    [
        '{"awarded": 1, "awarded": 2}',  # written plainly
        '{"awarded" : 1, "awarded": 2}',  # a space before a colon
        '{"awarded": 1, "\\u0061warded": 2}',  # the same key written with an escape
        '{"awarded": 1, "note": "a \\":", "awarded": 2}',  # a string holding a quote and colon
    ],
)
def test_a_repeated_key_deep_in_a_large_file_is_refused(tmp_path: Path, cell: str) -> None:
    units = [_unit(i) for i in range(500)]
    units[321] = f'{{"id": "u321", "facts": {{"hearing": {cell}}}}}'
    with pytest.raises(FactsError) as info:
        RULESET.load_facts(_write(tmp_path, units))
    (diag,) = info.value.diagnostics
    assert diag.code == "DR301" and "'awarded' appears twice in one object" in diag.message


def test_the_fast_reading_gives_the_exact_document(tmp_path: Path) -> None:
    units = [_unit(i) for i in range(50)]
    units.append(
        '{"id": "z", "facts": {"appeals": {"overturned_reviews": -0, '
        '"lost_lawsuits": 1e0}, "hearing": {"awarded": 0.50, "note": ":x"}}}'
    )
    path = _write(tmp_path, units)
    exact = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal, parse_int=Decimal)
    fast = read_facts_document(path)
    assert fast == exact
    last = fast["units"][-1]["facts"]
    assert str(last["appeals"]["overturned_reviews"]) == "-0"  # the sign as written
    assert str(last["hearing"]["awarded"]) == "0.50"
    assert all(type(u["facts"]["appeals"]["lost_lawsuits"]) is Decimal for u in fast["units"])


def test_a_byte_order_mark_and_scores_are_as_before(tmp_path: Path) -> None:
    path = _write(tmp_path, [_unit(i) for i in range(20)])
    plain = RULESET.evaluate(RULESET.load_facts(path))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    marked = RULESET.evaluate(RULESET.load_facts(path))
    assert [u.total for u in marked.units] == [u.total for u in plain.units]


def test_a_key_repeated_outside_the_units_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    units = ", ".join(_unit(i) for i in range(30))
    path.write_text(f'{{"description": "a", "units": [{units}], "description": "b"}}')
    with pytest.raises(FactsError) as info:
        RULESET.load_facts(path)
    (diag,) = info.value.diagnostics
    assert "'description' appears twice in one object" in diag.message


def test_units_read_one_by_one_give_the_documents_values(tmp_path: Path) -> None:
    """Whole numbers anywhere in a unit become Decimals, as the exact reading gives them."""
    unit = (
        '{"id": "w", "name": 7, "facts": {"hearing": {"awarded": 2, "evidence": '
        '{"link": "https://a", "submitted": "2021-01-02"}}, "appeals": {"overturned_reviews": 3,'
        ' "lost_lawsuits": 0}}}'
    )
    path = _write(tmp_path, [unit, _unit(1)])
    exact = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal, parse_int=Decimal)
    fast = read_facts_document(path)
    assert fast == exact
    assert type(fast["units"][0]["name"]) is Decimal
    assert type(fast["units"][0]["facts"]["appeals"]["overturned_reviews"]) is Decimal
