"""Results written unit by unit: the same bytes as one document, and atomically."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from installed import EXAMPLES, run

import disclosure_rules as dr
from disclosure_rules.files import write_chunks


@pytest.fixture(scope="module")
def results() -> dr.Results:
    ruleset = dr.load("yifeng-2020-townships")
    return ruleset.evaluate(EXAMPLES / "yifeng-2020-townships.facts.json")


def test_the_chunks_are_the_documents_json(results: dr.Results) -> None:
    whole = json.dumps(results.to_dict(), ensure_ascii=False, indent=2) + "\n"
    chunks = list(results.json_chunks())
    assert len(chunks) > len(results)  # written unit by unit, not as one string
    assert b"".join(chunks).decode("utf-8") == whole
    assert results.to_json() == whole


def test_an_interrupted_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "results.json"
    target.write_text("old\n")

    def chunks() -> Iterator[bytes]:
        yield b'{"units": ['
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_chunks(str(target), chunks())
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["results.json"]  # no temporary file left behind


def test_the_command_writes_the_same_json_to_a_file_and_to_stdout(tmp_path: Path) -> None:
    facts = str(EXAMPLES / "yifeng-2020-townships.facts.json")
    out = tmp_path / "r.json"
    to_file = run(
        "score", "yifeng-2020-townships", facts, "--format", "json", "-o", str(out), cwd=tmp_path
    )
    to_stdout = run("score", "yifeng-2020-townships", facts, "--format", "json", cwd=tmp_path)
    assert to_file.returncode == to_stdout.returncode == 0
    assert out.read_text(encoding="utf-8") == to_stdout.stdout
