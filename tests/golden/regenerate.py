"""Write the golden outputs that tests/test_golden.py compares against.

Every command a user runs on each shipped example — score (JSON with the full audit,
JSON without it, JSON in the compact layout, CSV, table), describe (JSON, text, DOT)
and explain — is run through the command line and its output stored gzipped. A change
to any of them is a change in behaviour: regenerate only on purpose, and name the
change in the commit and the changelog.

    python tests/golden/regenerate.py
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import sys
from pathlib import Path

from disclosure_rules.cli import main

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parents[1] / "examples"
RULESETS = (
    "yifeng-2020-townships",
    "yifeng-2020-departments",
    "shanghai-2020-districts",
    "shanghai-2020-departments",
    "changzhou-2020",
    "yifeng-2020-townships-local-example",  # an overlay: its outputs name the base's lines
)


def commands() -> dict[str, list[str]]:
    """Golden file name → the command-line arguments that produce it."""
    out: dict[str, list[str]] = {}
    for rid in RULESETS:
        facts = str(EXAMPLES / f"{rid}.facts.json")
        first = json.loads(Path(facts).read_text(encoding="utf-8"))["units"][0]["id"]
        full = ["--format", "json", "--audit", "full"]
        out[f"{rid}.score.json"] = ["score", rid, facts, *full]
        out[f"{rid}.score-lean.json"] = ["score", rid, facts, *full, "--no-detail"]
        out[f"{rid}.score-compact.json"] = ["score", rid, facts, "--format", "json"]
        out[f"{rid}.score.csv"] = ["score", rid, facts, "--format", "csv"]
        out[f"{rid}.score.txt"] = ["score", rid, facts, "--format", "table"]
        out[f"{rid}.describe.json"] = ["describe", rid, "--format", "json"]
        out[f"{rid}.describe.txt"] = ["describe", rid, "--format", "text"]
        out[f"{rid}.describe.dot"] = ["describe", rid, "--format", "dot"]
        out[f"{rid}.explain.txt"] = ["explain", rid, facts, "--unit", first]
    return out


def run(args: list[str]) -> str:
    """The command's standard output, with the examples' folder written as a placeholder."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(io.StringIO()):
        code = main(args)
    if code != 0:
        raise SystemExit(f"{' '.join(args)} exited {code}")
    return buffer.getvalue().replace(str(EXAMPLES), "<examples>")


def main_() -> None:
    for name, args in commands().items():
        data = run(args).encode("utf-8")
        # mtime=0: the same output gives the same bytes
        (HERE / f"{name}.gz").write_bytes(gzip.compress(data, mtime=0))
    print(f"wrote {len(commands())} golden files to {HERE}", file=sys.stderr)


if __name__ == "__main__":
    main_()
