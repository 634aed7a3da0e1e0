"""Shanghai 2020 and Changzhou 2020: structure as printed, assumptions visible, golden
cohorts worked by hand on the assumed parameters' defaults."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from conftest import D, full_marks

import disclosure_rules as dr


def q(x: Decimal) -> Decimal:
    """A quotient rounded once to 20 places, as the engine divides (last)."""
    return x.quantize(Decimal("1e-20"))


def tree(ruleset_id: str) -> list[tuple[Any, ...]]:
    g = dr.load(ruleset_id).graph

    def rules(node: Any) -> list[dict[str, Any]]:
        return [{k: v for k, v in c.to_dict().items() if k != "line"} for c in node.clauses]

    return [
        (n.id, n.kind, n.title, n.points, n.parent, rules(n), n.owner, n.cite) for n in g.nodes[1:]
    ]


def test_the_two_shanghai_rulesets_share_one_structure():
    # one scheme text for districts and municipal departments; only units and header differ
    assert tree("shanghai-2020-districts") == tree("shanghai-2020-departments")


def test_shanghai_has_the_ten_parts_and_the_seven_special_assessments():
    g = dr.load("shanghai-2020-districts").graph
    parts = [g.nodes[i].title for i in g.node("verification").children]
    assert parts == [
        "政務公開基礎工作",
        "政務公開平臺建設情況",
        "“五公開”推進情況",
        "政策解讀情況",
        "回應社會關切情況",
        "公眾參與情況",
        "政務公開標準化規范化建設情況",
        "政府信息依申請辦理情況",
        "組織體系和監督保障情況",
        "特色工作",
    ]
    owners = [g.nodes[i].owner for i in g.node("special").children]
    assert owners == [
        "市網信辦",
        "市保密局",
        "市政府辦公廳審改處",
        "“中國上海”門戶網站",
        "“上海發布”辦公室",
        "市檔案局、上海圖書館",
        "負責政務公開重點領域的牽頭部門",
    ]
    assert [c.title for c in g.conversions] == ["年度(績效)考核分值"]
    assert [b.name for b in g.grades] == ["優秀", "良好", "合格", "不合格"]


@pytest.mark.parametrize("ruleset_id", ["shanghai-2020-districts", "changzhou-2020"])
def test_every_figure_the_source_does_not_give_is_an_assumed_parameter(ruleset_id):
    g = dr.load(ruleset_id).graph
    literals = {n.id: n.points for n in g.nodes[1:] if n.kind == "item" and not n.assumed}
    assert literals == {}  # every item's points come from an assumed parameter
    assert all(c.weight is not None for c in g.nodes if c.kind == "component")
    assert all(
        g_.threshold is None or g_.name in ("優秀", "良好", "合格", "优秀") for g_ in g.grades
    )
    doc = dr.load(ruleset_id).describe()
    assert {p["name"] for p in doc["params"] if p["assumed"]} == {p.name for p in g.params}


def shanghai_unit(uid: str, social: int) -> dict[str, Any]:
    facts = full_marks("shanghai-2020-districts", ["district"])
    facts["self_report"]["submitted"] = "2020-11-10"
    facts["training"]["least_training_hours"] = 12
    facts["social"] = social
    return {"id": uid, "tags": ["district"], "facts": facts}


def test_shanghai_golden_cohort():
    a = shanghai_unit("黄浦区", 90)
    b = shanghai_unit("徐汇区", 75)
    b["facts"]["self_report"]["submitted"] = "2020-11-16"  # a day after the deadline
    # 10 working days after 2020-09-28: 9-29, 9-30, then the holiday to 10-08, 10-09, the
    # make-up Saturday 10-10, 10-12 … 10-16, 10-19. Published 10-20: one working day late.
    b["facts"]["documents"]["documents"] = [{"issued": "2020-09-28", "published": "2020-10-20"}]
    b["facts"]["training"]["least_training_hours"] = 8
    b["facts"]["sentiment_mechanism"]["result"] = "80%"
    c = shanghai_unit("长宁区", 50)
    for item in c["facts"]:
        if c["facts"][item].__class__ is dict and "result" in c["facts"][item]:
            c["facts"][item]["result"] = "0.5"
    c["facts"]["timeliness"]["policies"] = [
        {"issued": "2020-06-01", "interpreted": "2020-06-01"},
        {"issued": "2020-06-01", "interpreted": "2020-06-02"},
    ]
    c["facts"]["major_incidents"]["incidents"] = [
        {"occurred": "2020-07-01 08:00", "first_release": "2020-07-01 14:00"}
    ]
    results = dr.load("shanghai-2020-districts").evaluate({"units": [a, b, c]})
    assert results.reconcile() == []
    ra, rb, rc = results.units
    # Components, on the assumed defaults: 单位自查 10% of 100, 網上核查 50% of 36 items × 2
    # = 72, 專項評估 20% of 7 × 10 = 70, 社會評議 20% of 100; each contributes
    # q(score × weight × 100 / its maximum).
    # 黄浦区: 10 + 50 + 20 + 90 × 20 / 100 = 98 → 優秀 ; 4-point conversion 3.92
    assert ra.total == 98 and ra.grade == "優秀" and ra.conversions["annual"] == D("3.92")
    # 徐汇区: report late → 单位自查 0 ; one document a working day late -0.5 and training
    # below 10 class hours -1 → 72 - 1.5 = 70.5 ; 市網信辦 result 80% → 8 of 10 → 68 of 70
    # total = 0 + q(70.5 × 50 / 72) + q(68 × 20 / 70) + 75 × 20 / 100
    assert rb.score("self_check") == 0
    assert rb.total == q(D("70.5") * 50 / 72) + q(D(68) * 20 / 70) + 15
    assert str(rb.rounded_total) == "83.39" and rb.grade == "良好"
    # 长宁区: one of two interpretations a day after its policy → 政策解讀時效性 1 of 2 ;
    # first release after 6 hours (> 5) -1 → 72 - 2 = 70 ; every special result 50% → 35
    # total = 10 + q(70 × 50 / 72) + q(35 × 20 / 70) + 50 × 20 / 100
    assert rc.total == 10 + q(D(70) * 50 / 72) + 10 + 10
    assert str(rc.rounded_total) == "78.61" and rc.grade == "合格"
    data = results.to_dict()
    assert len(data["assumptions"]) == 25


def changzhou_unit(uid: str, tag: str, routine: int, answers: tuple[int, int, int]) -> dict:
    facts = full_marks("changzhou-2020", [tag])
    facts["routine"] = routine
    facts["social"] = dict(zip(("满意", "基本满意", "不满意"), answers, strict=True))
    return {"id": uid, "tags": [tag], "facts": facts}


def test_changzhou_golden_cohort():
    a = changzhou_unit("溧阳市", "district", 95, (90, 8, 2))
    b = changzhou_unit("市教育局", "municipal_unit", 80, (50, 30, 20))
    b["facts"]["annual_report"]["awarded"] = "1"
    b["facts"]["innovation_work"]["awarded"] = "0"
    c = changzhou_unit("市供水企业", "public_institution", 70, (20, 40, 40))
    results = dr.load("changzhou-2020").evaluate({"units": [a, b, c]})
    assert results.reconcile() == []
    ra, rb, rc = results.units
    # 平时考核 30%, 社会评议 20% (survey of 100), 定期考核 50% of 22 items × 2 = 44.
    # 溧阳市: satisfaction (90 + 8 × 0.6) / 100 = 94.8% → 满意 (≥ 85%), 94.8 points
    # total = 95 × 0.3 + 94.8 × 0.2 + 44 × 50 / 44 = 28.5 + 18.96 + 50 = 97.46 → 优秀
    assert ra.node("social").entries[0].inputs["outcome"] == "满意"
    assert ra.total == D("97.46") and ra.grade == "优秀"
    # 市教育局: (50 + 30 × 0.6) / 100 = 68% → 基本满意 ; 定期考核 44 - 1 - 2 = 41
    # total = 24 + 13.6 + q(41 × 50 / 44)
    assert rb.node("social").entries[0].inputs["outcome"] == "基本满意"
    assert rb.total == 24 + D("13.6") + q(D(41) * 50 / 44)
    assert str(rb.rounded_total) == "84.19" and rb.grade == "良好"
    # 市供水企业 (第九条, assessed by its supervising department): (20 + 40 × 0.6) / 100 =
    # 44% → 不满意 ; total = 21 + 8.8 + 50 = 79.8 → 合格
    assert rc.node("social").entries[0].inputs["outcome"] == "不满意"
    assert rc.total == D("79.8") and rc.grade == "合格"
