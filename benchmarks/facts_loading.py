"""Facts loading: reading and validating a facts file, per unit, JSON and CSV.

    python benchmarks/facts_loading.py               # 10,000 units, best of 3
    python benchmarks/facts_loading.py --units 2000 --repeat 5

A cohort of synthetic units for the Yifeng 2020 townships scheme
(benchmarks/synthetic.py) is written once as a JSON file and once as the long
CSV form (docs/facts.md); each is then loaded with ``load_facts`` (read,
parse, validate: what ``score`` does before scoring) ``--repeat`` times. The
best processor time (immune to other processes on a shared machine) is
reported in µs per unit, and the script exits 1 when either
format is slower than the target (100 µs per unit).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import json_number  # noqa: E402
from synthetic import synthetic_facts  # noqa: E402

import disclosure_rules as dr  # noqa: E402
from disclosure_rules.facts import load_facts  # noqa: E402

RULESET = "yifeng-2020-townships"
TARGET_US = 100.0


def _csv_rows(doc: dict[str, Any]) -> list[list[str]]:
    """The long CSV form of a facts document: one row per (unit, node, field)."""

    def text(value: object) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else str(value)

    rows = [["unit", "tags", "node", "field", "value", "kind"]]
    for unit in doc["units"]:
        uid, tags = unit["id"], ";".join(unit["tags"])
        for node, cell in unit["facts"].items():
            if not isinstance(cell, dict):
                rows.append([uid, tags, node, "", text(cell), ""])
                continue
            for field, value in cell.items():
                if field != "evidence":
                    rows.append([uid, tags, node, field, text(value), ""])
                    continue
                for entry in value:
                    if isinstance(entry, dict):
                        rows.append([uid, tags, node, field, entry["ref"], entry["kind"]])
                    else:
                        rows.append([uid, tags, node, field, entry, ""])
    return rows


def best_seconds(path: Path, graph: Any, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        load_facts(path, graph)
        best = min(best, time.process_time() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ruleset = dr.load(RULESET)
    doc = synthetic_facts(ruleset.graph, args.units, seed=1)
    failures = 0
    print(f"{RULESET}: {args.units:,} units, best of {args.repeat}")
    with tempfile.TemporaryDirectory() as tmp:
        json_path = Path(tmp) / "facts.json"
        json_path.write_text(
            json.dumps(doc, ensure_ascii=False, indent=1, default=json_number), encoding="utf-8"
        )
        csv_path = Path(tmp) / "facts.csv"
        with csv_path.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows(_csv_rows(doc))
        # what a command holds while it loads facts: the ruleset, not a second cohort
        del doc
        gc.collect()
        for name, path in (("json", json_path), ("csv", csv_path)):
            per_unit = best_seconds(path, ruleset.graph, args.repeat) / args.units * 1e6
            ok = per_unit <= TARGET_US
            failures += not ok
            print(
                f"{'PASS' if ok else 'FAIL'}  {name:>4}: {per_unit:7.1f} µs per unit "
                f"(target ≤ {TARGET_US:.0f})"
            )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
