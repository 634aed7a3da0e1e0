"""Scoring semantics, one behaviour per test, with the arithmetic written out."""

from __future__ import annotations

import pytest
from conftest import D, score

import disclosure_rules as dr

BASIC = """
ruleset t {
  title "测试"
  item a "甲" 2
}
"""


def test_awarded_points_are_the_items_score():
    r = score(BASIC, [{"id": "u", "facts": {"a": {"awarded": "1.5"}}}])
    assert r.unit("u").total == D("1.5")


def test_awarded_shorthand_number():
    r = score(BASIC, [{"id": "u", "facts": {"a": 2}}])
    assert r.unit("u").total == D(2)


def test_all_or_nothing_gives_full_points_or_none():
    text = 'ruleset t { title "t" item a "甲" 3 { all_or_nothing } }'
    r = score(
        text, [{"id": "yes", "facts": {"a": True}}, {"id": "no", "facts": {"a": {"met": False}}}]
    )
    assert (r.unit("yes").total, r.unit("no").total) == (D(3), D(0))


APPEALS = """
ruleset t {
  title "t"
  item appeals "行政复议、行政诉讼" 2 {
    deduct 1 per overturned_reviews cite "每件扣1"
    deduct 2 per lost_lawsuits cite "每件扣2"
  }
}
"""


def test_per_incident_deductions_start_from_full_points():
    # 2 - 1×1 - 2×0 = 1
    r = score(
        APPEALS, [{"id": "u", "facts": {"appeals": {"overturned_reviews": 1, "lost_lawsuits": 0}}}]
    )
    assert r.unit("u").total == D(1)


def test_floor_absorbs_excess_deduction_and_says_so():
    # 2 - 1×1 - 2×1 = -1 → floor 0 absorbs -1
    r = score(
        APPEALS, [{"id": "u", "facts": {"appeals": {"overturned_reviews": 1, "lost_lawsuits": 1}}}]
    )
    node = r.unit("u").node("appeals")
    assert node.score == D(0)
    clamp = [e for e in node.entries if e.kind == "clamp"]
    assert len(clamp) == 1 and clamp[0].delta == D(1) and clamp[0].rule == "floor"
    assert "absorbed -1" in (clamp[0].note or "")


def test_deduction_max_limits_one_rule():
    text = 'ruleset t { title "t" item a "甲" 10 { deduct 1 per absent max 3 } }'
    # 10 - min(1×5, 3) = 7
    r = score(text, [{"id": "u", "facts": {"a": {"absent": 5}}}])
    assert r.unit("u").total == D(7)


def test_deduct_per_missing_element():
    text = 'ruleset t { title "t" item a "甲" 10 { deduct 2 per missing present of 6 } }'
    # 6 required, 4 present → 2 missing → 10 - 2×2 = 6
    r = score(text, [{"id": "u", "facts": {"a": {"present": 4}}}])
    assert r.unit("u").total == D(6)


COLUMNS = """
ruleset t {
  title "t"
  item columns "栏目更新" 10 {
    deduct 1 per missing_items cite "缺一项扣一分"
    zero when stale_columns > 3 cite "名下栏目超过3个未更新,直接扣10分"
  }
}
"""


@pytest.mark.parametrize(
    ("missing", "stale", "expected"),
    [
        (0, 0, 10),  # full marks
        (2, 3, 8),  # 10 - 2; 3 stale is not more than 3
        (2, 4, 0),  # more than 3 stale: all 10 lost
        (12, 0, 0),  # 10 - 12 → floor 0
    ],
)
def test_missing_elements_and_zero_when(missing, stale, expected):
    facts = {"columns": {"missing_items": missing, "stale_columns": stale}}
    r = score(COLUMNS, [{"id": "u", "facts": facts}])
    assert r.unit("u").total == D(expected)


def test_deduct_when_condition_holds():
    text = (
        'ruleset t { title "t" param p = 1.5 assumed "未载明" '
        'item a "甲" 4 { full deduct p when reposted } }'
    )
    # 4 - 1.5 = 2.5 when reposted; 4 otherwise
    r = score(
        text,
        [
            {"id": "y", "facts": {"a": {"reposted": True}}},
            {"id": "n", "facts": {"a": {"reposted": False}}},
        ],
    )
    assert (r.unit("y").total, r.unit("n").total) == (D("2.5"), D(4))


