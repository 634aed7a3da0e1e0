"""The compact audit layout (results schema 4): the full one's content, written once per file.

Expanded with the facts it was scored from, a compact file is exactly the full document
of the same run; without them, exactly that but for the references of the evidence
accepted, which it leaves to the facts file. Totals, ranks and grades are the same in
every layout; every reader of results reads schemas 3 and 4 alike.
"""

from __future__ import annotations

import functools
import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from installed import EXAMPLES, run

import disclosure_rules as dr
from disclosure_rules.catalog import shipped_text
from disclosure_rules.decimals import text as exact
from disclosure_rules.evaluation.compact import CompactError, expand, with_references
from disclosure_rules.facts import Cohort, load_facts

SHIPPED = sorted(p.name.removesuffix(".facts.json") for p in EXAMPLES.glob("*.facts.json"))
TESTS = Path(__file__).parent
SCHEMA_3 = sorted((TESTS / "fixtures" / "results").glob("*.schema-3.json.gz"))
TOWNSHIPS = "yifeng-2020-townships"


@functools.cache
def _results(rid: str) -> dr.Results:
    return dr.load(rid).evaluate(EXAMPLES / f"{rid}.facts.json")


@functools.cache
def _cohort(rid: str) -> Cohort:
    return load_facts(EXAMPLES / f"{rid}.facts.json", dr.load(rid).graph)


def _compact(rid: str) -> dict[str, Any]:
    return json.loads(_results(rid).to_json(audit="compact"))  # type: ignore[no-any-return]


