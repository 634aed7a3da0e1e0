"""``verify`` and ``explain --results`` on saved results: intact, tampered and malformed.

Through the installed command: an untouched results file verifies (exit 0); an edited
total, rank, grade, hash or audit entry does not (exit 1, naming what differs); a
malformed file is a diagnostic, never a traceback; ``explain --results`` refuses a
file that does not verify unless asked to show it, marked.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from installed import EXAMPLES, run

import disclosure_rules as dr
from disclosure_rules.cli import main
from disclosure_rules.language.formatter import format_text

TOWNSHIPS = "yifeng-2020-townships"
DISTRICTS = "shanghai-2020-districts"  # graded: 優秀 / 良好 / 合格 / 不合格
Doc = dict[str, Any]


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Doc]:
    """The two examples' results as `score --format json` writes them."""
    out = {}
    for rid in (TOWNSHIPS, DISTRICTS):
        results = dr.load(rid).evaluate(EXAMPLES / f"{rid}.facts.json")
        out[rid] = json.loads(results.to_json())
    return out


def write(folder: Path, doc: Any, name: str = "results.json") -> str:
    text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False, indent=2)
    (folder / name).write_text(text, encoding="utf-8")
    return name


def edited(doc: Doc, change: Callable[[Doc], object]) -> Doc:
    copy: Doc = json.loads(json.dumps(doc))
    change(copy)
    return copy


# ---------------------------------------------------------------- intact