def test_rate_multiplies_points():
    text = 'ruleset t { title "t" item a "按时答复率" 5 { rate on_time } }'
    # 5 × 0.87 = 4.35 ; "90%" is read as 0.9 → 4.5
    r = score(
        text,
        [
            {"id": "u", "facts": {"a": {"on_time": "0.87"}}},
            {"id": "v", "facts": {"a": {"on_time": "90%"}}},
        ],
    )
    assert r.unit("u").total == D("4.35")
    assert r.unit("v").total == D("4.5")


def test_section_sums_children_and_cap_limits_it():
    text = """ruleset t { title "t"
      section s "节" 4 { cap 3 cite "本节最多3分"
        item a "甲" 2
        item b "乙" 2 } }"""
    # 2 + 2 = 4 → cap 3
    r = score(text, [{"id": "u", "facts": {"a": 2, "b": 2}}])
    assert r.unit("u").node("s").score == D(3)


def test_floor_none_lets_items_go_negative_but_section_floor_holds():
    # Jinzhou-style: deductions in sub-items may exceed their own points, not the section's.
    text = """ruleset t { title "t"
      section s "节" 4 {
        item a "甲" 2 { floor none deduct 1 per n }
        item b "乙" 2 } }"""
    # a = 2 - 5 = -3 (no floor); b = 2; s = -1 → floor 0 ;  second unit: a = 2-3 = -1, s = 1
    r = score(
        text,
        [
            {"id": "u", "facts": {"a": {"n": 5}, "b": 2}},
            {"id": "v", "facts": {"a": {"n": 3}, "b": 2}},
        ],
    )
    assert r.unit("u").node("a").score == D(-3)
    assert r.unit("u").node("s").score == D(0)
    assert r.unit("v").node("s").score == D(1)


def test_bonus_adds_on_top_within_its_cap():
    text = """ruleset t { title "t"
      item a "甲" 10
      bonus extra "特色工作" cap 5 }"""
    # 10 + min(7→ rejected at load; use 5) ; 8 + 4 = 12 exceeds 10: bonus is added after the cap
    r = score(text, [{"id": "u", "facts": {"a": 8, "extra": 4}}])
    assert r.unit("u").total == D(12)
    assert r.unit("u").max == D(10)


def test_bonus_above_cap_is_refused_at_load():
    text = 'ruleset t { title "t" item a "甲" 10 bonus extra "特色工作" cap 5 }'
    with pytest.raises(dr.FactsError, match="above the item's maximum of 5"):
        score(text, [{"id": "u", "facts": {"a": 8, "extra": 7}}])


EVIDENCE = """
ruleset t {
  title "t"
  policy {
    evidence required cite "未按要求提供佐证材料的,不予认定"
    reject evidence news cite "新闻动态类不作为政府信息,不得分"
  }
  item a "甲" 2
}
"""


def test_unevidenced_claim_is_not_credited():
    r = score(EVIDENCE, [{"id": "u", "facts": {"a": {"awarded": 2}}}])
    node = r.unit("u").node("a")
    assert (node.score, node.status) == (D(0), "not_credited")
    assert "no evidence supplied" in node.entries[0].note


def test_news_evidence_is_rejected():
    facts = {"a": {"awarded": 2, "evidence": [{"ref": "https://x/news/1", "kind": "news"}]}}
    r = score(EVIDENCE, [{"id": "u", "facts": facts}])
    node = r.unit("u").node("a")
    assert node.status == "not_credited"
    assert node.entries[0].inputs == {"rejected": ["https://x/news/1 (news)"]}


def test_accepted_evidence_is_listed_and_credited():
    facts = {"a": {"awarded": 2, "evidence": ["https://x/gk/1", {"ref": "n", "kind": "news"}]}}
    r = score(EVIDENCE, [{"id": "u", "facts": facts}])
    node = r.unit("u").node("a")
    assert node.score == D(2)
    assert node.entries[0].to_dict()["inputs"] == {
        "accepted": ["https://x/gk/1"],
        "rejected": ["n (news)"],
    }


