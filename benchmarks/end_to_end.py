"""End to end: the installed command against a hand-written scorer, as a user runs them.

    python benchmarks/end_to_end.py                          # 1,000 / 10,000 / 100,000 units
    python benchmarks/end_to_end.py --sizes 1000,10000 --repeat 3
    python benchmarks/end_to_end.py --sizes 200 --repeat 1 --no-targets   # a smoke run

For each cohort size a synthetic facts file for the Yifeng 2020 townships scheme is
written (benchmarks/synthetic.py), then, alternated in one session so that the
machine's drift touches all alike, each of these runs as its own process:

- ``hand``: benchmarks/handwritten_cli.py, reading the same file and writing totals;
- ``full``: ``disclosure-rules score … --format json -o FILE`` (the full audit, in the
  default compact layout);
- ``lean``: the same with ``--no-detail``.

Reported per size: the median wall time of each (and its ratio to ``hand``), the peak
resident memory of each process (``wait4``), the output's size per unit, and the wall
time of each stage (loading the facts, scoring, writing the results) measured in a
separate process through the API. Then start-up (``--version``, ``list``), check +
compile of the largest shipped ruleset, and the targets of docs/performance.md:
the script exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import Targets, json_number, warm_compile_seconds  # noqa: E402

RULESET = "yifeng-2020-townships"
MODES = ("hand", "full", "lean")


def write_inputs(folder: Path, sizes: list[int]) -> None:
    """The hand-written scorer's table, and a facts file per size."""
    import handwritten
    from synthetic import synthetic_facts

    import disclosure_rules as dr

    graph = dr.load(RULESET).graph
    table = handwritten.table_from_graph(graph)
    (folder / "table.json").write_text(json.dumps(table, default=json_number), encoding="utf-8")
    for n in sizes:
        doc = synthetic_facts(graph, n, seed=1)
        with (folder / f"facts-{n}.json").open("w", encoding="utf-8") as out:
            json.dump(doc, out, ensure_ascii=False, indent=1, default=json_number)
        del doc


def command(mode: str, folder: Path, n: int) -> list[str]:
    facts = str(folder / f"facts-{n}.json")
    if mode == "hand":
        script = str(HERE / "handwritten_cli.py")
        return [sys.executable, script, str(folder / "table.json"), facts, str(folder / "h.csv")]
    exe = shutil.which("disclosure-rules") or "disclosure-rules"
    out = str(folder / f"{mode}-{n}.json")
    lean = ["--no-detail"] if mode == "lean" else []
    return [exe, "score", RULESET, facts, "--format", "json", "-o", out, "--quiet", *lean]