@pytest.mark.parametrize("rid", [TOWNSHIPS, DISTRICTS])
def test_an_untouched_results_file_verifies(tmp_path: Path, saved: dict[str, Doc], rid: str):
    result = run("verify", write(tmp_path, saved[rid]), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("results.json: intact\n")
    assert f"ranks, grades and conversions (with the shipped {rid})" in result.stdout


def _as_schema_1(doc: Doc) -> None:
    """A results file as schema 1 wrote it: presented numbers as JSON numbers."""

    def number(text: str) -> int | float:
        return int(text) if "." not in text else float(text)

    doc["schema"] = "1"
    for unit in doc["units"]:
        unit["total"], unit["max"] = number(unit["total"]), number(unit["max"])
        for node in unit["nodes"].values():
            node["score"], node["max"] = number(node["score"]), number(node["max"])
        for conv in unit.get("conversions", {}).values():
            conv["points"], conv["value"] = number(conv["points"]), number(conv["value"])


def test_a_schema_1_results_file_still_verifies(tmp_path: Path, saved: dict[str, Doc]):
    result = run("verify", write(tmp_path, edited(saved[DISTRICTS], _as_schema_1)), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("results.json: intact\n")


def test_with_its_ruleset_and_facts_it_is_re_scored(tmp_path: Path, saved: dict[str, Doc]):
    shutil.copy(EXAMPLES / f"{TOWNSHIPS}.facts.json", tmp_path / "ex.json")
    name = write(tmp_path, saved[TOWNSHIPS])
    result = run("verify", name, "--facts", "ex.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "the facts hash, a re-scoring" in result.stdout


def test_lean_results_verify_and_say_what_was_not_checked(tmp_path: Path):
    lean = dr.load(TOWNSHIPS).evaluate(EXAMPLES / f"{TOWNSHIPS}.facts.json", detail=False)
    result = run("verify", write(tmp_path, lean.to_json()), cwd=tmp_path)
    assert result.returncode == 0
    assert "not checked: unit '新昌镇' has no audit (scored with --no-detail)" in result.stdout


def test_results_of_a_ruleset_not_shipped_verify_their_audits_and_say_what_is_missing(
    tmp_path: Path,
):
    (tmp_path / "r.dr").write_text('ruleset r { title "t" item a "甲" 2 }\n', encoding="utf-8")
    doc = dr.load(tmp_path / "r.dr").evaluate(
        {"units": [{"id": "u", "facts": {"a": {"awarded": 1}}}]}
    )
    name = write(tmp_path, doc.to_json())
    result = run("verify", name, cwd=tmp_path)
    assert result.returncode == 0
    assert "ruleset 'r' is not shipped: give --ruleset FILE" in result.stdout
    result = run("verify", name, "--ruleset", "r.dr", cwd=tmp_path)
    assert result.returncode == 0 and "(with r.dr)" in result.stdout


def test_results_verify_against_their_ruleset_reformatted_and_commented(tmp_path: Path):
    written = 'ruleset r { title "t" item a "甲" 2 item b "乙" 3 { deduct 1 per x } }\n'
    (tmp_path / "r.dr").write_text(written, encoding="utf-8")
    facts = {"units": [{"id": "u", "facts": {"a": {"awarded": 1}, "b": {"x": 1}}}]}
    name = write(tmp_path, dr.load(tmp_path / "r.dr").evaluate(facts).to_json())
    edited = "# the 2020 table\n" + format_text(written).replace("{\n", "{  # a note\n", 1)
    (tmp_path / "r.dr").write_text(edited, encoding="utf-8")
    result = run("verify", name, "--ruleset", "r.dr", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (tmp_path / "r.dr").write_text(edited.replace("deduct 1", "deduct 2"), encoding="utf-8")
    result = run("verify", name, "--ruleset", "r.dr", cwd=tmp_path)
    assert result.returncode == 1 and "DR707" in result.stderr


# ---------------------------------------------------------------- tampered


def unit_named(doc: Doc, uid: str) -> Doc:
    return next(u for u in doc["units"] if u["id"] == uid)


def set_total(doc: Doc) -> None:
    unit_named(doc, "新昌镇").update(total=100, total_exact="100")


def set_rank(doc: Doc) -> None:
    unit_named(doc, "新昌镇")["rank"] = 1


def set_presented_total(doc: Doc) -> None:
    unit_named(doc, "新昌镇")["total"] = 100


def set_audit_entry(doc: Doc) -> None:
    unit_named(doc, "新昌镇")["audit"][0]["entries"][0]["delta"] = "70"


def set_ruleset_hash(doc: Doc) -> None:
    doc["ruleset"]["hash"] = "sha256:" + "0" * 64


def set_facts_hash(doc: Doc) -> None:
    doc["facts"]["hash"] = "sha256:" + "0" * 64


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (set_total, "DR703 unit '新昌镇': total 100 differs from the root's score 82.9"),
        (set_rank, "unit '新昌镇': error: DR705 rank 1, but the totals give 4"),
        (set_presented_total, "DR704 total 100 is not total_exact 82.9 rounded"),
        (
            set_audit_entry,
            "DR703 unit '新昌镇': node yifeng-2020-townships: child work contributes",
        ),
        (set_ruleset_hash, "DR707 the ruleset hash sha256:000"),
        (set_facts_hash, "differs from the results' facts hash sha256:000"),
    ],
)
def test_a_tampered_results_file_does_not_verify(
    tmp_path: Path, saved: dict[str, Doc], change: Callable[[Doc], None], message: str
):
    result = run("verify", write(tmp_path, edited(saved[TOWNSHIPS], change)), cwd=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr
    assert "results.json: does not verify" in result.stdout


def test_an_edited_grade_does_not_verify(tmp_path: Path, saved: dict[str, Doc]):
    graded = saved[DISTRICTS]["units"][0]["grade"]
    assert graded != "優秀"
    doc = edited(saved[DISTRICTS], lambda d: d["units"][0].update(grade="優秀"))
    result = run("verify", write(tmp_path, doc), cwd=tmp_path)
    uid = doc["units"][0]["id"]
    assert result.returncode == 1
    assert f"unit '{uid}': error: DR706 grade 優秀, but the totals give {graded}" in result.stderr


def test_facts_that_are_not_the_scored_ones_do_not_verify(tmp_path: Path, saved: dict[str, Doc]):
    facts = json.loads((EXAMPLES / f"{TOWNSHIPS}.facts.json").read_text(encoding="utf-8"))
    facts["units"][0]["tags"] = list(facts["units"][0].get("tags", []))
    (tmp_path / "ex.json").write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    result = run("verify", write(tmp_path, saved[TOWNSHIPS]), "--facts", "ex.json", cwd=tmp_path)
    assert result.returncode == 1
    assert "DR708 the facts hash sha256:" in result.stderr and "is not the hash of ex.json" in (
        result.stderr
    )


def test_an_edit_only_a_re_scoring_sees_is_found_by_it(tmp_path: Path, saved: dict[str, Doc]):
    def cite(doc: Doc) -> None:
        for node in unit_named(doc, "新昌镇")["audit"]:
            for entry in node["entries"]:
                if entry.get("cite"):
                    entry["cite"] = "edited"
                    return

    shutil.copy(EXAMPLES / f"{TOWNSHIPS}.facts.json", tmp_path / "ex.json")
    name = write(tmp_path, edited(saved[TOWNSHIPS], cite))
    assert run("verify", name, cwd=tmp_path).returncode == 0  # no arithmetic changed
    result = run("verify", name, "--facts", "ex.json", cwd=tmp_path)
    assert result.returncode == 1
    assert "DR709 re-scoring ex.json: units['新昌镇'].audit[" in result.stderr
    assert '.cite is "edited" in the file' in result.stderr


# ---------------------------------------------------------------- explain --results


def test_explain_refuses_a_results_file_that_does_not_verify(tmp_path: Path, saved):
    name = write(tmp_path, edited(saved[TOWNSHIPS], set_total))
    result = run("explain", "--results", name, "--unit", "新昌镇", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert "DR710 refusing to explain a results file that does not verify" in result.stderr


def test_explain_unverified_shows_it_marked(tmp_path: Path, saved):
    name = write(tmp_path, edited(saved[TOWNSHIPS], set_total))
    result = run("explain", "--results", name, "--unit", "新昌镇", "--unverified", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith(
        "UNVERIFIED: results.json does not verify (5 problem(s)); the figures below may have "
        "been edited\n\n新昌镇  2020年宜丰县"
    )


def test_explain_a_verified_file(tmp_path: Path, saved):
    name = write(tmp_path, saved[TOWNSHIPS])
    result = run("explain", "--results", name, "--unit", "新昌镇", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("新昌镇  2020年宜丰县")


# ---------------------------------------------------------------- malformed


def first_unit(change: Callable[[Doc], object]) -> Callable[[Doc], object]:
    return lambda doc: change(doc["units"][0])


MALFORMED: dict[str, tuple[Callable[[Doc], Any] | str, str]] = {
    "not-json": ("{", "DR701 not a results file: not valid UTF-8 JSON"),
    "a-list": ("[]", "DR701 not a results file: the document is a list, not an object"),
    "empty-object": ("{}", "DR701 schema None: this version reads results of schema 1, 2, 3 and 4"),
    "other-schema": (lambda d: d.update(schema="5"), "DR701 schema '5'"),
    "no-units": (lambda d: d.pop("units"), "DR701 units is not a non-empty list"),
    "units-text": (lambda d: d.update(units="x"), "DR701 units is not a non-empty list"),
    "unit-text": (lambda d: d.update(units=["x"]), "DR701 units[0] is not a unit with an id"),
    "no-id": (first_unit(lambda u: u.pop("id")), "DR701 units[0] is not a unit with an id"),
    "total-text": (
        first_unit(lambda u: u.update(total_exact="abc")),
        "total_exact 'abc' is not exact",
    ),
    "total-infinite": (
        first_unit(lambda u: u.update(total_exact="Infinity")),
        "total_exact 'Infinity' is not exact",
    ),
    "total-huge": (
        first_unit(lambda u: u.update(total_exact="1e1000000")),
        "total_exact '1e1000000' is not exact",
    ),
    "rank-text": (first_unit(lambda u: u.update(rank="1")), "rank is a string"),
    "no-nodes": (first_unit(lambda u: u.pop("nodes")), "nodes is not an object of node scores"),
    "no-ruleset": (lambda d: d.pop("ruleset"), "DR701 ruleset is not an object"),
    "rounding-text": (
        lambda d: d["ruleset"].update(rounding="2"),
        "ruleset.rounding '2' is not a number of places",
    ),
    "grade-number": (first_unit(lambda u: u.update(grade=3)), "grade 3 is not a grade name"),
    "nan": ('{"schema": NaN}', "DR701 not a results file: not valid UTF-8 JSON"),
    "deep": ("[" * 100_000 + "]" * 100_000, "DR603 the results file nests deeper"),
    "long-number": ('{"schema": "1", "units": [' + "1" * 5001 + "]}", "DR701"),
    "entries-text": (
        first_unit(lambda u: u["audit"][0].update(entries="x")),
        "entries is not a list",
    ),
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_explain_on_a_malformed_results_file_is_a_diagnostic(
    tmp_path: Path, saved: dict[str, Doc], kind: str
):
    change, message = MALFORMED[kind]
    doc = change if isinstance(change, str) else edited(saved[TOWNSHIPS], change)
    uid = "新昌镇" if kind != "no-id" else "芳溪镇"
    result = run("explain", "--results", write(tmp_path, doc), "--unit", uid, cwd=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_verify_on_a_malformed_results_file_is_a_diagnostic(
    tmp_path: Path, saved: dict[str, Doc], kind: str, capsys: pytest.CaptureFixture[str]
):
    # in-process (the same code as the installed command, without a process per case)
    change, message = MALFORMED[kind]
    doc = change if isinstance(change, str) else edited(saved[TOWNSHIPS], change)
    assert main(["verify", str(tmp_path / write(tmp_path, doc))]) == 1
    err = capsys.readouterr().err
    assert message in err and "DR620" not in err


def test_a_facts_file_given_as_results_is_named_as_such(tmp_path: Path):
    shutil.copy(EXAMPLES / f"{TOWNSHIPS}.facts.json", tmp_path / "ex.json")
    for args in (["verify", "ex.json"], ["explain", "--results", "ex.json", "--unit", "新昌镇"]):
        result = run(*args, cwd=tmp_path)
        assert result.returncode == 1
        assert "ex.json: error: DR702 this is a facts file, not a results file" in result.stderr
