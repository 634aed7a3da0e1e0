"""Shanghai 2020 and Changzhou 2020: structure as printed, what is not printed marked assumed,
cohorts worked by hand on the assumed parameters' defaults."""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from installed import EXAMPLES

import disclosure_rules as dr


def tree(ruleset_id: str) -> list[tuple[Any, ...]]:
    g = dr.load(ruleset_id).graph

    def rules(node: Any) -> list[dict[str, Any]]:
        return [{k: v for k, v in c.to_dict().items() if k != "line"} for c in node.clauses]

    return [
        (n.id, n.kind, n.title, n.points, n.parent, rules(n), n.owner, n.cite) for n in g.nodes[1:]
    ]


def test_districts_and_departments_differ_only_where_the_2017_opinions_set_rules_for_each():
    # one scheme text for both; the 2017 opinions (seed 003) set the principal officials'
    # releases for district governments and press-conference attendance for municipal
    # departments, both under 加强政策解读 → 解讀形式多樣化
    districts = {row[0]: row for row in tree("shanghai-2020-districts")}
    departments = {row[0]: row for row in tree("shanghai-2020-departments")}
    assert districts.keys() == departments.keys()
    differ = sorted(n for n in districts if districts[n] != departments[n])
    assert differ == ["forms"]
    facts = {
        name: sorted({f for r in rows[5] for f in r.get("facts", [])})
        for name, rows in (("districts", districts["forms"]), ("departments", departments["forms"]))
    }
    assert facts == {
        "districts": ["forms.principal_releases"],
        "departments": [
            "forms.close_to_economy_and_livelihood",
            "forms.deputy_conferences_first_half",
            "forms.deputy_conferences_second_half",
            "forms.principal_conferences",
        ],
    }


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


# ---------------------------------------------------------------- the 2017 opinions' rules

_FULL = {
    "self_report": {"submitted": "2020-11-10"},
    "training": {"awarded": 2, "least_training_hours": 12},
    "leadership": {"awarded": 2, "work_reports_heard": 1},
    "daily_work": {"awarded": 2, "special_inspections": 1},
    "reply_standard": {"awarded": 2, "not_answered_on_the_spot": 0},
}
_FORMS = {
    "shanghai-2020-districts": {"awarded": 2, "principal_releases": 2},
    "shanghai-2020-departments": {
        "awarded": 2,
        "close_to_economy_and_livelihood": True,
        "principal_conferences": 1,
        "deputy_conferences_first_half": 1,
        "deputy_conferences_second_half": 1,
    },
}
_TAG = {"shanghai-2020-districts": "district", "shanghai-2020-departments": "municipal_department"}
SHANGHAI = list(_TAG)


def score_item(ruleset_id: str, item: str, **facts: Any) -> Any:
    """The item's score for a unit whose other facts of the 2017 rules are all met."""
    given = {**_FULL, "forms": _FORMS[ruleset_id]}
    given[item] = {**given[item], **facts}
    unit = {"id": "甲", "tags": [_TAG[ruleset_id]], "facts": given}
    return dr.load(ruleset_id).evaluate({"units": [unit]}).unit("甲").score(item)


def test_press_conference_attendance_of_2017_deducts_for_a_department_whose_principal_missed_it():
    # 主要负责人每年度至少出席1次市政府新闻发布会
    assert score_item("shanghai-2020-departments", "forms") == 2
    assert score_item("shanghai-2020-departments", "forms", principal_conferences=0) == 1


def test_press_conference_attendance_of_2017_deducts_for_each_half_year_a_deputy_missed():
    # 分管负责人每半年至少出席1次市政府新闻发布会
    assert score_item("shanghai-2020-departments", "forms", deputy_conferences_first_half=0) == 1
    both = {"deputy_conferences_first_half": 0, "deputy_conferences_second_half": 0}
    assert score_item("shanghai-2020-departments", "forms", **both) == 0


def test_press_conference_attendance_of_2017_binds_only_departments_close_to_the_economy():
    # 与宏观经济和民生关系密切的市政府部门
    missed = {"principal_conferences": 0, "close_to_economy_and_livelihood": False}
    assert score_item("shanghai-2020-departments", "forms", **missed) == 2


def test_district_principals_release_information_at_least_twice_a_year_or_lose_points():
    # 区政府主要负责人…每年度发布重要信息、解读重要政策措施不少于2次
    assert score_item("shanghai-2020-districts", "forms") == 2
    assert score_item("shanghai-2020-districts", "forms", principal_releases=1) == 1


def test_a_district_is_not_asked_for_press_conference_attendance_nor_a_department_for_releases():
    with pytest.raises(dr.FactsError, match="principal_conferences"):
        score_item("shanghai-2020-districts", "forms", principal_conferences=1)
    with pytest.raises(dr.FactsError, match="principal_releases"):
        score_item("shanghai-2020-departments", "forms", principal_releases=2)


@pytest.mark.parametrize("ruleset_id", SHANGHAI)
def test_leadership_hears_at_least_one_work_report_a_year_or_loses_points(ruleset_id):
    # 各区政府、市政府各部门主要领导…每年至少听取1次工作汇报
    assert score_item(ruleset_id, "leadership") == 2
    assert score_item(ruleset_id, "leadership", work_reports_heard=0) == 1


@pytest.mark.parametrize("ruleset_id", SHANGHAI)
def test_at_least_one_special_inspection_a_year_or_the_daily_work_loses_points(ruleset_id):
    # 每年对本地区、本系统专项督查不得少于1次
    assert score_item(ruleset_id, "daily_work") == 2
    assert score_item(ruleset_id, "daily_work", special_inspections=0) == 1


