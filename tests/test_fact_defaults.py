"""Fact defaults: ``absent zero|na|error [over FACTS]``, what an absent fact means.

The Licheng situation: a district lists only the incidents it had, not the zeros. With
``absent zero`` declared, such a unit scores exactly as if the zeros were written, with
an audit entry for each default used; ``absent na`` settles the item by its N/A policy;
``absent error`` makes the fact required (DR320); and a ruleset that declares nothing
keeps the old behaviour (0 and DR403).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from installed import run

import disclosure_rules as dr
from disclosure_rules.language.formatter import format_text

LICHENG = """\
ruleset licheng {
  title "2020年度政务公开考核"

  policy {
    absent zero over reviews, lawsuits cite "未发生的不扣分"
  }

  item appeals "行政复议、行政诉讼" 6 {
    deduct 1 per reviews
    deduct 2 per lawsuits
  }

  item columns "栏目更新" 4 {
    deduct 1 per stale_columns
  }

  bonus special "特色工作" cap 2 {
    awarded
  }
}
"""

WRITTEN = {
    "units": [
        {
            "id": "东区",
            "facts": {
                "appeals": {"reviews": 1, "lawsuits": 0},
                "columns": {"stale_columns": 1},
                "special": 1,
            },
        },
        {
            "id": "西区",
            "facts": {
                "appeals": {"reviews": 0, "lawsuits": 0},
                "columns": {"stale_columns": 0},
                "special": 0,
            },
        },
    ]
}

SPARSE = {  # the same cohort, the zeros of the declared facts left out
    "units": [
        {
            "id": "东区",
            "facts": {"appeals": {"reviews": 1}, "columns": {"stale_columns": 1}, "special": 1},
        },
        {"id": "西区", "facts": {"columns": {"stale_columns": 0}, "special": 0}},
    ]
}


def entries(result: dr.Results, unit: str, node: str) -> list[dict]:
    doc = result.to_dict()
    [found] = [u for u in doc["units"] if u["id"] == unit]
    [cell] = [n for n in found["audit"] if n["node"] == node]
    return cell["entries"]


def totals(result: dr.Results) -> dict[str, object]:
    return {u.id: u.total for u in result.units}


# ------------------------------------------------------------------ absent zero


def test_a_unit_listing_only_its_incidents_scores_as_if_the_zeros_were_written():
    ruleset = dr.compile(LICHENG)
    written, sparse = ruleset.evaluate(WRITTEN), ruleset.evaluate(SPARSE)
    assert totals(sparse) == totals(written) == {"东区": 9, "西区": 10}
    assert sparse.warnings == written.warnings == []
    for a, b in zip(sparse.units, written.units, strict=True):
        assert [(n.id, n.score, n.status) for n in a.nodes()] == [
            (n.id, n.score, n.status) for n in b.nodes()
        ]
        assert dr.reconcile(a.to_dict()) == []


def test_without_the_declaration_an_omitted_incident_is_missing_as_before():
    bare = LICHENG.replace('absent zero over reviews, lawsuits cite "未发生的不扣分"', "")
    result = dr.compile(bare).evaluate(SPARSE)
    assert totals(result) == {"东区": 4, "西区": 4}
    assert [(d.code, d.unit, d.fact) for d in result.warnings] == [
        ("DR403", "东区", "appeals"),
        ("DR403", "西区", "appeals"),
    ]
    with pytest.raises(dr.EvaluationError, match="DR403"):
        dr.compile(bare).evaluate(SPARSE, strict=True)


def test_strict_mode_accepts_a_defaulted_fact():
    assert totals(dr.compile(LICHENG).evaluate(SPARSE, strict=True)) == {"东区": 9, "西区": 10}


def test_the_audit_says_which_default_was_used_with_its_line_and_cite():
    result = dr.compile(LICHENG).evaluate(SPARSE)
    defaults = [e for e in entries(result, "西区", "appeals") if e["kind"] == "default"]
    assert defaults == [
        {
            "kind": "default",
            "delta": "0",
            "id": "appeals.default.absent_zero",
            "rule": "absent zero",
            "line": 5,
            "cite": "未发生的不扣分",
            "inputs": {"fact": "reviews", "value": "0"},
            "note": "reviews not supplied: taken as 0 (absent zero)",
        },
        {
            "kind": "default",
            "delta": "0",
            "id": "appeals.default.absent_zero",
            "rule": "absent zero",
            "line": 5,
            "cite": "未发生的不扣分",
            "inputs": {"fact": "lawsuits", "value": "0"},
            "note": "lawsuits not supplied: taken as 0 (absent zero)",
        },
    ]
    # a supplied fact is read as it is: no default entry
    assert [e["inputs"] for e in entries(result, "东区", "appeals") if e["kind"] == "default"] == [
        {"fact": "lawsuits", "value": "0"}
    ]
    assert "lawsuits not supplied: taken as 0" in result.explain("东区")


def test_an_undeclared_fact_is_still_missing():
    # `awarded` of the bonus is not named: an omitted bonus is missing, as before
    sparser = {"units": [{"id": "北区", "facts": {"columns": {"stale_columns": 0}}}]}
    result = dr.compile(LICHENG).evaluate(sparser)
    assert entries(result, "北区", "special")[0]["kind"] == "missing"
    assert [(d.code, d.fact) for d in result.warnings] == [("DR403", "special")]


def test_absent_zero_gives_false_for_a_yes_no_fact():
    text = """ruleset t {
      title "t"
      item reposted_ok "转载" 2 {
        absent zero
        zero when reposted
      }
    }"""
    result = dr.compile(text).evaluate({"units": [{"id": "u", "facts": {}}]})
    assert result.units[0].total == 2
    [default] = [e for e in entries(result, "u", "reposted_ok") if e["kind"] == "default"]
    assert default["inputs"] == {"fact": "reposted", "value": False}
    assert default["note"] == "reposted not supplied: taken as false (absent zero)"


def test_the_nearest_declaration_wins_and_a_named_one_before_a_general_one():
    text = """ruleset t {
      title "t"
      policy { absent error }
      section s "s" 4 {
        absent zero
        item a "甲" 2 { deduct 1 per x }
        item b "乙" 2 {
          absent error over y
          deduct 1 per x
          deduct 1 per y
        }
      }
    }"""
    graph = dr.compile(text).graph
    modes = {
        (node, d.field): (d.mode, d.declared_on) for node in "ab" for d in graph.node(node).defaults
    }
    assert modes == {
        ("a", "x"): ("zero", "s"),
        ("b", "x"): ("zero", "s"),
        ("b", "y"): ("error", "b"),
    }


def test_a_general_absent_zero_leaves_dates_to_the_declaration_around_it():
    text = """ruleset t {
      title "t"
      policy { absent error }
      item a "甲" 2 {
        absent zero
        deduct 1 per late_items
        zero when not published by 2020-03-31
      }
    }"""
    defaults = {d.field: d.mode for d in dr.compile(text).graph.node("a").defaults}
    assert defaults == {"late_items": "zero", "published": "error"}


def test_a_fact_of_another_node_follows_the_declarations_of_the_node_that_reads_it():
    text = """ruleset t {
      title "t"
      item a "甲" 2 { awarded }
      item b "乙" 2 {
        absent zero over lapses
        deduct 1 per a.lapses
      }
    }"""
    result = dr.compile(text).evaluate({"units": [{"id": "u", "facts": {"a": 2}}]})
    assert result.units[0].total == 4
    [default] = [e for e in entries(result, "u", "b") if e["kind"] == "default"]
    assert default["inputs"] == {"fact": "a.lapses", "value": "0"}


def test_a_survey_answer_nobody_gave_counts_zero():
    text = """ruleset t {
      title "t"
      component social "社会评议" weight 100% {
        absent zero
        survey {
          answer 满意 1
          answer 不满意 0
        }
      }
    }"""
    result = dr.compile(text).evaluate({"units": [{"id": "u", "facts": {"social": {"满意": 5}}}]})
    assert result.units[0].total == 100
    assert result.warnings == []


def test_a_veto_reads_an_absent_zero_as_no_incident():
    text = """ruleset t {
      title "t"
      policy { absent zero over major_incident }
      item a "甲" 10
      veto incident "重大失泄密事件" when major_incident then score 59
    }"""
    result = dr.compile(text).evaluate({"units": [{"id": "u", "facts": {"a": 10}}]})
    assert (result.units[0].total, result.units[0].vetoes, result.warnings) == (10, (), [])


# ------------------------------------------------------------------ absent na


NA = """ruleset t {
  title "t"
  policy { not_applicable average cite "未有相关指标的得平均分" }
  item decisions "重大决策预公开" 4 {
    absent na over drafts
    deduct 1 per missing drafts of 4
  }
  item other "其他" 6
}
"""


def test_absent_na_settles_the_item_by_its_na_policy():
    cohort = {
        "units": [
            {"id": "甲", "facts": {"decisions": {"drafts": 4}, "other": 6}},
            {"id": "乙", "facts": {"decisions": {"drafts": 2}, "other": 6}},
            {"id": "丙", "facts": {"other": 6}},
        ]
    }
    result = dr.compile(NA).evaluate(cohort)
    assert totals(result) == {"甲": 10, "乙": 8, "丙": 9}
    unit = result.units[2]
    assert unit.node("decisions").status == "na"
    default, na = entries(result, "丙", "decisions")
    assert (default["kind"], default["rule"], default["line"]) == ("default", "absent na", 5)
    assert default["inputs"] == {"fact": "drafts"}
    assert (na["kind"], na["rule"], na["delta"]) == ("na", "average", "3")
    assert result.warnings == []
    assert dr.reconcile(unit.to_dict()) == []


def test_absent_na_without_an_na_policy_is_a_checker_error():
    text = NA.replace('policy { not_applicable average cite "未有相关指标的得平均分" }', "")
    with pytest.raises(dr.CheckError, match="DR161"):
        dr.compile(text)


# ------------------------------------------------------------------ absent error


ERROR = """ruleset t {
  title "t"
  policy { absent error over reviews }
  item appeals "复议" 4 { deduct 1 per reviews }
  item other "其他" 6
}
"""


def test_absent_error_names_the_file_unit_and_fact_of_every_absent_one(tmp_path: Path):
    facts = tmp_path / "facts.json"
    cohort = {
        "units": [
            {"id": "甲", "facts": {"appeals": {"reviews": 1}, "other": 6}},
            {"id": "乙", "facts": {"other": 6}},
            {"id": "丙", "facts": {"appeals": {}, "other": 6}},
        ]
    }
    facts.write_text(json.dumps(cohort, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(dr.FactsError) as caught:
        dr.compile(ERROR).evaluate(facts)
    found = [(d.code, d.file, d.unit, d.fact) for d in caught.value.diagnostics]
    assert found == [
        ("DR320", str(facts), "乙", "appeals.reviews"),
        ("DR320", str(facts), "丙", "appeals.reviews"),
    ]
    assert "absent error (line 3, on the ruleset's policy)" in caught.value.diagnostics[0].message


def test_absent_error_on_a_veto_fact():
    text = """ruleset t {
      title "t"
      policy { absent error over major_incident }
      item a "甲" 10
      veto incident "重大失泄密事件" when major_incident then score 59
    }"""
    with pytest.raises(dr.FactsError, match="DR320"):
        dr.compile(text).evaluate({"units": [{"id": "u", "facts": {"a": 10}}]})


# ------------------------------------------------------------------ describe, fmt, checker


def test_describe_shows_the_declarations_and_the_defaults_in_force():
    ruleset = dr.compile(LICHENG)
    doc = ruleset.describe()
    root, appeals = doc["nodes"][0], doc["nodes"][1]
    assert root["absent"] == [
        {"mode": "zero", "over": ["reviews", "lawsuits"], "line": 5, "cite": "未发生的不扣分"}
    ]
    assert appeals["fact_defaults"] == {
        "lawsuits": {
            "mode": "zero",
            "value": "0",
            "declared_on": "licheng",
            "line": 5,
            "cite": "未发生的不扣分",
        },
        "reviews": {
            "mode": "zero",
            "value": "0",
            "declared_on": "licheng",
            "line": 5,
            "cite": "未发生的不扣分",
        },
    }
    assert "fact_defaults" not in doc["nodes"][2]  # columns: nothing declared covers it


def test_a_ruleset_that_declares_nothing_describes_as_before():
    bare = LICHENG.replace('absent zero over reviews, lawsuits cite "未发生的不扣分"', "")
    doc = dr.compile(bare).describe()
    assert not any("absent" in n or "fact_defaults" in n for n in doc["nodes"])


@pytest.mark.parametrize(
    "statement",
    [
        "absent zero",
        "absent na over a, b",
        'absent error cite "须如实填报"',
        'absent zero over a cite "x"',
    ],
)
def test_declarations_are_fmt_stable(statement: str):
    text = f'ruleset t {{\n  title "t"\n\n  item i "i" 2 {{ {statement} }}\n}}\n'
    assert format_text(text) == text
    policy = (
        f'ruleset t {{\n  title "t"\n\n  policy {{\n    {statement}\n  }}\n\n  item i "i" 2\n}}\n'
    )
    assert format_text(policy) == policy


def test_na_and_error_stay_names_where_no_mode_is_expected():
    text = 'ruleset t { title "t" item na "甲" 2 { deduct 1 per error } }'
    assert dr.compile(text).graph.node("na").defaults == ()


# ------------------------------------------------------------------ the command


def test_the_installed_command_scores_sparse_facts_as_written(tmp_path: Path):
    (tmp_path / "licheng.dr").write_text(LICHENG, encoding="utf-8")
    for name, doc in (("written", WRITTEN), ("sparse", SPARSE)):
        (tmp_path / f"{name}.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    scored = {}
    for name in ("written", "sparse"):
        result = run("score", "--format", "json", "licheng.dr", f"{name}.json", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        doc = json.loads(result.stdout)
        scored[name] = {u["id"]: u["total_exact"] for u in doc["units"]}
        assert doc["warnings"] == []
    assert scored["sparse"] == scored["written"] == {"东区": "9", "西区": "10"}
    described = run("describe", "licheng.dr", cwd=tmp_path)
    assert "absent zero over reviews, lawsuits (line 5, cite “未发生的不扣分”)" in described.stdout


def test_the_installed_command_reports_absent_error(tmp_path: Path):
    (tmp_path / "error.dr").write_text(ERROR, encoding="utf-8")
    (tmp_path / "facts.json").write_text(
        json.dumps({"units": [{"id": "乙", "facts": {"other": 6}}]}, ensure_ascii=False), "utf-8"
    )
    result = run("score", "error.dr", "facts.json", cwd=tmp_path)
    assert result.returncode == 1
    assert "facts.json: unit '乙': fact 'appeals.reviews': error: DR320" in result.stderr


def test_evidence_is_never_defaulted():
    text = """ruleset t {
      title "t"
      policy {
        evidence required
        absent zero
      }
      item appeals "复议" 2 { deduct 1 per reviews }
    }"""
    cohort = {
        "units": [
            {"id": "given", "facts": {"appeals": {"evidence": ["县司法局证明.pdf"]}}},
            {"id": "silent", "facts": {}},
        ]
    }
    result = dr.compile(text).evaluate(cohort)
    assert totals(result) == {"given": 2, "silent": 0}
    assert result.unit("silent").node("appeals").status == "not_credited"


def test_absent_na_does_not_cover_a_veto_which_is_never_not_applicable():
    text = """ruleset t {
      title "t"
      policy {
        not_applicable average
        absent na
      }
      item a "甲" 10
      veto incident "重大失泄密事件" when major_incident then score 59
    }"""
    ruleset = dr.compile(text)
    assert ruleset.graph.vetoes[0].defaults == ()
    result = ruleset.evaluate({"units": [{"id": "u", "facts": {"a": 10}}]})
    assert [d.code for d in result.warnings] == ["DR404"]


def test_two_declarations_without_over_on_one_node_are_an_error():
    text = 'ruleset t { title "t" item a "甲" 2 { absent zero absent error deduct 1 per x } }'
    assert [d.code for d in dr.check_text(text) if d.is_error] == ["DR162"]


def test_a_unit_that_gives_the_cell_as_na_is_not_applicable_as_before():
    cohort = {
        "units": [
            {"id": "甲", "facts": {"decisions": {"drafts": 4}, "other": 6}},
            {"id": "乙", "facts": {"decisions": "n/a", "other": 6}},
        ]
    }
    result = dr.compile(NA).evaluate(cohort)
    [na] = entries(result, "乙", "decisions")
    assert (na["kind"], na["delta"]) == ("na", "4")


def test_yifeng_departments_appeals_not_listed_are_none():
    """未有行政复议的在县司法局开具证明: a department with no review brings the certificate
    and lists no counts; it keeps the item's 2 points, each default in the audit."""
    facts = {"appeals": {"evidence": [{"ref": "县司法局证明.pdf", "kind": "certificate"}]}}
    ruleset = dr.load("yifeng-2020-departments")
    result = ruleset.evaluate({"units": [{"id": "A", "tags": ["教体局"], "facts": facts}]})
    assert result.unit("A").score("appeals") == 2
    audit = result.unit("A").to_dict()["audit"]
    entries = next(n["entries"] for n in audit if n["node"] == "appeals")
    defaulted = [e["inputs"]["fact"] for e in entries if e["kind"] == "default"]
    assert defaulted == ["overturned_reviews", "lost_lawsuits"]
    assert not [w for w in result.warnings if "DR403" in str(w) and "appeals" in str(w)]


def test_shanghai_reply_standard_not_answered_on_the_spot_not_listed_is_none():
    ruleset = dr.load("shanghai-2020-districts")
    node = next(n for n in ruleset.graph.nodes if n.id == "reply_standard")
    assert [(d.field, d.mode) for d in node.defaults] == [("not_answered_on_the_spot", "zero")]
