"""What the benchmark scripts share: the verdict on targets, warm compile times, and
writing synthetic facts as JSON."""

from __future__ import annotations

import time
from decimal import Decimal


class Targets:
    """PASS/FAIL lines, one a target; ``exit_code`` is 1 when any was missed."""

    def __init__(self) -> None:
        self.failures: list[str] = []

    def check(self, name: str, value: float, limit: float, unit: str = "×") -> None:
        ok = value <= limit
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {value:.2f}{unit} (target ≤ {limit}{unit})")
        if not ok:
            self.failures.append(name)

    def fail(self, name: str, why: str) -> None:
        print(f"FAIL  {why}")
        self.failures.append(name)

    def exit_code(self) -> int:
        return 1 if self.failures else 0


def warm_compile_seconds(data: bytes, repeat: int = 20) -> float:
    """The best of ``repeat`` check + compile runs of a ruleset's text, once warm."""
    import disclosure_rules as dr

    dr.compile(data)  # warm: grammar loaded, caches filled
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        dr.compile(data)
        best = min(best, time.perf_counter() - start)
    return best


def json_number(value: object) -> int | float:
    """Decimals as JSON numbers; the synthetic values (halves, hundredths) print exactly."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot write {value!r} as JSON")
