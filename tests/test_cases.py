"""Ruleset test cases (YAML): the shipped golden cases pass; failures say where and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from disclosure_rules.cli import main
from disclosure_rules.testing.cases import run

CASES = sorted((Path(__file__).parents[1] / "rulesets" / "tests").glob("*.yaml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_shipped_golden_cases_pass(path):
    report = run([path])
    assert report.ok, report.render()
    assert report.expectations > 0


WRONG = """\
ruleset: yifeng-2020-townships
cases:
  - name: a wrong expectation
    units:
      - id: 新昌镇
        tags: [township]
        full_marks: true
        facts:
          process: 90
          appeals:
            overturned_reviews: 1
            lost_lawsuits: 0
            evidence: {link: "https://x/a", screenshot: a.png}
    expect:
      新昌镇:
        total: 97
        nodes:
          appeals: 2
"""


def test_a_failure_names_file_line_expected_actual_and_the_audit(tmp_path):
    path = tmp_path / "wrong.yaml"
    path.write_text(WRONG, encoding="utf-8")
    report = run([path])
    assert [(f.line, f.what, f.expected, f.actual) for f in report.failures] == [
        (16, "total", "97", "96.3"),
        (18, "score of appeals", "2", "1"),
    ]
    rendered = report.render()
    assert f"{path}:18: case 'a wrong expectation': unit '新昌镇': score of appeals" in rendered
    assert "deduct -1 rule=deduct_per (line" in rendered
    assert rendered.endswith("0 passed, 2 failed (1 case(s), 2 expectation(s))\n")


def test_numbers_compare_at_the_precision_written(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(
        WRONG.replace("total: 97", "total: 96.30").replace("appeals: 2", "appeals: 1"),
        encoding="utf-8",
    )
    assert run([path]).ok


def test_the_cli_runs_cases_and_reports_coverage(capsys):
    assert main(["test", str(CASES[0].parent), "--coverage"]) == 0
    out = capsys.readouterr().out
    assert "coverage of yifeng-2020-townships:" in out
    assert "rules: 52 of 52 exercised" in out
    assert out.rstrip().endswith("failed (20 case(s), 258 expectation(s))")


def test_a_bad_case_file_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("ruleset: yifeng-2020-townships\ncases: [\n", encoding="utf-8")
    assert main(["test", str(path)]) == 1
    assert "DR311 not valid YAML" in capsys.readouterr().err
