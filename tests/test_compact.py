"""The compact audit layout (results schema 3): the full one's content, written once per file.

Expanded, a compact file is exactly the full document of the same run; totals, ranks
and grades are the same in every layout; every reader of results reads both.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from installed import EXAMPLES, run

import disclosure_rules as dr
from disclosure_rules.catalog import shipped_text
from disclosure_rules.decimals import text as exact
from disclosure_rules.evaluation.compact import expand

SHIPPED = sorted(p.name.removesuffix(".facts.json") for p in EXAMPLES.glob("*.facts.json"))


@functools.cache
def _results(rid: str) -> dr.Results:
    return dr.load(rid).evaluate(EXAMPLES / f"{rid}.facts.json")


@pytest.mark.parametrize("rid", SHIPPED)
def test_expanding_the_compact_layout_gives_the_full_document(rid: str) -> None:
    results = _results(rid)
    compact = json.loads(results.to_json(audit="compact"))
    assert compact["schema"] == "3" and results.to_dict()["schema"] == "2"
    assert expand(compact) == results.to_dict()


@pytest.mark.parametrize("rid", SHIPPED)
def test_totals_ranks_and_grades_are_the_same_in_every_layout(rid: str) -> None:
    results = _results(rid)
    expected = [(u.id, exact(u.total), u.rank, u.grade) for u in results]
    lean = dr.load(rid).evaluate(EXAMPLES / f"{rid}.facts.json", detail=False)
    for doc in (
        json.loads(results.to_json(audit="full")),
        json.loads(results.to_json(audit="compact")),
        json.loads(lean.to_json(audit="compact")),
    ):
        shown = [(u["id"], u["total_exact"], u["rank"], u["grade"]) for u in doc["units"]]
        assert shown == expected


def test_rule_ids_do_not_change_when_the_ruleset_is_reformatted() -> None:
    shipped = shipped_text("yifeng-2020-townships")
    assert shipped is not None
    file, text = shipped[0], shipped[1].decode("utf-8")
    facts = EXAMPLES / "yifeng-2020-townships.facts.json"
    moved = "# a comment line above everything\n\n\n" + text  # every line number moves
    before = json.loads(dr.compile(text, file=file).evaluate(facts).to_json(audit="compact"))
    after = json.loads(dr.compile(moved, file=file).evaluate(facts).to_json(audit="compact"))
    assert before["rules"].keys() == after["rules"].keys()
    assert before["units"] == after["units"]
    assert "appeals.deduct.deduct_per.lost_lawsuits" in before["rules"]  # a declared name


def test_the_compact_file_is_smaller_and_reads_as_the_full_one(tmp_path: Path) -> None:
    facts = str(EXAMPLES / "yifeng-2020-townships.facts.json")
    compact, full = tmp_path / "compact.json", tmp_path / "full.json"
    run(
        "score",
        "yifeng-2020-townships",
        facts,
        "--format",
        "json",
        "-o",
        str(compact),
        cwd=tmp_path,
    )
    run(
        "score", "yifeng-2020-townships", facts, "--format", "json", "--audit", "full",
        "-o", str(full), cwd=tmp_path,
    )  # fmt: skip
    assert compact.stat().st_size * 5 < full.stat().st_size
    unit = json.loads(full.read_text(encoding="utf-8"))["units"][3]["id"]
    shown = [  # explain --results verifies the file first
        run("explain", "--results", str(name), "--unit", unit, cwd=tmp_path).stdout
        for name in (compact, full)
    ]
    assert shown[0] == shown[1] and unit in shown[0]


def test_a_damaged_compact_file_is_refused_naming_what_is_wrong(tmp_path: Path) -> None:
    doc = json.loads(_results("yifeng-2020-townships").to_json(audit="compact"))
    doc["rules"].pop("appeals.base.full")
    name = tmp_path / "damaged.json"
    name.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = run("verify", str(name), cwd=tmp_path)
    assert result.returncode == 1
    assert "DR701 not a readable compact results file (schema 3)" in result.stderr
    assert "rule appeals.base.full is not in the rules" in result.stderr


def test_reconcile_says_which_layout_it_reads() -> None:
    compact = json.loads(_results("changzhou-2020").to_json(audit="compact"))
    (problem,) = dr.reconcile(compact["units"][0])
    assert "compact layout (results schema 3)" in problem and "expand()" in problem
    assert all(dr.reconcile(u) == [] for u in expand(compact)["units"])
