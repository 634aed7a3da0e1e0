"""Rule ids: every rule is named by what it is, never by where it stands.

An id survives reformatting, comments, edits above and (with declared names) the
reordering of a node's rules; audit entries carry it, so two versions of a ruleset
can be compared rule by rule.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import score
from installed import EXAMPLES, run

import disclosure_rules as dr
from disclosure_rules.catalog import shipped_paths, shipped_text
from disclosure_rules.model.ids import entry_rule_id

SHIPPED = sorted(p.name.removesuffix(".facts.json") for p in EXAMPLES.glob("*.facts.json"))

APPEALS = """ruleset ids {
  title "ids"
  item appeals "行政复议、行政诉讼" 4 {
    deduct 1 per overturned_reviews as overturned
    deduct 2 per lost_lawsuits as lost
  }
}
"""

BOTH = {"id": "u", "facts": {"appeals": {"overturned_reviews": 1, "lost_lawsuits": 1}}}


def _text(rid: str) -> tuple[str, str]:
    shipped = shipped_text(rid)
    assert shipped is not None
    return shipped[0], shipped[1].decode("utf-8")


@pytest.mark.parametrize("rid", sorted(shipped_paths()))
def test_every_rule_of_a_shipped_ruleset_has_an_id_of_its_own(rid: str) -> None:
    graph = dr.load(rid).graph
    ids = [c.id for n in graph.nodes if n.scoring == "item" for c in (*n.clauses, n.base)]
    declared = [c.id for n in graph.nodes for c in n.clauses]
    assert all(ids)
    assert len(declared) == len(set(declared))
    assert all(i.startswith(f"{n.id}.") for n in graph.nodes for i in (c.id for c in n.clauses))


def test_an_id_is_the_node_the_entry_kind_and_the_rule() -> None:
    graph = dr.compile(APPEALS).graph
    appeals = graph.node("appeals")
    assert [c.id for c in appeals.clauses] == [
        "appeals.deduct.deduct_per.overturned",
        "appeals.deduct.deduct_per.lost",
    ]
    assert appeals.base.id == "appeals.base.full"  # the default base
    lone = dr.compile('ruleset t { title "t" item a "A" 2 { zero when x } }').graph.node("a")
    assert [c.id for c in lone.clauses] == ["a.zero.zero_when"]


def test_reordering_named_rules_keeps_each_rule_its_id() -> None:
    first = "    deduct 1 per overturned_reviews as overturned\n"
    second = "    deduct 2 per lost_lawsuits as lost\n"
    swapped = APPEALS.replace(first + second, second + first)
    assert swapped != APPEALS

    def amounts(text: str) -> dict[str, str]:
        node = dr.compile(text).graph.node("appeals")
        return {c.id: c.to_dict()["amount"] for c in node.clauses}

    assert amounts(APPEALS) == amounts(swapped)


def test_ids_survive_comments_and_edits_above_the_rule() -> None:
    file, text = _text("yifeng-2020-townships")
    moved = "# a comment line above everything\n\n" + text.replace("{", "{  # note", 1)
    before = dr.compile(text, file=file).graph
    after = dr.compile(moved, file=file).graph
    assert [c.id for n in before.nodes for c in n.clauses] == [
        c.id for n in after.nodes for c in n.clauses
    ]


def test_two_rules_of_one_name_without_declared_names_are_warned_about() -> None:
    text = APPEALS.replace(" as overturned", "").replace(" as lost", "")
    found = [d for d in dr.check_text(text, file="ids.dr") if d.code == "DR171"]
    assert [d.span.line for d in found if d.span] == [4, 5]
    assert "'appeals.deduct.deduct_per.1'" in found[0].message
    assert "reordering" in found[0].message
    assert "as " in (found[0].hint or "")
    node = dr.compile(text).graph.node("appeals")
    assert [c.id for c in node.clauses] == [
        "appeals.deduct.deduct_per.1",
        "appeals.deduct.deduct_per.2",
    ]


def test_two_rules_declared_with_one_name_are_an_error() -> None:
    text = APPEALS.replace(" as lost", " as overturned")
    found = [d for d in dr.check_text(text, file="ids.dr") if d.code == "DR170"]
    assert len(found) == 1
    assert found[0].span is not None and found[0].span.line == 5
    assert "'appeals.deduct.deduct_per.overturned' is declared twice" in found[0].message
    assert "first on line 4" in found[0].message
    with pytest.raises(dr.CheckError):
        dr.compile(text)


def test_fmt_keeps_a_declared_name() -> None:
    from disclosure_rules.language.formatter import format_text

    formatted = format_text(APPEALS.replace("    deduct 1", "deduct   1"))
    assert "deduct 1 per overturned_reviews as overturned\n" in formatted


def test_full_audit_entries_carry_the_id_of_their_rule() -> None:
    results = score(APPEALS, [BOTH])
    unit = results.to_dict()["units"][0]
    entries = next(n for n in unit["audit"] if n["node"] == "appeals")["entries"]
    assert [(e["kind"], e.get("id")) for e in entries] == [
        ("base", "appeals.base.full"),
        ("deduct", "appeals.deduct.deduct_per.overturned"),
        ("deduct", "appeals.deduct.deduct_per.lost"),
    ]


def test_entry_rule_id_names_the_rule_of_a_ledger_entry() -> None:
    results = score(APPEALS, [BOTH])
    graph = results.graph
    index = graph.by_id["appeals"]
    entries = results.unit("u").node("appeals").entries
    assert [entry_rule_id(graph, index, e) for e in entries] == [
        "appeals.base.full",
        "appeals.deduct.deduct_per.overturned",
        "appeals.deduct.deduct_per.lost",
    ]


def test_explain_shows_each_entry_s_rule_id(tmp_path: Path) -> None:
    facts = EXAMPLES / "yifeng-2020-townships.facts.json"
    first = json.loads(facts.read_text(encoding="utf-8"))["units"][0]["id"]
    args = ("explain", "yifeng-2020-townships", str(facts), "--unit", first)
    out = run(*args, cwd=tmp_path).stdout
    assert "id appeals.deduct.deduct_per.lost_lawsuits)" in out
    assert "id hearing.base.awarded)" in out


@pytest.mark.parametrize("rid", SHIPPED)
def test_describe_gives_every_rule_its_id(rid: str) -> None:
    doc = dr.load(rid).describe()
    rules = [r for n in doc["nodes"] if n["scoring"] == "item" for r in n["rules"]]
    assert rules and all(r["id"].count(".") >= 2 for r in rules)


VETOES = """ruleset t {
  title "t"

  item a "甲" 100

  grades {
    优秀 >= 90
    合格 >= 60
    else 不合格
  }

  veto leak "发生泄密事件" when incidents > 0 then grade 不合格 score 59
  veto late "逾期" when days > 30 then grade 合格
}
"""


def test_a_veto_s_entry_is_named_after_the_veto() -> None:
    facts = {"a": 95, "leak": {"incidents": 1}, "late": {"days": 40}}
    results = score(VETOES, [{"id": "u", "facts": facts}])
    graph = results.graph
    entries = results.unit("u").node("t").entries
    vetoes = [entry_rule_id(graph, 0, e) for e in entries if e.kind == "veto"]
    assert vetoes == ["t.veto.leak", "t.veto.late"]
    compact = json.loads(results.to_json(audit="compact"))
    assert list(compact["rules"]) == ["t.veto.leak", "t.veto.late", "a.base.awarded"]
