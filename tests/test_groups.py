"""Groups: ranks, grades and quotas within groups of units, and the grade a quota or a
veto moves, explained in the audit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import D, score

import disclosure_rules as dr
from disclosure_rules.outputs.csv import results_csv
from disclosure_rules.outputs.table import results_table

GROUPED = """
ruleset t {
  title "t"
  tags district, department
  groups district, department cite "区、部门分别排名"
  policy { not_applicable average }
  item a "甲" 100 { awarded }
  item b "乙" 10 { applies_to department }
  grades { 优秀 >= 85 quota 50%  良好 >= 70  else 合格 }
}
"""


def unit(uid: str, tag: str, a: int, b: int | str = 10) -> dict[str, object]:
    facts = {"a": a, "b": b} if tag == "department" else {"a": a}
    return {"id": uid, "tags": [tag], "facts": facts}


def cohort() -> dr.Results:
    # districts 95, 90, 80 plus the departments' average on b (10); departments 99, 88,
    # 86, 60 plus their 10 on b
    return score(
        GROUPED,
        [
            unit("d1", "district", 95),
            unit("d2", "district", 90),
            unit("d3", "district", 80),
            unit("p1", "department", 99),
            unit("p2", "department", 88),
            unit("p3", "department", 86),
            unit("p4", "department", 60),
        ],
    )


def test_ranks_restart_in_each_group():
    r = cohort()
    assert [(u.id, u.group, u.rank) for u in r.units] == [
        ("d1", "district", 1),
        ("d2", "district", 2),
        ("d3", "district", 3),
        ("p1", "department", 1),
        ("p2", "department", 2),
        ("p3", "department", 3),
        ("p4", "department", 4),
    ]


def test_a_quota_applies_per_group():
    r = cohort()
    # districts: 50% of 3 = 1 place of 优秀; d2 (100) and d3 (90), both ≥ 85, fall to 良好
    # departments: 50% of 4 = 2 places; p3 (96 ≥ 85) falls to 良好; p4 (70) is 良好
    assert [r.unit(i).grade for i in ("d1", "d2", "d3")] == ["优秀", "良好", "良好"]
    assert [r.unit(i).grade for i in ("p1", "p2", "p3", "p4")] == ["优秀", "优秀", "良好", "良好"]


def test_the_same_scores_in_one_cohort_grade_differently():
    one = GROUPED.replace('groups district, department cite "区、部门分别排名"', "")
    r = score(one, [unit("d1", "district", 95), unit("d2", "district", 90)] * 1)
    # one cohort of 2: 1 place; the same as the district group alone would give
    assert [u.grade for u in r.units] == ["优秀", "良好"]
    assert [u.group for u in r.units] == [None, None]


def test_na_average_stays_cohort_wide():
    r = score(
        GROUPED.replace("applies_to department", ""),
        [
            {"id": "d1", "tags": ["district"], "facts": {"a": 90, "b": "n/a"}},
            {"id": "d2", "tags": ["district"], "facts": {"a": 90, "b": 2}},
            {"id": "p1", "tags": ["department"], "facts": {"a": 90, "b": 8}},
        ],
    )
    # the mean over every unit the item applies to, whatever its group: (2 + 8) / 2
    assert r.unit("d1").score("b") == D(5)


def test_each_units_group_is_in_its_results():
    r = cohort()
    doc = r.to_dict()
    assert [u["group"] for u in doc["units"]][:4] == ["district"] * 3 + ["department"]
    csv_text = results_csv(r)
    assert csv_text.splitlines()[0].startswith("unit,group,rank,total")
    assert csv_text.splitlines()[1].startswith("d1,district,1,105.00")
    assert "排名 rank 2 in 组 group district" in r.explain("d2")
    table = results_table(r)
    assert "group" in table.splitlines()[3] and "department" in table


def test_results_without_groups_carry_no_group():
    r = score('ruleset t { title "t" item a "甲" 10 }', [{"id": "u", "facts": {"a": 5}}])
    assert "group" not in r.to_dict()["units"][0]
    assert not results_csv(r).startswith("unit,group")


def test_describe_lists_the_groups():
    graph = dr.compile(GROUPED, file="t.dr").graph
    doc = graph.to_dict()
    assert doc["groups"] == [
        {"name": "district", "tags": ["district"]},
        {"name": "department", "tags": ["department"]},
    ]
    assert doc["groups_cite"] == "区、部门分别排名"
    plain = dr.compile('ruleset t { title "t" item a "甲" 10 }', file="t.dr").graph
    assert "groups" not in plain.to_dict()


@pytest.mark.parametrize(
    ("tags", "fragment"),
    [
        ([], "in no group of district, department"),
        (["district", "department"], "in 2 groups (district, department) of district, department"),
    ],
)
def test_a_unit_in_no_group_or_two_is_refused(tags, fragment):
    facts = {"units": [{"id": "x", "tags": tags, "facts": {"a": 90, "b": 1}}]}
    with pytest.raises(dr.DisclosureRulesError) as caught:
        dr.compile(GROUPED, file="t.dr").evaluate(facts)
    d = caught.value.diagnostics[0]
    assert (d.code, d.unit) == ("DR410", "x")
    assert fragment in d.message


def test_formatter_keeps_groups():
    from disclosure_rules.language.formatter import format_text

    once = format_text(GROUPED)
    assert 'groups district, department cite "区、部门分别排名"' in once
    assert format_text(once) == once


def test_verify_recomputes_ranks_within_groups(tmp_path):
    from disclosure_rules.verify import verify

    (tmp_path / "t.dr").write_text(GROUPED, encoding="utf-8")
    doc = json.loads(json.dumps(cohort().to_dict()))
    assert verify(doc, "r.json", ruleset=str(tmp_path / "t.dr")).problems == ()
    doc["units"][1]["rank"] = 4  # d2 is second among the districts, not fourth overall
    codes = [d.code for d in verify(doc, "r.json", ruleset=str(tmp_path / "t.dr")).problems]
    assert "DR705" in codes


def test_a_group_of_several_tags_ranks_them_together():
    text = GROUPED.replace(
        "tags district, department", "tags district, department, institution"
    ).replace(
        'groups district, department cite "区、部门分别排名"',
        "groups district + department, institution",
    )
    r = score(
        text,
        [
            unit("d1", "district", 80),
            unit("p1", "department", 85),
            {"id": "i1", "tags": ["institution"], "facts": {"a": 70}},
        ],
    )
    assert [(u.id, u.group, u.rank) for u in r.units] == [
        ("d1", "district+department", 2),
        ("p1", "district+department", 1),
        ("i1", "institution", 1),
    ]
    from disclosure_rules.language.formatter import format_text

    assert "groups district + department, institution" in format_text(text)


TITLED = GROUPED.replace("tags district, department", 'tags district "区", department "区政府部门"')


def test_tag_titles_name_the_groups_a_reader_sees_and_leave_tags_alone():
    ruleset = dr.compile(TITLED)
    described = ruleset.describe()
    assert [(g["name"], g["title"]) for g in described["groups"]] == [
        ("district", "区"),
        ("department", "区政府部门"),
    ]
    assert ruleset.graph.tags == ("district", "department")
    assert ruleset.graph.group_title("district+department") == "区、区政府部门"


def test_tag_titles_survive_formatting():
    from disclosure_rules.language.formatter import format_text

    text = format_text(TITLED)
    assert 'tags district "区", department "区政府部门"' in text
    assert format_text(text) == text


def test_the_jingan_report_titles_its_groups_as_the_report_names_them():
    pytest.importorskip("jinja2")
    from disclosure_rules import report

    example = Path(__file__).parents[1] / "examples" / "jingan-2020-evaluation.facts.json"
    results = dr.load("jingan-2020-evaluation").evaluate(example)
    text = report.markdown(results)
    assert "#### 区政府部门" in text and "#### 街镇" in text
    assert "#### department" not in text