def timed(args: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one process (its own, from wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env()
    )
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {proc.returncode}:\n{stderr.decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
    return env


def agree(folder: Path, n: int) -> bool:
    """Whether the command's totals and ranks are the hand-written scorer's (last runs)."""
    with (folder / "h.csv").open(encoding="utf-8") as fh:
        hand = [tuple(row) for row in csv.reader(fh)][1:]
    doc = json.loads((folder / f"full-{n}.json").read_text(encoding="utf-8"))
    cent = Decimal("0.01")
    ours = [
        (u["id"], str(Decimal(u["total_exact"]).quantize(cent, ROUND_HALF_UP)), str(u["rank"]))
        for u in doc["units"]
    ]
    same = hand == ours
    print(f"{n:>7} totals and ranks {'agree with' if same else 'DIFFER from'} the hand-written")
    return same


def stages(facts: str, n: int) -> dict[str, float]:
    """Run in a subprocess: wall seconds of each stage of a full-audit run, via the API."""
    import disclosure_rules as dr
    from disclosure_rules import collector
    from disclosure_rules.facts import load_facts

    ruleset = dr.load(RULESET)
    out: dict[str, float] = {}
    with collector.paused(), open(os.devnull, "wb") as sink:
        start = time.perf_counter()
        cohort = load_facts(facts, ruleset.graph)
        out["load"] = time.perf_counter() - start
        start = time.perf_counter()
        results = ruleset.evaluate(cohort)
        out["score"] = time.perf_counter() - start
        start = time.perf_counter()
        for chunk in results.json_chunks("compact"):
            sink.write(chunk)
        out["write"] = time.perf_counter() - start
    return out


def stage_times(folder: Path, n: int) -> dict[str, float]:
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import end_to_end as e; "
        "print(json.dumps(e.stages(sys.argv[2], int(sys.argv[3]))))"
    )
    facts = str(folder / f"facts-{n}.json")
    out = subprocess.run(
        [sys.executable, "-c", code, str(HERE), facts, str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def startup(repeat: int = 5) -> dict[str, float]:
    exe = shutil.which("disclosure-rules") or "disclosure-rules"
    return {
        name: statistics.median(timed([exe, *args])[0] for _ in range(repeat))
        for name, args in (("--version", ["--version"]), ("list", ["list"]))
    }


def compile_ms(repeat: int = 20) -> tuple[str, float]:
    """The largest shipped ruleset's best warm check + compile time, in ms."""
    import disclosure_rules as dr
    from disclosure_rules.catalog import shipped_text

    largest = max(dr.catalog(), key=lambda e: len((shipped_text(e.id) or ("", b""))[1]))
    _, data = shipped_text(largest.id) or ("", b"")
    return largest.id, warm_compile_seconds(data, repeat) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (1 above 10,000)")
    parser.add_argument("--no-targets", action="store_true", help="report only (a smoke run)")
    parser.add_argument(
        "--inputs",
        type=Path,
        help="a folder for the facts files, kept and reused (default: a temporary one)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"ruleset {RULESET}; python {sys.version.split()[0]}; {os.cpu_count()} cores")
    rows: dict[int, dict[str, Any]] = {}
    agreements: list[bool] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.inputs or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        missing = [n for n in sizes if not (folder / f"facts-{n}.json").exists()]
        if missing or not (folder / "table.json").exists():
            # in a process of its own: a child started from a large parent would report
            # the parent's memory as its peak
            code = "import sys; sys.path.insert(0, sys.argv[1]); import end_to_end as e; "
            code += "e.write_inputs(__import__('pathlib').Path(sys.argv[2]), eval(sys.argv[3]))"
            made = repr(missing or sizes[:1])
            subprocess.run([sys.executable, "-c", code, str(HERE), str(folder), made], check=True)
        head = f"{'units':>7} {'mode':>5} {'wall s':>8} {'× hand':>7} {'peak MiB':>9}"
        print(f"{head} {'KB/unit':>8}")
        for n in sizes:
            runs: dict[str, list[tuple[float, float]]] = {m: [] for m in MODES}
            for _ in range(args.repeat if n <= 10_000 else 1):
                for mode in MODES:  # alternated: hand, full, lean, hand, …
                    runs[mode].append(timed(command(mode, folder, n)))
            row = {
                m: (statistics.median(w for w, _ in r), max(p for _, p in r))
                for m, r in runs.items()
            }
            size = (folder / f"full-{n}.json").stat().st_size / n / 1000
            hand = row["hand"][0]
            for mode, (wall, peak) in row.items():
                per_unit = f"{size:8.2f}" if mode == "full" else f"{'':8}"
                print(f"{n:>7} {mode:>5} {wall:8.2f} {wall / hand:7.2f} {peak:9.0f} {per_unit}")
            if n <= 10_000:  # the same totals and ranks as the hand-written scorer
                agreements.append(agree(folder, n))
            st = stage_times(folder, n)
            print(
                f"{n:>7} stages (full audit, in process): load {st['load']:.2f} s "
                f"({st['load'] / n * 1e6:.0f} µs/unit), score {st['score']:.2f} s, "
                f"write {st['write']:.2f} s"
            )
            rows[n] = {"row": row, "size": size, "stages": st}
    start = startup()
    rid, compile_time = compile_ms()
    version, listing = start["--version"] * 1000, start["list"] * 1000
    print(f"start-up: --version {version:.0f} ms, list {listing:.0f} ms")
    print(f"check + compile {rid} (warm, best of 20): {compile_time:.1f} ms")
    if args.no_targets:
        return 0
    return check_targets(rows, agreements, start, compile_time)


def check_targets(
    rows: dict[int, dict[str, Any]],
    agreements: list[bool],
    start: dict[str, float],
    compile_time: float,
) -> int:
    targets = Targets()
    target = targets.check
    print()
    if not all(agreements):
        targets.fail("agreement", "totals and ranks differ from the hand-written scorer's")
    ref = 10_000 if 10_000 in rows else max(rows)
    row = rows[ref]["row"]
    target(f"full audit vs hand-written at {ref:,} units", row["full"][0] / row["hand"][0], 3.0)
    target(f"--no-detail vs hand-written at {ref:,} units", row["lean"][0] / row["hand"][0], 1.5)
    if 100_000 in rows and 10_000 in rows:
        growth = rows[100_000]["row"]["full"][0] / rows[10_000]["row"]["full"][0]
        target("100,000 units / 10,000 units, full audit", growth, 11.0)
        target(
            "peak memory at 100,000 units, full audit",
            rows[100_000]["row"]["full"][1],
            2048,
            " MiB",
        )
    target("full-audit output per unit", max(r["size"] for r in rows.values()), 10.0, " KB")
    load = rows[ref]["stages"]["load"] / ref * 1e6
    target(f"facts loading at {ref:,} units", load, 100, " µs/unit")
    target("check + compile of the largest shipped ruleset", compile_time, 20, " ms")
    target("start-up, --version", start["--version"] * 1000, 150, " ms")
    target("start-up, list", start["list"] * 1000, 150, " ms")
    return targets.exit_code()


if __name__ == "__main__":
    sys.exit(main())