def na_ruleset(policy: str, extra: str = "") -> str:
    return f"""ruleset t {{ title "t" tags dept, town
      policy {{ not_applicable {policy} {extra} }}
      section s "节" 6 {{
        item a "甲" 2
        item b "乙" 2
        item c "丙" 2 {{ applies_to dept }} }} }}"""


def test_na_average_is_the_mean_of_assessed_units():
    units = [
        {"id": "d1", "tags": ["dept"], "facts": {"a": 2, "b": 2, "c": 2}},
        {"id": "d2", "tags": ["dept"], "facts": {"a": 2, "b": 2, "c": 1}},
        {"id": "t1", "tags": ["town"], "facts": {"a": 1, "b": 1}},
    ]
    r = score(na_ruleset("average"), units)
    # c is N/A for t1: the mean of d1, d2 = (2 + 1) / 2 = 1.5 ; t1 = 1 + 1 + 1.5 = 3.5
    c = r.unit("t1").node("c")
    assert (c.score, c.status) == (D("1.5"), "na")
    assert c.entries[0].inputs["over"] == 2
    assert r.unit("t1").total == D("3.5")


def test_na_average_with_no_assessed_unit_falls_back_to_the_units_own_rate():
    units = [{"id": "t1", "tags": ["town"], "facts": {"a": 2, "b": 1}}]
    r = score(na_ruleset("average"), units)
    # nobody is assessed on c: own rate on the component's assessed items a, b = 3/4
    # → c = 2 × 0.75 = 1.5 ; total 4.5
    assert r.unit("t1").node("c").score == D("1.5")
    assert [w.code for w in r.warnings] == ["DR401"]


def test_own_rate_without_assessed_siblings_uses_the_component_rate():
    text = """ruleset t { title "t" tags dept, town
      policy { not_applicable own_rate }
      section s "节" 2 { item only "唯一" 2 { applies_to dept } }
      item other "其他" 4 }"""
    r = score(text, [{"id": "t1", "tags": ["town"], "facts": {"other": 3}}])
    # "only" has no sibling: the rate on the component's assessed items is 3/4 → 1.5
    assert r.unit("t1").node("only").score == D("1.5")
    assert [w.code for w in r.warnings] == ["DR402"]


def test_na_group_average_uses_units_sharing_the_tag():
    text = """ruleset t { title "t" tags dept, town
      policy { not_applicable group_average over dept, town }
      item a "甲" 2 }"""
    units = [
        {"id": "d1", "tags": ["dept"], "facts": {"a": 2}},
        {"id": "d2", "tags": ["dept"], "facts": {"a": "n/a"}},
        {"id": "t1", "tags": ["town"], "facts": {"a": 1}},
        {"id": "t2", "tags": ["town"], "facts": {"a": 0}},
        {"id": "t3", "tags": ["town"], "facts": {"a": "n/a"}},
    ]
    r = score(text, units)
    # d2: mean of depts (d1) = 2 ; t3: mean of towns (t1, t2) = 0.5
    assert r.unit("d2").total == D(2)
    assert r.unit("t3").total == D("0.5")


def test_na_own_rate_uses_the_units_rate_on_siblings():
    units = [{"id": "t1", "tags": ["town"], "facts": {"a": 2, "b": 1}}]
    r = score(na_ruleset("own_rate"), units)
    # c = 2 × (2 + 1) / (2 + 2) = 1.5
    assert r.unit("t1").node("c").score == D("1.5")
    assert r.unit("t1").total == D("4.5")


def test_na_rescale_scales_the_applicable_total():
    units = [{"id": "t1", "tags": ["town"], "facts": {"a": 2, "b": 1}}]
    r = score(na_ruleset("rescale"), units)
    # applicable 4 of 6 points, scored 3 → 3 × 6/4 = 4.5
    assert r.unit("t1").total == D("4.5")
    assert r.unit("t1").node("c").score == D(0)


def test_na_redistribute_spreads_points_over_siblings():
    units = [{"id": "t1", "tags": ["town"], "facts": {"a": 2, "b": 1}}]
    r = score(na_ruleset("redistribute"), units)
    # section s: 3 × 6/4 = 4.5
    assert r.unit("t1").node("s").score == D("4.5")


