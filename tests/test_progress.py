"""Progress on standard error: drawn for a watched terminal only, never into a pipe."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from installed import EXAMPLES, run

from disclosure_rules.outputs.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_is_drawn_on_a_terminal_and_not_with_quiet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setattr("disclosure_rules.outputs.progress._DELAY", 0.0)  # drawn at once
    with Progress(enabled=True).stage("written", 3) as tick:
        for _ in range(3):
            tick(1)
    assert "units written" in terminal.getvalue() and "/3 " in terminal.getvalue()
    quiet = _Terminal()
    monkeypatch.setattr("sys.stderr", quiet)
    with Progress(enabled=False).stage("written", 3) as tick:
        tick(3)
    assert quiet.getvalue() == ""


def test_nothing_is_drawn_when_standard_error_is_not_a_terminal(tmp_path) -> None:
    facts = str(EXAMPLES / "yifeng-2020-townships.facts.json")
    result = run("score", "yifeng-2020-townships", facts, "--format", "json", cwd=tmp_path)
    assert result.returncode == 0
    assert "units" not in result.stderr  # the warnings only, no bar


def test_scoring_tells_its_progress_as_the_units_are_scored() -> None:
    import json

    import disclosure_rules as dr

    text = (EXAMPLES / "yifeng-2020-townships.facts.json").read_text("utf-8")
    example = json.loads(text, parse_float=Decimal)
    units = [
        {**unit, "id": f"{unit['id']}-{copy}"} for copy in range(17) for unit in example["units"]
    ]  # 255 units: two reports of 100 while scoring, then the last 55
    ruleset = dr.load("yifeng-2020-townships")
    told: list[int] = []
    results = ruleset.evaluate({"units": units}, progress=told.append)
    assert told == [100, 100, 55]
    assert sum(told) == len(results) == 255