@pytest.mark.parametrize("ruleset_id", SHANGHAI)
def test_a_request_that_could_be_answered_on_the_spot_and_was_not_loses_points(ruleset_id):
    # 能够当场答复的,应当当场予以答复
    assert score_item(ruleset_id, "reply_standard", not_answered_on_the_spot=1) == D("1.5")
    assert score_item(ruleset_id, "reply_standard", not_answered_on_the_spot=9) == 0


# ---------------------------------------------------------------- assumed structure


def assumed(ruleset_id: str) -> dict[tuple[str, str], str]:
    doc = dr.load(ruleset_id).describe()
    return {(a["kind"], a["id"]): a["reason"] for a in doc["ruleset"]["assumed_structure"]}


@pytest.mark.parametrize("ruleset_id", SHANGHAI)
def test_describe_marks_the_linear_conversion_to_the_4_points_assumed(ruleset_id):
    # 六、结果运用: “分值仍为4分” gives the 4 points, not how the total becomes them
    [conversion] = dr.load(ruleset_id).describe()["conversions"]
    assert "未規定折算方法" in conversion["assumption"]
    assert conversion["cite"].endswith("分值仍為4分。")


@pytest.mark.parametrize("ruleset_id", SHANGHAI)
def test_the_self_check_weight_and_its_zero_when_late_rule_are_assumed(ruleset_id):
    # 四、(一)单位自查 is a step; 五、(一) sets the deadline; neither scores it
    found = assumed(ruleset_id)
    assert "未說明自查是否計分" in found[("component", "self_check")]
    assert "未規定逾期提交的後果" in found[("zero_when", "self_report")]


@pytest.mark.parametrize("ruleset_id", SHANGHAI)
def test_the_special_assessments_are_assumed_and_say_they_score_work_twice(ruleset_id):
    assert "重複計分" in assumed(ruleset_id)[("component", "special")]


@pytest.mark.parametrize(
    ("ruleset_id", "component"),
    [
        ("shanghai-2020-districts", "social"),
        ("shanghai-2020-departments", "social"),
        ("changzhou-2020", "routine"),
    ],
)
def test_a_0_to_100_score_the_source_gives_no_scale_for_is_assumed_not_cited(ruleset_id, component):
    nodes = {n["id"]: n for n in dr.load(ruleset_id).describe()["nodes"]}
    [rule] = nodes[component]["rules"]
    assert (rule["type"], "分制" in rule["assumption"]) == ("direct_score", True)
    assert [d.code for d in dr.check(ruleset_id) if d.code in ("DR206", "DR210")] == []


@pytest.mark.parametrize("ruleset_id", [*SHANGHAI, "changzhou-2020"])
def test_the_audit_of_a_unit_shows_the_assumed_steps_it_rests_on(ruleset_id):
    results = dr.load(ruleset_id).evaluate(EXAMPLES / f"{ruleset_id}.facts.json")
    audit = results.units[0].to_dict()["audit"]
    assert any("assumption" in e for node in audit for e in node["entries"])
    structure = [a for a in results.to_dict()["assumptions"] if not a.startswith("parameter")]
    assert structure == [str(a) for a in results.graph.assumed_structure] != []


def test_every_assumed_thing_is_written_up_on_its_page_and_none_is_called_printed():
    pages = sorted((Path(__file__).parents[1] / "docs" / "rulesets").glob("*.md"))
    for entry in dr.catalog():
        page = max((p for p in pages if entry.id.startswith(p.stem)), key=lambda p: len(p.stem))
        text = page.read_text(encoding="utf-8")
        for thing in dr.load(entry.id).describe()["ruleset"].get("assumed_structure", []):
            section = text.split("## Assumed structure", 1)[1].split("\n## ", 1)[0]
            assert thing["id"] in section, (entry.id, thing)  # written up on its page
        assert "printed: not assumed" not in text
        for sentence in re.split(r"(?<=[.;:])\s", text):
            if "conversion" in sentence and "printed" in sentence:
                assert "assumed" in sentence, (page.name, sentence)


@pytest.mark.parametrize("ruleset_id", SHANGHAI)
def test_the_pinned_cases_exercise_every_rule(ruleset_id):
    from disclosure_rules.testing.cases import run

    report = run([Path(__file__).parents[1] / "rulesets" / "tests" / f"{ruleset_id}.yaml"])
    assert report.ok
    assert [key for key, n in report.coverage[ruleset_id].rules.items() if not n] == []


@pytest.mark.parametrize("ruleset_id", SHANGHAI)
def test_interpretation_同步发布_same_day_by_default_3_working_days_as_jingan_practised(ruleset_id):
    # 2017 opinions: 同步发布 (the same day); the Jing'an evaluation: 文件公开后3个工作日内
    policies = [
        {"issued": "2020-06-01", "interpreted": "2020-06-01"},
        {"issued": "2020-06-01", "interpreted": "2020-06-03"},  # 2 working days later
    ]
    given = {**_FULL, "forms": _FORMS[ruleset_id]}
    given["timeliness"] = {"policies": policies}
    cohort = {"units": [{"id": "甲", "tags": [_TAG[ruleset_id]], "facts": given}]}

    def timeliness(**readings: str) -> Any:
        ruleset = dr.load(ruleset_id, readings=readings)
        return ruleset.evaluate(cohort).unit("甲").score("timeliness")

    assert timeliness() == 1  # one of two on the same day: half of 2 points
    assert timeliness(interpretation_deadline="three_workdays") == 2