def test_rescale_and_redistribute_differ_when_the_section_is_not_the_top():
    text = """ruleset t { title "t" tags dept, town
      policy { not_applicable POLICY }
      section s "节" 4 {
        item a "甲" 2
        item c "丙" 2 { applies_to dept } }
      item d "丁" 6 }"""
    units = [{"id": "t1", "tags": ["town"], "facts": {"a": 1, "d": 6}}]
    redistribute = score(text.replace("POLICY", "redistribute"), units).unit("t1")
    rescale = score(text.replace("POLICY", "rescale"), units).unit("t1")
    # redistribute: s = 1 × 4/2 = 2 ; total = 2 + 6 = 8
    assert redistribute.total == D(8)
    # rescale: raw 1 + 6 = 7 over 8 applicable points → 7 × 10/8 = 8.75
    assert rescale.total == D("8.75")


def test_na_is_distinct_from_missing_and_zero():
    units = [
        {"id": "d1", "tags": ["dept"], "facts": {"a": 2, "b": 2, "c": 2}},
        {"id": "d2", "tags": ["dept"], "facts": {"a": 2, "b": 2, "c": "n/a"}},
        {"id": "d3", "tags": ["dept"], "facts": {"a": 2, "b": 2}},
        {"id": "d4", "tags": ["dept"], "facts": {"a": 2, "b": 2, "c": 0}},
    ]
    r = score(na_ruleset("average"), units)
    statuses = [r.unit(u).node("c").status for u in ("d2", "d3", "d4")]
    assert statuses == ["na", "missing", "scored"]
    # d2's average is over the assessed d1, d3 (missing = 0) and d4: (2 + 0 + 0) / 3
    assert r.unit("d2").node("c").score == D("0.66666666666666666667")


def test_missing_fact_scores_zero_with_a_warning():
    r = score(BASIC, [{"id": "u", "facts": {}}])
    assert r.unit("u").node("a").status == "missing"
    assert [(w.code, w.unit, w.fact) for w in r.warnings] == [("DR403", "u", "a")]


def test_strict_mode_turns_missing_facts_into_errors():
    ruleset = dr.compile(BASIC)
    with pytest.raises(dr.EvaluationError, match="no fact supplied for a"):
        ruleset.evaluate({"units": [{"id": "u", "facts": {}}]}, strict=True)


WEIGHTED = """
ruleset t {
  title "t"
  component work "工作评估" 100 weight 70% {
    item a "甲" 60
    item b "乙" 40
  }
  component process "过程测评" weight 30% { score 0..100 }
  grades { 优秀 >= 90 良好 >= 80 合格 >= 60 else 不合格 }
  convert perf "年度绩效考核" 4
}
"""


def test_components_are_weighted():
    r = score(WEIGHTED, [{"id": "u", "facts": {"a": 50, "b": 40, "process": "86.5"}}])
    # work 90 × 0.7 = 63 ; process 86.5 × 0.3 = 25.95 ; total 88.95 → 良好
    u = r.unit("u")
    assert u.total == D("88.95")
    assert u.grade == "良好"
    # conversion to 4 points: 88.95 × 4 / 100 = 3.558
    assert u.conversions["perf"] == D("3.558")


def test_grades_use_the_presented_total():
    text = WEIGHTED.replace('convert perf "年度绩效考核" 4', "")
    # work 100 × 0.7 = 70 ; process 66.65 × 0.3 = 19.995 ; 89.995 shows as 90.00 → 优秀
    r = score(text, [{"id": "u", "facts": {"a": 60, "b": 40, "process": "66.65"}}])
    assert r.unit("u").total == D("89.995")
    assert str(r.unit("u").rounded_total) == "90.00"
    assert r.unit("u").grade == "优秀"


def test_grade_quota_demotes_units_beyond_it():
    text = """ruleset t { title "t" item a "甲" 100
      grades { 优秀 >= 90 quota 30% 良好 >= 80 else 合格 } }"""
    scores_ = [99, 98, 97, 96, 95, 94, 93, 92, 91, 90]
    r = score(text, [{"id": f"u{i}", "facts": {"a": s}} for i, s in enumerate(scores_)])
    # 30% of 10 units = 3 may be 优秀; the rest meet 良好
    assert [u.grade for u in r.units] == ["优秀"] * 3 + ["良好"] * 7


