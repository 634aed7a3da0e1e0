"""Benchmarks: scoring cost against a hand-written scorer, compile time, start-up.

    python benchmarks/run.py                 # 1,000 / 10,000 / 100,000 units
    python benchmarks/run.py --sizes 1000,10000 --repeat 3

For each cohort size, each configuration runs in a fresh subprocess so that its
peak memory (ru_maxrss) is its own:

- ``hand``: the hand-written scorer in benchmarks/handwritten.py (the yardstick);
- ``lean``: ``evaluate(detail=False)`` on a loaded cohort;
- ``detail``: ``evaluate()`` with the full audit ledger;
- ``load``: validating the facts into a cohort (the hand-written scorer does none).

Timings are the best of ``--repeat`` runs inside the subprocess. The targets are
ratios within one run of this script (machines are noisy; ratios travel):

- 10,000 units, full audit ≤ 3× the hand-written scorer; audit off ≤ 1.5×;
- check + compile of every shipped ruleset ≤ 20 ms warm;
- CLI start-up (``disclosure-rules check yifeng-2020-townships``) ≤ 300 ms;
- cost linear in the number of units: the growth of the per-unit cost from the
  smallest to the largest cohort is within 1.5× of the hand-written scorer's own
  growth in the same run (per-unit cost rises with cohort size on any machine as
  the data outgrows the processor's caches; measuring against the yardstick's
  growth isolates the library's scaling from the machine's).

The script prints a table and PASS/FAIL per target, and exits 1 if any fails.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import Targets, warm_compile_seconds  # noqa: E402

RULESET = "yifeng-2020-townships"


def measure(mode: str, units: int, repeat: int) -> dict[str, float]:
    """Run in a subprocess: one configuration, best-of-``repeat`` seconds and peak RSS."""
    import handwritten
    from synthetic import synthetic_facts

    import disclosure_rules as dr

    ruleset = dr.load(RULESET)
    doc = synthetic_facts(ruleset.graph, units, seed=1)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    best = float("inf")
    cohort = ruleset.load_facts(doc) if mode in ("lean", "detail") else None
    table = handwritten.table_from_graph(ruleset.graph)
    for _ in range(repeat):
        start = time.perf_counter()
        if mode == "hand":
            result = handwritten.score(doc, table)
        elif mode == "load":
            result = ruleset.load_facts(doc)
        else:
            result = ruleset.evaluate(cohort, detail=mode == "detail")
        best = min(best, time.perf_counter() - start)
        del result
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": best, "peak_mb": peak / 1024, "baseline_mb": baseline / 1024}


def subprocess_measure(mode: str, units: int, repeat: int) -> dict[str, float]:
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import run; "
        "print(json.dumps(run.measure(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(HERE), mode, str(units), str(repeat)],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"measuring {mode} at {units} units failed:\n{out.stderr}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def compile_times(repeat: int = 20) -> dict[str, float]:
    import disclosure_rules as dr
    from disclosure_rules.catalog import shipped_text

    out = {}
    for entry in dr.catalog():
        shipped = shipped_text(entry.id)
        assert shipped is not None
        out[entry.id] = warm_compile_seconds(shipped[1], repeat)
    return out


def startup(repeat: int = 5) -> float:
    exe = shutil.which("disclosure-rules")
    command = [exe] if exe else [sys.executable, "-m", "disclosure_rules"]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([*command, "check", RULESET], check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, dict[str, float]]] = {}
    print(f"ruleset {RULESET}; python {sys.version.split()[0]}; {os.cpu_count()} cores")
    print(
        f"{'units':>8} {'mode':>7} {'seconds':>9} {'µs/unit':>9} {'peak MB':>9} {'(base MB)':>10}"
    )
    for n in sizes:
        results[n] = {}
        for mode in ("hand", "load", "lean", "detail"):
            m = subprocess_measure(mode, n, args.repeat if n <= 10_000 else 1)
            results[n][mode] = m
            print(
                f"{n:>8} {mode:>7} {m['seconds']:>9.3f} {m['seconds'] / n * 1e6:>9.1f} "
                f"{m['peak_mb']:>9.0f} {m['baseline_mb']:>10.0f}"
            )
    targets = Targets()
    target = targets.check

    print()
    ref = 10_000 if 10_000 in results else sizes[-1]
    hand = results[ref]["hand"]["seconds"]
    target(
        f"full audit vs hand-written at {ref:,} units",
        results[ref]["detail"]["seconds"] / hand,
        3.0,
    )
    target(
        f"audit off vs hand-written at {ref:,} units", results[ref]["lean"]["seconds"] / hand, 1.5
    )
    print(
        f"info  loading and validating facts at {ref:,} units: "
        f"{results[ref]['load']['seconds']:.2f} s ({results[ref]['load']['seconds'] / hand:.2f}× "
        "the hand-written scorer, which validates nothing)"
    )
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]

        def growth(mode: str) -> float:
            per_small = results[small][mode]["seconds"] / small
            return results[large][mode]["seconds"] / large / per_small

        print(
            f"info  per-unit cost at {large:,} / at {small:,} units: hand-written "
            f"{growth('hand'):.2f}×, lean {growth('lean'):.2f}×, detail {growth('detail'):.2f}×"
        )
        for mode in ("lean", "detail"):
            target(
                f"linear in units ({mode}: its growth / the hand-written scorer's)",
                growth(mode) / growth("hand"),
                1.5,
            )
    for rid, seconds in compile_times().items():
        target(f"check+compile {rid} (warm)", seconds * 1000, 20, " ms")
    target("CLI start-up (check a shipped ruleset)", startup() * 1000, 300, " ms")
    return targets.exit_code()


if __name__ == "__main__":
    sys.exit(main())
