"""The command line, as users run it: exit codes, formats, files."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import disclosure_rules as dr
from disclosure_rules.cli import main
from disclosure_rules.verify import read_results

EXAMPLES = Path(__file__).parents[1] / "examples"
TOWNSHIPS = EXAMPLES / "yifeng-2020-townships.facts.json"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_the_shipped_rulesets(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert "yifeng-2020-townships" in out and "宜丰县人民政府办公室" in out


def test_check_clean_ruleset_exits_0(capsys):
    code, out, _ = run(capsys, "check", "yifeng-2020-townships")
    assert (code, out) == (0, "yifeng-2020-townships: ok, 0 warning(s)\n")


def test_check_bad_ruleset_exits_1_with_rendered_diagnostics(capsys):
    bad = Path(__file__).parent / "fixtures" / "bad" / "DR103-points-do-not-add-up.dr"
    code, out, err = run(capsys, "check", str(bad))
    assert code == 1
    assert f"{bad}:3:24: error: DR103" in err
    assert "1 error(s)" in out


def test_describe_json_exposes_nodes_rules_and_params(capsys):
    code, out, _ = run(capsys, "describe", "yifeng-2020-townships", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["ruleset"]["id"] == "yifeng-2020-townships"
    appeals = next(n for n in doc["nodes"] if n["id"] == "appeals")
    assert appeals["parent"] == "on_request"
    assert {"type": "deduct_per", "amount": "1", "fact": "overturned_reviews"}.items() <= appeals[
        "rules"
    ][1].items()
    assert doc["plan"][0]["kind"] == "per_unit"


def test_score_table_is_the_default(capsys):
    code, out, _ = run(capsys, "score", "yifeng-2020-townships", str(TOWNSHIPS))
    assert code == 0
    assert "synthetic demonstration data" in out
    assert "read with 2 reading(s) (see describe): floor_scope=per_item (default)" in out
    header = next(line for line in out.splitlines() if line.startswith("rank"))
    assert header.split()[:3] == ["rank", "unit", "total"]


def test_score_json_to_a_file(capsys, tmp_path):
    target = tmp_path / "results.json"
    code, out, _ = run(
        capsys,
        "score",
        "yifeng-2020-townships",
        str(TOWNSHIPS),
        "--format",
        "json",
        "-o",
        str(target),
    )
    assert (code, out) == (0, "")
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["schema"] == "4"  # the compact layout, read back expanded
    assert len(doc["units"]) == 15
    assert all(dr.reconcile(u) == [] for u in read_results(target)["units"])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_score_csv_has_a_column_per_node(capsys):
    code, out, _ = run(capsys, "score", "yifeng-2020-townships", str(TOWNSHIPS), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 15
    assert {"unit", "rank", "total", "appeals", "work", "process"} <= set(rows[0])


def test_explain_renders_one_unit(capsys):
    code, out, _ = run(
        capsys, "explain", "yifeng-2020-townships", str(TOWNSHIPS), "--unit", "新昌镇"
    )
    assert code == 0
    assert out.startswith("新昌镇  2020年宜丰县政务公开工作考评指标")
    assert "每件扣1" in out and "the floor at 0 absorbed" in out


def test_explain_from_saved_results_matches_a_fresh_explain(capsys, tmp_path):
    target = tmp_path / "results.json"
    run(
        capsys,
        "score",
        "yifeng-2020-townships",
        str(TOWNSHIPS),
        "--format",
        "json",
        "-o",
        str(target),
    )
    # the compact layout leaves the evidence references to the facts
    facts = ("--facts", str(TOWNSHIPS))
    _, saved, _ = run(capsys, "explain", "--results", str(target), "--unit", "新昌镇", *facts)
    _, fresh, _ = run(
        capsys, "explain", "yifeng-2020-townships", str(TOWNSHIPS), "--unit", "新昌镇"
    )
    assert saved == fresh


def test_explain_unknown_unit_suggests_one(capsys):
    code, _, err = run(capsys, "explain", "yifeng-2020-townships", str(TOWNSHIPS), "--unit", "新昌")
    assert code == 1 and "did you mean '新昌镇'?" in err


def test_unknown_param_is_exit_1(capsys):
    code, _, err = run(capsys, "score", "yifeng-2020-townships", str(TOWNSHIPS), "--param", "x=1")
    assert code == 1 and "DR113 unknown parameter 'x'" in err


def test_malformed_param_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["score", "yifeng-2020-townships", str(TOWNSHIPS), "--param", "x"])
    assert info.value.code == 2


def test_no_command_is_a_usage_error(capsys):
    assert main([]) == 2


def test_unknown_ruleset_suggests_a_shipped_one(capsys):
    code, _, err = run(capsys, "describe", "yifeng-2020-township")
    assert code == 1 and "did you mean 'yifeng-2020-townships'" in err


def test_bad_facts_exit_1_with_file_unit_and_fact(capsys, tmp_path):
    facts = tmp_path / "f.json"
    facts.write_text(
        json.dumps({"units": [{"id": "新昌镇", "facts": {"hearing": {"awarded": 5}}}]}),
        encoding="utf-8",
    )
    code, _, err = run(capsys, "score", "yifeng-2020-townships", str(facts))
    assert code == 1
    assert f"{facts}: unit '新昌镇': fact 'hearing.awarded': error: DR304" in err


def test_strict_turns_missing_facts_into_exit_1(capsys):
    code, _, err = run(capsys, "score", "yifeng-2020-townships", str(TOWNSHIPS), "--strict")
    assert code == 1 and "DR403" in err


def test_python_dash_m_runs_the_cli(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "disclosure_rules", "list"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert result.returncode == 0 and "yifeng-2020-townships" in result.stdout


def test_fmt_check_and_write(capsys, tmp_path):
    messy = tmp_path / "m.dr"
    messy.write_text(
        'ruleset m {   title  "t"\n item a "甲" 2 { owner "x" }  # note\n}\n', encoding="utf-8"
    )
    assert main(["fmt", "--check", str(messy)]) == 1
    assert "not formatted" in capsys.readouterr().err
    assert main(["fmt", str(messy)]) == 0
    assert capsys.readouterr().out == (
        'ruleset m {\n  title "t"\n\n  item a "甲" 2 { owner "x" }  # note\n}\n'
    )
    assert main(["fmt", "-w", str(messy)]) == 0
    assert main(["fmt", "--check", str(messy)]) == 0


def test_describe_dot_draws_the_graph_and_its_cohort_barriers(capsys):
    assert main(["describe", "yifeng-2020-townships", "--format", "dot"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("digraph evaluation {")
    assert "N/A averages over the cohort" in out and "style=dashed" in out
