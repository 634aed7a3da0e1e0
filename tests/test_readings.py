"""Readings of ambiguous clauses: declared, selected, recorded, and the Yifeng notes.

Tests of the Yifeng scheme are named after the note they are about: 附注2 (fuzhu2,
“以100为基数实行倒扣分,扣完即止”), 附注3 (fuzhu3, “未有相关指标的得平均分”), 附注4 (fuzhu4,
news items are not government information) and the 7/10 个工作日 rows (on_time).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from installed import EXAMPLES, run

import disclosure_rules as dr

DEPARTMENTS = "yifeng-2020-departments"
TOWNSHIPS = "yifeng-2020-townships"
FACTS = EXAMPLES / f"{DEPARTMENTS}.facts.json"


def _example_unit(reviews: int, lawsuits: int) -> str:
    """The example department with these overturned reviews and lost lawsuits."""
    for unit in json.loads(FACTS.read_text(encoding="utf-8"))["units"]:
        appeals = unit["facts"].get("appeals")
        if isinstance(appeals, dict) and (
            appeals.get("overturned_reviews"),
            appeals.get("lost_lawsuits"),
        ) == (reviews, lawsuits):
            return str(unit["id"])
    raise AssertionError(f"no example department with {reviews} reviews, {lawsuits} lawsuits")


EXAMPLE = _example_unit(4, 2)  # the issue's figure: 4 overturned reviews, 2 lost lawsuits


def department(facts: dict[str, Any], tags: tuple[str, ...] = ("教体局",)) -> dict[str, Any]:
    return {"units": [{"id": "A", "tags": list(tags), "facts": facts}]}


def appeals(reviews: int, lawsuits: int) -> dict[str, Any]:
    return {
        "appeals": {
            "overturned_reviews": reviews,
            "lost_lawsuits": lawsuits,
            "evidence": [{"ref": "县司法局证明.pdf", "kind": "certificate"}],
        }
    }


def entries(result: dr.Results, unit: str, node: str) -> list[dict[str, Any]]:
    audit = result.unit(unit).to_dict()["audit"]
    return next(n["entries"] for n in audit if n["node"] == node)


# ---------------------------------------------------------------- 附注2


def test_fuzhu2_per_item_reading_is_the_default_and_stops_appeals_at_zero():
    ruleset = dr.load(DEPARTMENTS)
    assert {r.name: r.alternative for r in ruleset.readings}["floor_scope"] == "per_item"
    result = ruleset.evaluate(department(appeals(4, 2)))
    assert result.unit("A").score("appeals") == 0  # 2 points, 8 deducted: loses 2


def test_fuzhu2_whole_100_reading_passes_every_deduction_to_the_100():
    ruleset = dr.load(DEPARTMENTS, readings={"floor_scope": "whole_100"})
    result = ruleset.evaluate(department(appeals(4, 2)))
    assert result.unit("A").score("appeals") == -6  # 2 - 4×1 - 2×2: loses 8


def test_fuzhu2_the_example_department_loses_8_not_2_under_whole_100():
    def work(**readings: str) -> Decimal:
        results = dr.load(DEPARTMENTS, readings=readings).evaluate(FACTS, detail=False)
        return results.unit(EXAMPLE).score("work")

    assert work() - work(floor_scope="whole_100") == 6  # 8 lost instead of 2


def test_fuzhu2_whole_100_reading_still_stops_at_zero_on_the_100():
    ruleset = dr.load(DEPARTMENTS, readings={"floor_scope": "whole_100"})
    result = ruleset.evaluate(department(appeals(200, 0)))
    assert result.unit("A").score("work") == 0
    clamp = [e for e in entries(result, "A", "work") if e["kind"] == "clamp"]
    assert clamp[0]["cite"] == "2.本考评以100为基数实行倒扣分,扣完即止。"
    assert clamp[0]["reading"] == "floor_scope=whole_100"


def test_fuzhu2_the_item_floor_that_decides_carries_the_note_and_its_reading():
    result = dr.load(DEPARTMENTS).evaluate(department(appeals(4, 2)))
    clamp = [e for e in entries(result, "A", "appeals") if e["kind"] == "clamp"]
    assert clamp == [
        {
            "kind": "clamp",
            "delta": "6",
            "id": "appeals.clamp.floor",
            "rule": "floor",
            "line": clamp[0]["line"],
            "cite": "2.本考评以100为基数实行倒扣分,扣完即止。",
            "inputs": {"bound": "0"},
            "note": "the floor at 0 absorbed -6",
            "reading": "floor_scope=per_item",
        }
    ]
    assert "[reading floor_scope=per_item]" in result.explain("A")


def test_fuzhu2_the_issue_figure_through_the_command(tmp_path: Path):
    def total(*more: str) -> dict[str, Any]:
        out = run(
            "score",
            DEPARTMENTS,
            str(FACTS),
            "--format",
            "json",
            "--audit",
            "full",
            *more,
            cwd=tmp_path,
        )
        assert out.returncode == 0, out.stderr
        unit = next(u for u in json.loads(out.stdout)["units"] if u["id"] == EXAMPLE)
        return unit["nodes"]["appeals"]

    assert total()["exact"] == "0"
    assert total("--reading", "floor_scope=whole_100")["exact"] == "-6"


@pytest.mark.parametrize("ruleset_id", [DEPARTMENTS, TOWNSHIPS])
def test_fuzhu2_both_readings_agree_where_no_item_goes_below_zero(ruleset_id):
    facts = EXAMPLES / f"{ruleset_id}.facts.json"
    per_item = dr.load(ruleset_id).evaluate(facts, detail=False)
    whole = dr.load(ruleset_id, readings={"floor_scope": "whole_100"}).evaluate(facts, detail=False)
    for a, b in zip(per_item, whole, strict=True):
        assert b.total <= a.total


# ---------------------------------------------------------------- 附注3


def test_fuzhu3_cohort_reading_gives_the_mean_of_the_assessed_units():
    cohort = {
        "units": [
            {"id": "J", "tags": ["司法局"], "facts": {"regulations_published": 2}},
            {"id": "B", "tags": ["教体局"], "facts": {"hearing": 1}},
        ]
    }
    result = dr.load(DEPARTMENTS).evaluate(cohort)
    na = [e for e in entries(result, "B", "regulations_published") if e["kind"] == "na"]
    assert result.unit("B").score("regulations_published") == 0  # J gave no evidence
    assert na[0]["reading"] == "na_average=cohort"


def test_fuzhu3_own_average_reading_scales_the_unit_s_own_rate():
    facts = {"units": [{"id": "A", "tags": ["教体局"], "facts": {"columns": "n/a"}}]}
    default = dr.load(DEPARTMENTS).evaluate(facts)
    own = dr.load(DEPARTMENTS, readings={"na_average": "own_average"}).evaluate(facts)
    assert default.unit("A").score("columns") == 0  # no unit assessed: the fallback
    rescale = [e for e in entries(own, "A", "work") if e["kind"] == "rescale"]
    assert rescale and rescale[0]["reading"] == "na_average=own_average"


def test_fuzhu3_own_average_reading_changes_the_example_s_first_place():
    first = {
        reading: min(
            dr.load(DEPARTMENTS, readings={"na_average": reading}).evaluate(FACTS, detail=False),
            key=lambda u: u.rank,
        ).id
        for reading in ("cohort", "own_average")
    }
    assert first["cohort"] != first["own_average"]


# ---------------------------------------------------------------- 7/10 个工作日


def late_decisions() -> dict[str, Any]:
    decisions = [
        {"decided": "2020-08-03", "published": "2020-08-05"},
        {"decided": "2020-08-03", "published": "2020-09-30"},
    ]
    evidence = {"link": "https://example.gov.cn/gk/1", "screenshot": "a.png"}
    return {"permits_penalties": {"decisions": decisions, "evidence": evidence}}


def test_on_time_share_reading_is_the_default_and_scores_the_share_on_time():
    result = dr.load(DEPARTMENTS).evaluate(department(late_decisions()))
    assert result.unit("A").score("permits_penalties") == Decimal("0.5")


def test_on_time_all_or_nothing_reading_scores_nothing_for_one_late_record():
    ruleset = dr.load(DEPARTMENTS, readings={"on_time": "all_or_nothing"})
    result = ruleset.evaluate(department(late_decisions()))
    assert result.unit("A").score("permits_penalties") == 0
    zero = [e for e in entries(result, "A", "permits_penalties") if e["kind"] == "zero"]
    assert zero[0]["reading"] == "on_time=all_or_nothing"


# ---------------------------------------------------------------- 附注4


@pytest.mark.parametrize("ruleset_id", [DEPARTMENTS, TOWNSHIPS])
def test_fuzhu4_news_evidence_is_refused_citing_note_4_not_note_1(ruleset_id):
    facts = {"hearing": {"awarded": 2, "evidence": [{"ref": "新闻.html", "kind": "news"}]}}
    tags = ("教体局",) if ruleset_id == DEPARTMENTS else ("township",)
    result = dr.load(ruleset_id).evaluate(department(facts, tags))
    (entry,) = entries(result, "A", "hearing")
    assert entry["cite"] == "4.新闻动态类不作为政府信息,不得分。"
    assert result.unit("A").score("hearing") == 0


# ---------------------------------------------------------------- selecting


@pytest.mark.parametrize(
    ("choice", "fragment"),
    [
        ("floor_scop=whole_100", "DR154 unknown reading 'floor_scop'"),
        ("floor_scope=whole", "DR154 reading 'floor_scope' has no alternative 'whole'"),
        ("floor_scope", "--reading takes NAME=ALTERNATIVE"),
    ],
)
def test_a_bad_reading_is_a_diagnostic_never_a_traceback(tmp_path: Path, choice, fragment):
    for args in (
        ("score", DEPARTMENTS, str(FACTS)),
        ("describe", DEPARTMENTS),
        ("explain", DEPARTMENTS, str(FACTS), "--unit", EXAMPLE),
    ):
        out = run(*args, "--reading", choice, cwd=tmp_path)
        assert out.returncode != 0
        assert fragment in out.stderr


def test_a_bad_reading_in_the_api_names_the_readings_there_are():
    with pytest.raises(dr.ParameterError) as info:
        dr.load(DEPARTMENTS, readings={"floor": "whole_100"})
    assert "did you mean 'floor_scope'" in info.value.render()
    with pytest.raises(TypeError):
        dr.load(DEPARTMENTS, readings={"floor_scope": 1})  # type: ignore[dict-item]


def test_describe_lists_every_reading_in_text_and_json(tmp_path: Path):
    text = run("describe", DEPARTMENTS, "--reading", "on_time=all_or_nothing", cwd=tmp_path)
    assert "reading floor_scope “扣完即止:扣分止于何处”" in text.stdout
    assert "on_time" in text.stdout and "all_or_nothing in force (selected)" in text.stdout
    doc = json.loads(run("describe", DEPARTMENTS, "--format", "json", cwd=tmp_path).stdout)
    readings = {r["name"]: r for r in doc["readings"]}
    assert set(readings) == {"floor_scope", "na_average", "on_time"}
    floor = readings["floor_scope"]
    assert floor["default"] == floor["in_force"] == "per_item"
    assert [a["name"] for a in floor["alternatives"]] == ["per_item", "whole_100"]
    assert floor["cite"] == "2.本考评以100为基数实行倒扣分,扣完即止。"
    assert all(a["meaning"] for a in floor["alternatives"]) and floor["reason"]


def test_results_record_the_readings_apart_from_assumed_parameters():
    doc = dr.load(DEPARTMENTS, readings={"floor_scope": "whole_100"}).evaluate(FACTS).to_dict()
    assert doc["ruleset"]["readings"] == {
        "floor_scope": "whole_100",
        "na_average": "cohort",
        "on_time": "share",
    }
    assert [(r["name"], r["selected"]) for r in doc["readings"]] == [
        ("floor_scope", True),
        ("na_average", False),
        ("on_time", False),
    ]
    assert [p["name"] for p in doc["params"]] == ["reposted_deduction"]
    assert all("reading" not in a for a in doc["assumptions"])


def test_the_readings_hash_covers_the_readings_in_force():
    def header(**readings: str) -> dict[str, Any]:
        return (
            dr.load(DEPARTMENTS, readings=readings)
            .evaluate(FACTS, detail=False)
            .to_dict()["ruleset"]
        )

    default, whole = header(), header(floor_scope="whole_100")
    assert default["hash"] == whole["hash"]  # the same ruleset text
    assert default["readings_hash"] != whole["readings_hash"]


def test_verify_re_scores_under_the_recorded_readings(tmp_path: Path):
    scored = run(
        "score", DEPARTMENTS, str(FACTS), "--format", "json", "--reading",
        "floor_scope=whole_100", "-o", "r.json", cwd=tmp_path,
    )  # fmt: skip
    assert scored.returncode == 0, scored.stderr
    ok = run("verify", "r.json", "--facts", str(FACTS), cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    doc["ruleset"]["readings"]["floor_scope"] = "per_item"
    (tmp_path / "r.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    edited = run("verify", "r.json", cwd=tmp_path)
    assert edited.returncode == 1
    assert "DR707" in edited.stderr


# ---------------------------------------------------------------- the language

WRITTEN = """ruleset r {
  title "示例"

  reading scope "扣完即止" {
    alternative item "每项最低0分"
    alternative whole "总分最低0分"
    default item
  }

  param amount = 1 "每件扣分"

  item a "甲" 2 {
    deduct amount per incidents
    when reading scope = whole {
      floor none
    }
  }

  item b "乙" 2
}
"""


def test_the_graph_is_specialised_to_the_readings_in_force():
    default = dr.compile(WRITTEN)
    whole = dr.compile(WRITTEN, readings={"scope": "whole"})
    assert default.graph.node("a").floor.value == 0
    assert whole.graph.node("a").floor.value is None
    cohort = {"units": [{"id": "U", "facts": {"a": {"incidents": 3}}}]}
    assert default.evaluate(cohort).unit("U").score("a") == 0
    assert whole.evaluate(cohort).unit("U").score("a") == -1


def test_a_parameter_used_only_under_one_alternative_is_used():
    text = WRITTEN.replace("deduct amount per incidents", "deduct 1 per incidents as one").replace(
        "floor none", "floor none\n      deduct amount per incidents as amount"
    )
    assert [d.code for d in dr.check_text(text)] == []


def test_check_checks_the_clauses_of_every_alternative():
    text = WRITTEN.replace("floor none", "floor nope_param")
    assert [d.code for d in dr.check_text(text)] == ["DR102"]
    assert dr.check_text(text, readings={"scope": "item"}) == []


def test_a_reading_formats_stably():
    from disclosure_rules.language.formatter import format_text

    assert format_text(WRITTEN) == WRITTEN


# ---------------------------------------------------------------- the toolkit


def test_check_all_runs_under_every_alternative_of_every_reading():
    from disclosure_rules import testing

    variants = testing.every_reading(dr.load(DEPARTMENTS))
    in_force = [{r.name: r.alternative for r in v.readings} for v in variants]
    assert in_force == [
        {"floor_scope": "per_item", "na_average": "cohort", "on_time": "share"},
        {"floor_scope": "whole_100", "na_average": "cohort", "on_time": "share"},
        {"floor_scope": "per_item", "na_average": "own_average", "on_time": "share"},
        {"floor_scope": "per_item", "na_average": "cohort", "on_time": "all_or_nothing"},
    ]
    testing.check_all(variants[0], department(appeals(4, 2)))


def test_the_readings_strategy_draws_every_alternative():
    from hypothesis import find

    from disclosure_rules import testing

    ruleset = dr.load(DEPARTMENTS)
    for reading in ruleset.readings:
        for name, _, _ in reading.alternatives:
            found = find(testing.readings(ruleset), lambda c, r=reading, n=name: c[r.name] == n)
            assert found[reading.name] == name


PER_ALTERNATIVE = """ruleset r {
  title "示例"

  reading penalty "转载扣分" {
    alternative one "每项扣1分"
    alternative all "扣完该项"
    default one
  }

  param amount = 1 assumed "未载明分值"

  when reading penalty = all {
    param amount = 2 "扣完该项"
  }

  item a "甲" 2 { deduct amount when reposted }
}
"""


def test_a_parameter_can_take_its_value_from_the_reading_in_force():
    from disclosure_rules.language.formatter import format_text

    assert format_text(PER_ALTERNATIVE) == PER_ALTERNATIVE
    cohort = {"units": [{"id": "U", "facts": {"a": {"reposted": True}}}]}
    one = dr.compile(PER_ALTERNATIVE).evaluate(cohort).to_dict()
    every = dr.compile(PER_ALTERNATIVE, readings={"penalty": "all"}).evaluate(cohort).to_dict()
    assert (one["units"][0]["total"], every["units"][0]["total"]) == ("1", "0")
    assert one["assumptions"] == ["parameter amount = 1 is assumed: 未载明分值"]
    assert every["assumptions"] == []  # the alternative states the value: not assumed
    assert every["params"][0]["reading"] == "penalty=all"
    assert "reading" not in one["params"][0]


def test_a_fact_default_can_depend_on_the_reading_in_force():
    text = (
        'ruleset r {\n  title "示例"\n\n'
        '  reading missing "未报送" {\n    alternative zero "未报送记0分"\n'
        '    alternative na "未报送视为不适用"\n    default zero\n  }\n\n'
        "  policy {\n    not_applicable average\n  }\n\n"
        '  item a "甲" 2 {\n    deduct 1 per incidents\n'
        "    when reading missing = na {\n      absent na\n    }\n  }\n}\n"
    )
    cohort = {"units": [{"id": "U", "facts": {"a": {"incidents": 1}}}, {"id": "V", "facts": {}}]}
    zero = dr.compile(text).evaluate(cohort).unit("V")
    na = dr.compile(text, readings={"missing": "na"}).evaluate(cohort).unit("V")
    assert (zero.score("a"), na.score("a")) == (0, 1)  # N/A: the average of U's 1
    assert na.node("a").status == "na"
