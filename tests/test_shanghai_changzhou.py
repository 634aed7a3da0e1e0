"""Shanghai 2020 and Changzhou 2020: structure as printed, assumptions visible, golden
cohorts worked by hand on the assumed parameters' defaults."""

from __future__ import annotations

from typing import Any

import pytest

import disclosure_rules as dr


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


@pytest.mark.parametrize(
    "ruleset_id", ["shanghai-2020-districts", "changzhou-2020", "jingan-2020-evaluation"]
)
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


# The golden cohorts are case files: rulesets/tests/{shanghai,changzhou}-2020*.yaml.


def test_changzhou_public_institutions_are_assessed_by_their_supervising_departments():
    # 第九条: public institutions are assessed by their supervising departments, so
    # they are ranked among themselves, never in one cohort with the districts
    from installed import EXAMPLES

    results = dr.load("changzhou-2020").evaluate(EXAMPLES / "changzhou-2020.facts.json")
    institutions = [u for u in results.units if "public_institution" in u.tags]
    assert sorted(u.rank for u in institutions) == [1, 2]
    assert {u.group for u in institutions} == {"public_institution"}
    city = [u for u in results.units if "public_institution" not in u.tags]
    assert sorted(u.rank for u in city) == list(range(1, len(city) + 1))
    assert {u.group for u in city} == {"district+municipal_unit"}