def test_quota_never_splits_a_tie():
    text = """ruleset t { title "t" item a "甲" 100
      grades { 优秀 >= 90 quota 30% else 合格 } }"""
    scores_ = [99, 95, 95, 80, 80, 80, 80, 80, 80, 80]
    r = score(text, [{"id": f"u{i}", "facts": {"a": s}} for i, s in enumerate(scores_)])
    # 3 may be 优秀: 99 and the two tied 95s fit; with a third 95 the tie would fall whole
    assert [u.grade for u in r.units[:3]] == ["优秀"] * 3
    r2 = score(
        text,
        [
            {"id": f"u{i}", "facts": {"a": s}}
            for i, s in enumerate([99, 95, 95, 95, 80, 80, 80, 80, 80, 80])
        ],
    )
    assert [u.grade for u in r2.units[:4]] == ["优秀", "合格", "合格", "合格"]


def test_ties_share_a_rank_and_the_next_rank_skips():
    text = 'ruleset t { title "t" item a "甲" 10 }'
    r = score(
        text, [{"id": i, "facts": {"a": s}} for i, s in (("x", 9), ("y", 7), ("z", 9), ("w", 5))]
    )
    assert [r.unit(i).rank for i in "xyzw"] == [1, 3, 1, 4]


VETO = """
ruleset t {
  title "t"
  item a "甲" 100
  grades { 优秀 >= 90 合格 >= 60 else 不合格 }
  veto leak "发生泄密事件" when incidents > 0 then grade 不合格 score 59 cite "单项否决"
}
"""


def test_veto_fails_the_unit_whatever_it_scored():
    r = score(
        VETO,
        [
            {"id": "u", "facts": {"a": 95, "leak": {"incidents": 1}}},
            {"id": "v", "facts": {"a": 95, "leak": {"incidents": 0}}},
        ],
    )
    u = r.unit("u")
    assert (u.total, u.grade, u.vetoes) == (D(59), "不合格", ("leak",))
    assert r.unit("v").grade == "优秀"
    veto = [e for e in u.node("t").entries if e.kind == "veto"]
    assert veto[0].delta == D(-36) and veto[0].cite == "单项否决"


def test_a_veto_never_raises_a_score():
    # regression: found by the property tests; `score 59` used to set a total of 40 to 59
    r = score(VETO, [{"id": "u", "facts": {"a": 40, "leak": {"incidents": 1}}}])
    assert (r.unit("u").total, r.unit("u").grade) == (D(40), "不合格")


SURVEY = """
ruleset t {
  title "t"
  component social "社会评议" weight 100% {
    survey {
      answer 满意 1
      answer 基本满意 0.6
      answer 不满意 0
      outcome 满意 >= 90%
      outcome 基本满意 >= 60%
      outcome else 不满意
    }
  }
}
"""


def test_survey_scores_weighted_answers():
    r = score(SURVEY, [{"id": "u", "facts": {"social": {"满意": 80, "基本满意": 15, "不满意": 5}}}])
    # (80×1 + 15×0.6 + 5×0) / 100 = 0.89 → 89 of 100 ; outcome 基本满意 (< 90%)
    node = r.unit("u").node("social")
    assert node.score == D(89)
    assert node.entries[0].inputs["outcome"] == "基本满意"


def test_resolve_cap_limits_to_the_declared_points():
    text = """ruleset t { title "t"
      section s "建议提案公开" 2 { resolve cap cite "印刷分值之和为5分,按上级所列2分封顶"
        item a "甲" 2
        item b "乙" 3 } }"""
    r = score(text, [{"id": "u", "facts": {"a": 2, "b": 3}}])
    assert r.unit("u").total == D(2)
    assert [d.code for d in r.graph.diagnostics] == ["DR104"]


def test_resolve_scale_scales_children_to_the_declared_points():
    text = """ruleset t { title "t"
      section s "节" 2 { resolve scale cite "按比例折算"
        item a "甲" 2
        item b "乙" 3 } }"""
    r = score(text, [{"id": "u", "facts": {"a": 2, "b": 1}}])
    # (2 + 1) × 2/5 = 1.2
    assert r.unit("u").total == D("1.2")


def test_resolve_sum_takes_the_childrens_total_as_maximum():
    text = """ruleset t { title "t"
      section s "节" 2 { resolve sum cite "以子项合计为准"
        item a "甲" 2
        item b "乙" 3 } }"""
    r = score(text, [{"id": "u", "facts": {"a": 2, "b": 3}}])
    assert r.unit("u").total == D(5)
    assert r.graph.node("s").points == D(5)


