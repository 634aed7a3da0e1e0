"""Facts loading: JSON and CSV into one model; every error names file, unit and fact."""

from __future__ import annotations

import json

import pytest
from conftest import D

import disclosure_rules as dr

RULESET = dr.compile(
    """
ruleset t {
  title "t"
  tags dept, town
  policy { evidence required not_applicable average }
  item hearing "听取意见" 2
  item appeals "行政复议" 2 { deduct 1 per overturned_reviews deduct 2 per lost_lawsuits }
  item reply "答复率" 4 { rate on_time }
}
""",
    file="t.dr",
)


def errors_of(doc, file="facts.json"):
    with pytest.raises(dr.FactsError) as info:
        RULESET.load_facts(file if doc is None else doc)
    return [(d.code, d.unit, d.fact, d.message) for d in info.value.diagnostics]


def unit(facts, uid="新昌镇", tags=("town",)):
    return {"units": [{"id": uid, "tags": list(tags), "facts": facts}]}


def test_unknown_item_is_an_error_with_a_suggestion():
    with pytest.raises(dr.FactsError) as info:
        RULESET.load_facts(unit({"hearnig": 2}))
    d = info.value.diagnostics[0]
    assert (d.code, d.unit, d.fact) == ("DR302", "新昌镇", "hearnig")
    assert d.hint == "did you mean 'hearing'?"
    assert d.render().startswith("<facts>: unit '新昌镇': fact 'hearnig': error: DR302")


def test_duplicate_units_are_an_error():
    doc = {"units": [{"id": "a", "facts": {}}, {"id": "a", "facts": {}}]}
    assert errors_of(doc)[0][:2] == ("DR303", "a")


def test_awarded_above_maximum_is_an_error():
    assert errors_of(unit({"hearing": 3}))[0][:3] == ("DR304", "新昌镇", "hearing.awarded")


def test_negative_count_is_an_error():
    errs = errors_of(unit({"appeals": {"overturned_reviews": -1, "lost_lawsuits": 0}}))
    assert errs[0][0] == "DR304" and "cannot be negative" in errs[0][3]


def test_fractional_count_is_an_error():
    errs = errors_of(unit({"appeals": {"overturned_reviews": D("1.5"), "lost_lawsuits": 0}}))
    assert errs[0][0] == "DR305" and "whole number" in errs[0][3]


def test_wrong_type_is_an_error():
    errs = errors_of(unit({"hearing": {"awarded": "两分"}}))
    assert errs[0][:3] == ("DR305", "新昌镇", "hearing.awarded")


def test_rate_out_of_range_is_an_error():
    errs = errors_of(unit({"reply": {"on_time": D("1.2")}}))
    assert errs[0][0] == "DR304"


def test_unknown_field_is_an_error():
    errs = errors_of(unit({"appeals": {"overturned": 1, "lost_lawsuits": 0}}))
    assert errs[0][:3] == ("DR308", "新昌镇", "appeals.overturned")


def test_unknown_tag_is_an_error():
    errs = errors_of(unit({}, tags=("township",)))
    assert errs[0][0] == "DR309"


def test_all_problems_are_reported_together():
    doc = {
        "units": [
            {"id": "a", "facts": {"hearing": 9, "nope": 1}},
            {"id": "b", "facts": {"reply": {"on_time": "x"}}},
        ]
    }
    assert [e[0] for e in errors_of(doc)] == ["DR304", "DR302", "DR305"]


def test_json_floats_never_become_binary_floats(tmp_path):
    path = tmp_path / "f.json"
    path.write_text(json.dumps(unit({"reply": {"on_time": 0.1, "evidence": ["x"]}})))
    cohort = RULESET.load_facts(path)
    value = cohort.units[0].facts["reply"].values["on_time"]
    assert value == D("0.1") and type(value).__name__ == "Decimal"


def test_duplicate_json_keys_are_refused(tmp_path):
    path = tmp_path / "f.json"
    path.write_text('{"units": [{"id": "a", "facts": {"hearing": 1, "hearing": 2}}]}')
    errs = errors_of(None, file=str(path))
    assert errs[0][0] == "DR301" and "appears twice" in errs[0][3]


def test_malformed_json_names_the_position(tmp_path):
    path = tmp_path / "f.json"
    path.write_text('{"units": [}')
    errs = errors_of(None, file=str(path))
    assert errs[0][0] == "DR301" and "line 1, column 12" in errs[0][3]


CSV = """unit,tags,node,field,value,kind
新昌镇,town,hearing,awarded,2,
新昌镇,town,hearing,evidence,https://x/1,
新昌镇,town,appeals,overturned_reviews,1,
新昌镇,town,appeals,lost_lawsuits,0,
新昌镇,town,appeals,evidence,县司法局证明.pdf,certificate
新昌镇,town,reply,,n/a,
"""

JSON_EQUIVALENT = unit(
    {
        "hearing": {"awarded": 2, "evidence": ["https://x/1"]},
        "appeals": {
            "overturned_reviews": 1,
            "lost_lawsuits": 0,
            "evidence": [{"ref": "县司法局证明.pdf", "kind": "certificate"}],
        },
        "reply": "n/a",
    }
)


def test_csv_loads_into_the_same_model_as_json(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(CSV, encoding="utf-8")
    from_csv = RULESET.evaluate(path)
    from_json = RULESET.evaluate(JSON_EQUIVALENT)
    # hearing 2 + appeals (2 - 1) = 3 ; reply is N/A and no unit is assessed on it, so it
    # gets the unit's own rate 3/4 of its 4 points = 3 ; total 6
    assert from_csv.unit("新昌镇").total == from_json.unit("新昌镇").total == D(6)


def test_csv_errors_name_the_row(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(CSV + "新昌镇,dept,hearing,note,x,\n", encoding="utf-8")
    errs = errors_of(None, file=str(path))
    assert errs[0][0] == "DR305" and "row 8" in errs[0][3]


def test_na_cell_without_a_policy_is_an_error():
    plain = dr.compile('ruleset t { title "t" item a "甲" 2 }')
    with pytest.raises(dr.FactsError) as info:
        plain.load_facts({"units": [{"id": "u", "facts": {"a": "n/a"}}]})
    assert info.value.diagnostics[0].code == "DR306"


def test_notes_are_kept_in_the_audit():
    facts = unit({"hearing": {"awarded": 2, "evidence": ["x"], "note": "见附件3"}})
    entries = RULESET.evaluate(facts).unit("新昌镇").node("hearing").entries
    assert any(e.kind == "note" and e.note == "见附件3" for e in entries)
