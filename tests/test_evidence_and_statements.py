"""Evidence as the scheme requires it, N/A with a statement, empty lists of records.

Named after the clauses of the Yifeng 2020 scheme they enforce: 附注1 “未按要求提供佐证材料的,
不予认定” with 工作要求3 “佐证材料需提供网址链接和截图 … 于2021年1月20日前”, 附注4, and the
备注 “未有…的做出说明”. Each fails on the behaviour before these were encoded (any single
string accepted, a bare "n/a" given the average, an empty list given full points).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import D, score

import disclosure_rules as dr
from disclosure_rules.testing.cases import full_marks

DEPARTMENTS = dr.load("yifeng-2020-departments")
TOWNSHIPS = dr.load("yifeng-2020-townships")
ON_TIME = "2021-01-18"
TOWN = "新庄镇"


def typed(name: str, submitted: str = ON_TIME) -> dict[str, str]:
    return {"link": f"https://x/{name}", "screenshot": f"{name}.png", "submitted": submitted}


def departments(**cells: object) -> dr.Results:
    """县财政局 at full marks everywhere (the average the N/A cells get), and 县发改委 at full
    marks but for ``cells``."""
    finance = {**full_marks(DEPARTMENTS, ["财政局"]), "process": 100}
    planning = {**full_marks(DEPARTMENTS, ["发改委"]), "process": 100, **cells}
    doc = {
        "units": [
            {"id": "县财政局", "tags": ["财政局"], "facts": finance},
            {"id": "县发改委", "tags": ["发改委"], "facts": planning},
        ]
    }
    return DEPARTMENTS.evaluate(doc)


def townships(**cells: object) -> dr.Results:
    facts = {**full_marks(TOWNSHIPS, ["township"]), "process": 100, **cells}
    return TOWNSHIPS.evaluate({"units": [{"id": "新庄镇", "tags": ["township"], "facts": facts}]})


def cell(results: dr.Results, node: str, unit: str = "县发改委") -> dr.NodeResult:
    return results.unit(unit).node(node)


def failed(node: dr.NodeResult) -> tuple[str | None, str | None]:
    """The rule and the cite of the entry that says why the cell was not credited."""
    entry = next(e for e in node.entries if e.kind == "evidence" and e.rule)
    return entry.rule, entry.cite


# ---------------------------------------------------------------- 附注1 and 工作要求3


def test_fuzhu1_evidence_needs_link_and_screenshot():
    shot_only = {"screenshot": "h.png", "submitted": ON_TIME}
    got = cell(townships(hearing={"awarded": 2, "evidence": shot_only}), "hearing", TOWN)
    assert (got.score, got.status) == (D(0), "not_credited")
    assert failed(got) == ("evidence_kinds", "佐证材料需提供网址链接和截图")
    entry = next(e for e in got.entries if e.rule == "evidence_kinds")
    assert entry.inputs is not None and entry.inputs["missing"] == ["link"]
    assert "no link: the evidence requires link and screenshot" in (entry.note or "")


def test_fuzhu1_link_and_screenshot_are_credited():
    got = cell(townships(hearing={"awarded": 2, "evidence": typed("h")}), "hearing", TOWN)
    assert (got.score, got.status) == (D(2), "scored")


def test_fuzhu1_a_single_string_reads_as_a_link_only():
    # the evidence of every facts file written before typed evidence is still read:
    # as a link, which a scheme asking for a screenshot too does not credit
    got = cell(townships(hearing={"awarded": 2, "evidence": "https://x/h"}), "hearing", TOWN)
    assert got.status == "not_credited"
    entry = next(e for e in got.entries if e.rule == "evidence_kinds")
    assert entry.inputs is not None
    assert (entry.inputs["present"], entry.inputs["missing"]) == (["link"], ["screenshot"])


def test_gongzuoyaoqiu3_evidence_sent_after_20_january_is_not_credited():
    late = typed("h", submitted="2021-01-21")
    got = cell(townships(hearing={"awarded": 2, "evidence": late}), "hearing", TOWN)
    assert (got.score, got.status) == (D(0), "not_credited")
    rule, cite = failed(got)
    assert rule == "evidence_deadline"
    assert cite is not None and cite.startswith("请各考评对象于2021年1月20日前")


def test_gongzuoyaoqiu3_evidence_sent_on_20_january_is_in_time():
    on_the_day = typed("h", submitted="2021年1月20日")
    got = cell(townships(hearing={"awarded": 2, "evidence": on_the_day}), "hearing", TOWN)
    assert (got.score, got.status) == (D(2), "scored")


def test_gongzuoyaoqiu3_a_late_piece_is_set_aside_and_the_rest_counts():
    pieces = [typed("h"), {"ref": "old.png", "kind": "screenshot", "submitted": "2021-02-01"}]
    got = cell(townships(hearing={"awarded": 2, "evidence": pieces}), "hearing", TOWN)
    assert (got.score, got.status) == (D(2), "scored")
    entry = next(e for e in got.entries if e.kind == "evidence")
    assert entry.inputs is not None and entry.inputs["late"] == ["old.png (screenshot)"]


def test_fuzhu4_news_is_not_credited_and_the_audit_cites_fuzhu4():
    news = [{"ref": "https://x/news/1", "kind": "news"}]
    got = cell(townships(hearing={"awarded": 2, "evidence": news}), "hearing", TOWN)
    assert got.status == "not_credited"
    assert failed(got) == ("evidence_rejected", "4.新闻动态类不作为政府信息,不得分。")


def test_fuzhu1_no_evidence_at_all_cites_fuzhu1():
    got = cell(townships(hearing={"awarded": 2}), "hearing", TOWN)
    assert failed(got) == ("evidence_required", "附注:1.未按要求提供佐证材料的,不予认定。")


def test_beizhu_appeals_certificate_stands_in_for_link_and_screenshot():
    # “未有行政复议的在县司法局开具证明”
    certificate = {"certificate": "县司法局证明.pdf", "submitted": ON_TIME}
    facts = {"overturned_reviews": 0, "lost_lawsuits": 0, "evidence": certificate}
    got = cell(departments(appeals=facts), "appeals")
    assert (got.score, got.status) == (D(2), "scored")


# ---------------------------------------------------------------- 备注 “做出说明”


def test_beizhu_na_without_statement_not_credited():
    got = cell(departments(inspection_list="n/a"), "inspection_list")
    assert (got.score, got.status) == (D(0), "not_credited")
    assert failed(got) == ("statement_required", "未有行政执法权的做出说明")


def test_beizhu_na_with_statement_gets_the_average():
    got = cell(departments(inspection_list={"na": "本局无行政执法权"}), "inspection_list")
    assert (got.score, got.status) == (D(1), "na")  # 县财政局's 1, the one assessed
    assert any(e.note == "statement: 本局无行政执法权" for e in got.entries)


def test_beizhu_a_statement_file_with_not_applicable_is_a_statement():
    declared = {"not_applicable": True, "evidence": ["情况说明.pdf"]}
    got = cell(departments(key_work_progress=declared), "key_work_progress")
    assert (got.score, got.status) == (D(2), "na")


def test_beizhu_na_needs_no_statement_where_the_table_asks_none():
    # 附注3 alone: a bare "n/a" on a row without a “做出说明” remark still gets the average
    got = cell(departments(hearing="n/a"), "hearing")
    assert got.status == "na"


# ---------------------------------------------------------------- empty lists of records


def test_empty_letters_list_without_statement_is_not_full_points():
    # the example: `letters: []` used to score the full 3, more than the average
    # a unit that wrote the statement gets
    facts = {"letters": [], "evidence": typed("p")}
    got = cell(departments(proposal_replies=facts), "proposal_replies")
    assert (got.score, got.status) == (D(0), "not_credited")
    assert failed(got) == ("statement_required", "未有建议提案的做出说明")
    empty = next(e for e in got.entries if e.kind == "empty")
    assert (empty.rule, empty.cite) == ("no_records", "未有建议提案的做出说明")


def test_empty_letters_list_with_statement_gets_the_average():
    facts = {"letters": [], "statement": "本局2020年未承办建议提案"}
    got = cell(departments(proposal_replies=facts), "proposal_replies")
    assert (got.score, got.status) == (D(3), "na")  # 县财政局's full 3


def test_empty_decisions_list_means_not_applicable():
    facts = {"decisions": [], "statement": "本局无行政执法权"}
    assert cell(departments(permits_penalties=facts), "permits_penalties").status == "na"


RECORDS = """
ruleset t {
  title "t"
  policy { not_applicable average }
  item r "复函" 2 {
    no letters means MEANING cite "未有建议提案的做出说明"
    rate letters: published within 10 workdays of signed
  }
}
"""
HALF_ON_TIME = {  # one letter published in time, one late: 2 × 1/2 = 1
    "letters": [
        {"signed": "2020-05-06", "published": "2020-05-08"},
        {"signed": "2020-05-06", "published": "2020-06-30"},
    ]
}


@pytest.mark.parametrize(
    ("meaning", "expected", "status"),
    [("full", D(2), "scored"), ("zero", D(0), "scored"), ("not_applicable", D(1), "na")],
)
def test_empty_list_means_what_the_rule_says(meaning, expected, status):
    units = [
        {"id": "empty", "facts": {"r": {"letters": []}}},
        {"id": "half", "facts": {"r": HALF_ON_TIME}},
    ]
    got = score(RECORDS.replace("MEANING", meaning), units).unit("empty").node("r")
    assert (got.score, got.status) == (expected, status)  # N/A: the average, half's 1
    assert any(e.cite == "未有建议提案的做出说明" for e in got.entries)


def test_an_empty_list_with_no_meaning_declared_is_still_full():
    text = RECORDS.replace('    no letters means MEANING cite "未有建议提案的做出说明"\n', "")
    r = score(text, [{"id": "u", "facts": {"r": {"letters": []}}}])
    assert r.unit("u").total == D(2)


# ---------------------------------------------------------------- facts and outputs


def test_typed_evidence_with_a_bad_date_names_the_unit_and_fact():
    bad = {"link": "https://x", "screenshot": "x.png", "submitted": "01/20/2021"}
    doc = {"units": [{"id": "新庄镇", "facts": {"hearing": {"awarded": 2, "evidence": bad}}}]}
    with pytest.raises(dr.FactsError) as err:
        TOWNSHIPS.evaluate(doc)
    [diagnostic] = err.value.diagnostics
    assert (diagnostic.code, diagnostic.unit) == ("DR310", "新庄镇")
    assert diagnostic.fact == "hearing.evidence.submitted"


def test_a_statement_must_be_text():
    doc = {"units": [{"id": "u", "tags": [], "facts": {"inspection_list": {"na": 3}}}]}
    with pytest.raises(dr.FactsError) as err:
        DEPARTMENTS.evaluate(doc)
    [diagnostic] = err.value.diagnostics
    assert (diagnostic.code, diagnostic.fact) == ("DR305", "inspection_list.statement")


def test_describe_lists_the_evidence_and_statement_requirements():
    nodes = {n["id"]: n for n in DEPARTMENTS.graph.to_dict()["nodes"]}
    assert nodes["hearing"]["evidence"] == {
        "required": True,
        "rejected_kinds": ["news"],
        "requires": [["link", "screenshot"]],
        "submitted_by": "2021-01-20",
    }
    assert nodes["appeals"]["evidence"]["requires"] == [["link", "screenshot"], ["certificate"]]
    replies = nodes["proposal_replies"]
    assert replies["not_applicable"]["requires_statement"] is True
    assert replies["empty_records"][0]["means"] == "not_applicable"


def test_the_command_says_which_requirement_failed(tmp_path):
    facts = {**full_marks(TOWNSHIPS, ["township"]), "process": 100}
    facts["hearing"] = {"awarded": 2, "evidence": "https://x/h"}
    path = tmp_path / "f.json"
    doc = {"units": [{"id": "新庄镇", "tags": ["township"], "facts": facts}]}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    command = [sys.executable, "-m", "disclosure_rules", "explain", "yifeng-2020-townships"]
    out = subprocess.run(
        [*command, str(path), "--unit", "新庄镇"], capture_output=True, text=True, check=True
    ).stdout
    assert "not credited: no screenshot: the evidence requires link and screenshot" in out
    assert "「佐证材料需提供网址链接和截图」" in out


def test_facts_made_by_hand_without_a_shape_are_still_judged() -> None:
    """The engine keeps the evidence shapes it has accepted whole; facts built without
    the loader carry no shape and are judged by their own pieces' shape, never taken for
    another's."""
    from decimal import Decimal

    from disclosure_rules.facts import Cohort, Evidence, NodeFacts, Unit

    ruleset = dr.compile(
        """
ruleset t {
  title "t"
  policy { evidence optional  reject evidence news  evidence submitted by 2021-01-20 }
  item a "a" 2
}
""",
        file="t.dr",
    )
    plain = NodeFacts({"awarded": Decimal(2)})  # no evidence, none required: accepted whole
    piece = (Evidence("https://n", "news"),)
    news = NodeFacts({"awarded": Decimal(2)}, piece, kinds=frozenset({"news"}))
    units = (Unit("u1", frozenset(), {"a": plain}), Unit("u2", frozenset(), {"a": news}))
    results = ruleset.evaluate(Cohort(units, "<hand>", "h"))
    (node,) = [n for n in results.unit("u2").to_dict()["audit"] if n["node"] == "a"]
    rejected = [e.get("inputs", {}).get("rejected") for e in node["entries"]]
    assert ["https://n (news)"] in rejected