def _full_text(doc: dict[str, Any]) -> str:
    """A schema 2 document as ``score --format json --audit full`` writes it."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _accepted_entries(full: dict[str, Any]) -> list[dict[str, Any]]:
    """Every entry of evidence accepted whole (the ledger derives them from the facts;
    an entry the kernel wrote, a statement's say, keeps its references)."""
    return [
        entry
        for unit in full["units"]
        for node in unit.get("audit", [])
        for entry in node["entries"]
        if entry["kind"] == "evidence" and list(entry) == ["kind", "delta", "inputs"]
    ]


@pytest.mark.parametrize("rid", SHIPPED)
def test_expanding_the_compact_layout_with_its_facts_gives_the_full_document(rid: str) -> None:
    results = _results(rid)
    compact = _compact(rid)
    assert compact["schema"] == "4" and results.to_dict()["schema"] == "2"
    assert expand(compact, _cohort(rid)) == results.to_dict()
    assert _full_text(expand(compact, _cohort(rid))) == results.to_json(audit="full")


@pytest.mark.parametrize("path", SCHEMA_3, ids=lambda p: p.name.removesuffix(".schema-3.json.gz"))
def test_a_schema_3_file_still_expands_to_the_full_document(path: Path) -> None:
    # the compact goldens as the previous version wrote them, beside the full goldens
    rid = path.name.removesuffix(".schema-3.json.gz")
    old = json.loads(gzip.decompress(path.read_bytes()))
    full = gzip.decompress((TESTS / "golden" / f"{rid}.score.json.gz").read_bytes())
    assert old["schema"] == "3"
    assert _full_text(expand(old)) == full.decode("utf-8")


@pytest.mark.parametrize("rid", SHIPPED)
def test_without_its_facts_each_accepted_piece_shows_a_null_ref(rid: str) -> None:
    expected = _results(rid).to_dict()
    for entry in _accepted_entries(expected):
        entry["inputs"]["accepted"] = [
            {
                "ref": None,
                **({} if isinstance(p, str) else {k: v for k, v in p.items() if k != "ref"}),
            }
            for p in entry["inputs"]["accepted"]
        ]
    assert expand(_compact(rid)) == expected


def test_accepted_evidence_is_written_as_kind_and_day_without_its_reference() -> None:
    compact = _compact(TOWNSHIPS)
    unit = compact["units"][0]
    assert unit["audit"]["hearing"][0] == [
        "evidence",
        "0",
        None,
        {"accepted": [["link", "2021-01-18"], ["screenshot", "2021-01-18"]]},
    ]
    given = _cohort(TOWNSHIPS).unit(unit["id"]).facts["hearing"].evidence
    assert [e.ref for e in given] == [
        "https://example.gov.cn/gk/hearing/7769",
        "screenshot/hearing.png",
    ]
    assert given[0].ref not in json.dumps(compact)  # only pieces set aside keep theirs
    assert compact["evidence_refs"] == "facts"
    assert compact["facts"]["hash"] == _cohort(TOWNSHIPS).hash


def test_a_piece_without_kind_or_day_is_written_as_two_nulls() -> None:
    ruleset = dr.compile('ruleset r { title "t" item a "甲" 2 { evidence required } }\n')
    facts = {"units": [{"id": "u", "facts": {"a": {"awarded": 1, "evidence": ["scan.pdf"]}}}]}
    results = ruleset.evaluate(facts)
    compact = json.loads(results.to_json(audit="compact"))
    assert compact["units"][0]["audit"]["a"][0] == [
        "evidence",
        "0",
        None,
        {"accepted": [[None, None]]},
    ]
    cohort = load_facts(facts, ruleset.graph)
    assert expand(compact, cohort) == results.to_dict()
    (entry,) = _accepted_entries(expand(compact))
    assert entry["inputs"] == {"accepted": [{"ref": None}]}


def test_scores_are_written_in_the_order_of_the_nodes() -> None:
    compact = _compact(TOWNSHIPS)
    unit, result = compact["units"][0], _results(TOWNSHIPS).units[0]
    ids = [n["id"] for n in compact["nodes"]]
    assert len(unit["scores"]) == len(ids) == len(set(ids))
    assert unit["scores"] == [exact(result.score(i)) for i in ids]


def test_facts_of_another_cohort_are_refused() -> None:
    with pytest.raises(CompactError, match="are not the facts the results were scored from"):
        expand(_compact(TOWNSHIPS), _cohort("yifeng-2020-townships-local-example"))


def test_facts_that_do_not_hold_the_recorded_evidence_are_refused() -> None:
    compact = _compact(TOWNSHIPS)
    compact["units"][0]["audit"]["hearing"][0][3]["accepted"][0][0] = "news"
    with pytest.raises(CompactError, match="unit '新昌镇': node hearing: the facts' evidence"):
        expand(compact, _cohort(TOWNSHIPS))
    assert with_references(expand(_compact(TOWNSHIPS)), _cohort(TOWNSHIPS)) == (
        _results(TOWNSHIPS).to_dict()
    )


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
    shipped = shipped_text(TOWNSHIPS)
    assert shipped is not None
    file, text = shipped[0], shipped[1].decode("utf-8")
    facts = EXAMPLES / f"{TOWNSHIPS}.facts.json"
    moved = "# a comment line above everything\n\n\n" + text  # every line number moves
    before = json.loads(dr.compile(text, file=file).evaluate(facts).to_json(audit="compact"))
    after = json.loads(dr.compile(moved, file=file).evaluate(facts).to_json(audit="compact"))
    assert before["rules"].keys() == after["rules"].keys()
    assert before["units"] == after["units"]
    assert "appeals.deduct.deduct_per.lost_lawsuits" in before["rules"]  # a declared name


def _score(folder: Path, *options: str) -> Path:
    out = folder / ("full.json" if "full" in options else "compact.json")
    facts = str(folder / "ex.json")
    args = ("score", TOWNSHIPS, facts, "--format", "json", *options, "-o", str(out))
    assert run(*args, cwd=folder).returncode == 0
    return out


@pytest.fixture
def scored(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLES / f"{TOWNSHIPS}.facts.json", tmp_path / "ex.json")
    return tmp_path


def test_the_compact_file_is_smaller_and_reads_as_the_full_one(scored: Path) -> None:
    compact, full = _score(scored), _score(scored, "--audit", "full")
    assert compact.stat().st_size * 7 < full.stat().st_size
    unit = json.loads(full.read_text(encoding="utf-8"))["units"][3]["id"]
    shown = [  # explain --results verifies the file first
        run("explain", "--results", str(name), "--unit", unit, *facts, cwd=scored).stdout
        for name, facts in ((compact, ["--facts", "ex.json"]), (full, []))
    ]
    assert shown[0] == shown[1] and unit in shown[0] and "https://example.gov.cn/gk/" in shown[0]


def test_explain_without_the_facts_shows_kinds_and_days_and_where_the_references_are(
    scored: Path,
) -> None:
    result = run("explain", "--results", str(_score(scored)), "--unit", "新昌镇", cwd=scored)
    assert result.returncode == 0, result.stderr
    assert "+0  evidence  accepted=[{kind: link, submitted: 2021-01-18}, {kind: " in result.stdout
    assert "https://example.gov.cn/gk/" not in result.stdout
    assert result.stdout.endswith(
        "the references of the evidence accepted are in the facts file, not in the results: "
        "explain --results FILE --facts FACTS shows them\n"
    )


def test_explain_with_facts_of_another_cohort_is_refused(scored: Path) -> None:
    compact = _score(scored)
    facts = json.loads((scored / "ex.json").read_text(encoding="utf-8"))
    facts["description"] = "edited"
    (scored / "other.json").write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    args = ("explain", "--results", str(compact), "--unit", "新昌镇", "--facts", "other.json")
    result = run(*args, cwd=scored)
    assert result.returncode == 1 and result.stdout == ""
    assert "compact.json: error: DR708 the facts hash sha256:" in result.stderr
    assert "is not the hash of other.json" in result.stderr


def test_explain_with_facts_that_do_not_hold_the_recorded_evidence_is_refused(
    scored: Path,
) -> None:
    compact = _score(scored)
    doc = json.loads(compact.read_text(encoding="utf-8"))
    doc["units"][0]["audit"]["hearing"][0][3]["accepted"][0] = ["news", "2021-01-18"]
    compact.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    args = ("explain", "--results", str(compact), "--unit", "新昌镇", "--facts", "ex.json")
    result = run(*args, cwd=scored)
    assert result.returncode == 1
    assert (
        "error: DR740 ex.json does not hold the evidence the results record: unit '新昌镇': "
        "node hearing: the facts' evidence is not the evidence the results record"
    ) in result.stderr
    verified = run("verify", str(compact), "--facts", "ex.json", cwd=scored)
    assert verified.returncode == 1 and "DR740 ex.json does not hold" in verified.stderr


def test_explain_with_facts_needs_the_ruleset_to_read_them(tmp_path: Path) -> None:
    (tmp_path / "r.dr").write_text('ruleset r { title "t" item a "甲" 2 }\n', encoding="utf-8")
    facts = {"units": [{"id": "u", "facts": {"a": {"awarded": 1}}}]}
    (tmp_path / "ex.json").write_text(json.dumps(facts), encoding="utf-8")
    args = ("score", "r.dr", "ex.json", "--format", "json", "-o", "out.json")
    assert run(*args, cwd=tmp_path).returncode == 0
    args = ("explain", "--results", "out.json", "--unit", "u", "--facts", "ex.json")
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 1
    assert (
        "out.json: error: DR741 the facts cannot be read without the ruleset the results were "
        "scored with, and 'r' of hash sha256:"
    ) in result.stderr
    assert "hint: explain RULESET FACTS --unit ID re-scores them" in result.stderr


def test_facts_go_with_results_in_explain(scored: Path) -> None:
    args = ("explain", TOWNSHIPS, "ex.json", "--unit", "新昌镇", "--facts", "ex.json")
    result = run(*args, cwd=scored)
    assert result.returncode == 2 and "--facts goes with --results FILE" in result.stderr


def test_verify_with_the_facts_re_scores_a_compact_file_references_and_all(scored: Path) -> None:
    result = run("verify", str(_score(scored)), "--facts", "ex.json", cwd=scored)
    assert result.returncode == 0, result.stderr
    assert "the facts hash, a re-scoring" in result.stdout


def test_a_damaged_compact_file_is_refused_naming_what_is_wrong(tmp_path: Path) -> None:
    doc = _compact(TOWNSHIPS)
    doc["rules"].pop("appeals.base.full")
    name = tmp_path / "damaged.json"
    name.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = run("verify", str(name), cwd=tmp_path)
    assert result.returncode == 1
    assert "DR701 not a readable compact results file (schema 4)" in result.stderr
    assert "rule appeals.base.full is not in the rules" in result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda u: u["scores"].pop(), "scores is not a list of one score per node"),
        (lambda u: u.update(scores={"x": "1"}), "scores is not a list of one score per node"),
        (
            lambda u: u["audit"]["hearing"][0][3]["accepted"].append(["link"]),
            "node hearing: a piece of evidence is not [kind, day]",
        ),
    ],
    ids=["scores-short", "scores-object", "piece-short"],
)
def test_a_malformed_schema_4_unit_names_what_is_wrong(change: Any, message: str) -> None:
    doc = _compact(TOWNSHIPS)
    change(doc["units"][0])
    with pytest.raises(CompactError, match=message.replace("[", r"\[").replace("]", r"\]")):
        expand(doc)