def test_division_is_rounded_once_to_twenty_places():
    units = [
        {"id": f"d{i}", "tags": ["dept"], "facts": {"a": 2, "b": 2, "c": c}}
        for i, c in enumerate([2, 1, 1])
    ]
    units.append({"id": "t", "tags": ["town"], "facts": {"a": 2, "b": 2}})
    r = score(na_ruleset("average"), units)
    # (2 + 1 + 1) / 3 = 1.3333… to 20 places
    assert r.unit("t").node("c").score == D("1.33333333333333333333")
    assert str(r.unit("t").rounded_total) == "5.33"


def test_results_carry_hashes_and_engine_version():
    r = score(BASIC, [{"id": "u", "facts": {"a": 2}}])
    data = r.to_dict()
    assert data["ruleset"]["hash"].startswith("sha256:")
    assert data["facts"]["hash"].startswith("sha256:")
    assert data["engine"]["version"] == dr.__version__
    assert data["schema"] == dr.AUDIT_SCHEMA_VERSION


def test_results_say_when_they_rest_on_assumed_parameters():
    text = 'ruleset t { title "t" param w = 2 assumed "原文未载明分值" item a "甲" w }'
    data = score(text, [{"id": "u", "facts": {"a": 1}}]).to_dict()
    assert data["assumptions"] == ["parameter w = 2 is assumed: 原文未载明分值"]
    assert data["units"][0]["audit"][1]["assumed"] == ["w"]


def test_overriding_an_assumed_parameter_clears_the_mark():
    text = 'ruleset t { title "t" param w = 2 assumed "原文未载明分值" item a "甲" w }'
    data = score(text, [{"id": "u", "facts": {"a": 1}}], params={"w": "3"}).to_dict()
    assert data["assumptions"] == []
    assert data["params"][0]["overridden"] is True


def test_detail_off_gives_the_same_scores():
    units = [{"id": "u", "facts": {"columns": {"missing_items": 2, "stale_columns": 0}}}]
    full = score(COLUMNS, units)
    lean = score(COLUMNS, units, detail=False)
    assert full.unit("u").total == lean.unit("u").total
    assert "audit" not in lean.to_dict()["units"][0]


def test_withholding_evidence_never_pays():
    # regression: found by the property tests; under `floor none` a credited claim could
    # score below zero while an unevidenced one scored 0
    text = """ruleset t { title "t" policy { evidence required }
      section s "节" 4 { item a "甲" 2 { floor none deduct 1 per n } item b "乙" 2 } }"""
    facts = {"a": {"n": 5}, "b": {"awarded": 2, "evidence": ["x"]}}
    withheld = score(text, [{"id": "u", "facts": facts}]).unit("u")
    shown = score(text, [{"id": "u", "facts": {**facts, "a": {"n": 5, "evidence": ["x"]}}}])
    # credited: 2 - 5 = -3 ; not credited: min(0, -3) = -3, never the better 0
    assert withheld.score("a") == shown.unit("u").score("a") == D(-3)
    assert withheld.node("a").status == "not_credited"


def test_facts_for_an_item_that_does_not_apply_are_reported_not_dropped():
    units = [{"id": "t1", "tags": ["town"], "facts": {"a": 2, "b": 2, "c": 2}}]
    r = score(na_ruleset("own_rate"), units)
    assert [(w.code, w.unit, w.fact) for w in r.warnings] == [("DR405", "t1", "c")]
    assert r.unit("t1").node("c").status == "na"


def test_na_value_is_kept_within_the_nodes_floor():
    # a: 2 − 5×1 = −3 under floor none; b's own rate is 2 × (−3/2) = −3, floored at 0
    text = """
    ruleset t { title "t"
      policy { not_applicable own_rate }
      item a "a" 2 { floor none deduct 1 per n }
      item b "b" 2
    }
    """
    r = score(text, [{"id": "u", "facts": {"a": {"n": 5}, "b": "n/a"}}])
    b = r.unit("u").node("b")
    assert (b.status, b.score) == ("na", D(0))
    assert [e.kind for e in b.entries] == ["na", "clamp"]
