"""A grade a quota or a veto moves is explained: the audit says which rule, the
threshold, the quota arithmetic and the cite (issue: "A grade moved by a quota is not
explained")."""

from __future__ import annotations

import json
from decimal import Decimal

from conftest import D, score

QUOTA = """
ruleset t {
  title "t"
  item a "甲" 100 { awarded }
  grades { 优秀 >= 85 quota 30% cite "优秀比例不超过30%"  良好 >= 70  else 合格 }
}
"""

# 15 units: 30% of 15 = 4.5, so 4 places of 优秀, taken by the four best; the fifth
# scores 85.36, above the line of 85
SCORES = [
    "99",
    "98",
    "97",
    "96",
    "85.36",
    "80",
    "79",
    "78",
    "77",
    "76",
    "75",
    "74",
    "73",
    "72",
    "71",
]


def quota_cohort():
    return score(QUOTA, [{"id": f"u{i}", "facts": {"a": s}} for i, s in enumerate(SCORES)])


def grade_entries(unit):
    return [e for e in unit.node("t").entries if e.kind == "grade"]


def test_a_grade_moved_by_a_quota_is_explained():
    r = quota_cohort()
    fifth = r.unit("u4")
    assert (fifth.total, fifth.grade) == (D("85.36"), "良好")
    (entry,) = grade_entries(fifth)
    assert entry.delta == 0 and entry.rule == "quota" and entry.cite == "优秀比例不超过30%"
    assert entry.note == (
        "优秀 quota 30% of 15 units = 4 places, taken by ranks 1–4; "
        "85.36 ≥ 85 would be 优秀, graded 良好"
    )
    assert entry.inputs["places"] == 4 and entry.inputs["units"] == 15


def test_the_quota_entry_is_in_the_json_audit_and_the_explanation():
    r = quota_cohort()
    audit = json.dumps(r.unit("u4").to_dict()["audit"], ensure_ascii=False)
    assert '"kind": "grade"' in audit and "4 places, taken by ranks 1–4" in audit
    assert "85.36 ≥ 85 would be 优秀, graded 良好" in r.explain("u4")


def test_a_grade_the_quota_does_not_move_has_no_entry():
    r = quota_cohort()
    assert grade_entries(r.unit("u0")) == []  # 优秀 by its threshold
    assert grade_entries(r.unit("u5")) == []  # 良好 by its threshold


VETO = """
ruleset t {
  title "t"
  item a "甲" 100
  grades { 优秀 >= 90 合格 >= 60 else 不合格 }
  veto leak "发生泄密事件" when incidents > 0 then grade 不合格 cite "单项否决"
}
"""


def test_a_grade_a_veto_overrides_is_explained():
    r = score(VETO, [{"id": "u", "facts": {"a": 95, "leak": {"incidents": 1}}}])
    u = r.unit("u")
    assert (u.total, u.grade) == (D(95), "不合格")
    (entry,) = grade_entries(u)
    assert (entry.rule, entry.cite, entry.delta) == ("leak", "单项否决", 0)
    assert entry.note == "单项否决 “发生泄密事件”: 95 ≥ 90 would be 优秀, graded 不合格"


def test_reconcile_accepts_a_grade_entry_and_refuses_one_that_moves_the_score():
    import disclosure_rules as dr

    unit = json.loads(json.dumps(quota_cohort().unit("u4").to_dict()))
    assert dr.reconcile(unit) == []
    root = unit["audit"][0]
    entry = next(e for e in root["entries"] if e["kind"] == "grade")
    entry["delta"] = "1"
    root["score"] = str(Decimal(root["score"]) + 1)
    assert any("a grade entry changes the score by '1', not 0" in p for p in dr.reconcile(unit))
