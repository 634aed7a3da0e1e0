"""Every error names its file, and a file of the wrong kind is named as such."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from disclosure_rules.cli import main

ROOT = Path(__file__).parents[1]
FACTS = ROOT / "examples" / "yifeng-2020-townships.facts.json"
RULESET = ROOT / "rulesets" / "yifeng-2020-townships.dr"
CASES = ROOT / "rulesets" / "tests" / "yifeng-2020-townships.yaml"


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def results(tmp_path, capsys):
    path = tmp_path / "results.json"
    run(capsys, "score", "yifeng-2020-townships", FACTS, "--format", "json", "-o", path)
    return path


def test_explain_names_the_facts_file_of_an_unknown_unit(capsys):
    code, _, err = run(capsys, "explain", "yifeng-2020-townships", FACTS, "--unit", "无此镇")
    assert code == 1
    assert f"{FACTS}: unit '无此镇': error: DR302 no unit '无此镇'" in err
    assert "<input>" not in err


def test_a_case_file_naming_an_unknown_ruleset_is_named(tmp_path, capsys):
    cases = tmp_path / "mine.yaml"
    cases.write_text("# my cases\nruleset: no-such-ruleset\ncases: []\n", encoding="utf-8")
    code, _, err = run(capsys, "test", cases)
    assert code == 1
    assert f"{cases}: error: DR000 `ruleset:` (line 2): 'no-such-ruleset' is neither" in err


def test_a_facts_file_given_as_results_is_named_a_facts_file(capsys):
    code, _, err = run(capsys, "explain", "--results", FACTS, "--unit", "新昌镇")
    assert code == 1
    assert f"{FACTS}: error: DR702 this is a facts file, not a results file" in err


def test_a_results_file_given_as_facts_is_named_a_results_file(results, capsys):
    code, _, err = run(capsys, "score", "yifeng-2020-townships", results)
    assert code == 1
    assert f"{results}: error: DR301 this is a results file, not a facts file" in err
    assert "unknown top-level key" not in err


def test_a_ruleset_given_as_facts_is_named_a_ruleset(capsys):
    code, _, err = run(capsys, "score", "yifeng-2020-townships", RULESET)
    assert code == 1
    assert f"{RULESET}: error: DR301 this is a ruleset file, not a facts file" in err


def test_a_case_file_given_as_facts_is_named_a_case_file(tmp_path, capsys):
    cases = tmp_path / "cases.yaml"
    shutil.copy(CASES, cases)
    code, _, err = run(capsys, "explain", "yifeng-2020-townships", cases, "--unit", "新昌镇")
    assert code == 1
    assert f"{cases}: error: DR301 this is a case file, not a facts file" in err


@pytest.mark.parametrize("command", ["score", "check"])
def test_a_facts_file_given_as_a_ruleset_is_named_a_facts_file(command, capsys):
    args = [command, FACTS, FACTS] if command == "score" else [command, FACTS]
    code, _, err = run(capsys, *args)
    assert code == 1
    assert f"{FACTS}: error: DR000 this is a facts file, not a ruleset file" in err
    assert "DR001" not in err


def test_a_csv_facts_file_is_not_mistaken_for_another_kind(tmp_path, capsys):
    facts = tmp_path / "facts.csv"
    facts.write_text("unit,item,awarded\n新昌镇,hearing,2\n", encoding="utf-8")
    _, _, err = run(capsys, "score", "yifeng-2020-townships", facts)
    assert "this is a" not in err