def test_reconcile_says_which_layout_it_reads() -> None:
    compact = _compact("changzhou-2020")
    (problem,) = dr.reconcile(compact["units"][0])
    assert "compact layout (results schema 3 or 4)" in problem and "expand()" in problem
    assert all(dr.reconcile(u) == [] for u in expand(compact)["units"])


def test_facts_for_another_ruleset_are_named_by_their_hash_not_unit_by_unit(
    scored: Path,
) -> None:
    """The facts file's hash is compared before its units are read with the ruleset:
    another scheme's facts give one DR708, not a DR302 for every item it does not know."""
    compact = _score(scored)
    other = EXAMPLES / "yifeng-2020-departments.facts.json"
    for command in (
        ("explain", "--results", str(compact), "--unit", "新昌镇", "--facts", str(other)),
        ("verify", str(compact), "--facts", str(other)),
    ):
        result = run(*command, cwd=scored)
        assert result.returncode == 1
        assert "DR708 the facts hash sha256:" in result.stderr, result.stderr
        assert "DR302" not in result.stderr


def test_verify_says_it_did_not_check_references_it_was_not_given(scored: Path) -> None:
    compact = _score(scored)
    alone = run("verify", str(compact), cwd=scored)
    assert alone.returncode == 0, alone.stderr
    left = "not checked: the evidence references, which the results leave to the facts file"
    assert left in alone.stdout
    with_facts = run("verify", str(compact), "--facts", "ex.json", cwd=scored)
    assert with_facts.returncode == 0 and "evidence references" not in with_facts.stdout
    full = scored / "full.json"
    args = ("score", "yifeng-2020-townships", "ex.json", "--format", "json", "--audit", "full")
    assert run(*args, "-o", str(full), cwd=scored).returncode == 0
    assert "evidence references" not in run("verify", str(full), cwd=scored).stdout
