"""``sensitivity --format table``: each unit's rank interval and what moves it."""

from __future__ import annotations

from ..alternatives.sensitivity import Driver, Sensitivity
from .text import printable, table

__all__ = ["sensitivity_table"]

_DRIVERS_SHOWN = 3


def sensitivity_table(s: Sensitivity) -> str:
    """What was varied and how, then one row per unit in base rank order: its rank, rank
    interval, grade, how often the grade changes, and the choices that move it most."""
    g = s.graph
    kinds = {"param": "parameter(s) over their declared ranges", "reading": "reading(s)"}
    kinds["weight"] = "component weight(s) perturbed"
    counts = [
        f"{sum(1 for c in s.choices if c.kind == kind)} {what}"
        for kind, what in kinds.items()
        if any(c.kind == kind for c in s.choices)
    ]
    design = (
        "every combination of levels"
        if s.design == "exhaustive"
        else f"a Latin hypercube sample, seed {s.seed}"
    )
    head = [
        f"{g.id}: {s.runs} runs: the base, each choice varied alone, and {design}",
        f"varied: {', '.join(counts)} (the ranges are assumptions; see describe)",
        "",
    ]
    grouped = bool(g.groups)
    graded = bool(g.grades)
    rows = [
        (["group"] if grouped else [])
        + ["unit", "rank", "interval"]
        + (["grade", "grade changes"] if graded else [])
        + ["depends most on (rank interval varied alone)"]
    ]
    order = {name: i for i, name in enumerate(g.group_names)}
    for u in sorted(s.units, key=lambda u: (order.get(u.group or "", 0), u.rank)):
        changes = f"{u.grade_changes}/{s.runs} ({round(100 * u.grade_changes / s.runs)}%)"
        rows.append(
            ([u.group or ""] if grouped else [])
            + [u.id, str(u.rank), f"{u.best}–{u.worst}"]
            + ([u.grade or "—", changes] if graded else [])
            + [", ".join(_driver(d) for d in u.drivers[:_DRIVERS_SHOWN]) or "—"]
        )
    return printable("\n".join(head) + "\n") + table(rows)


def _driver(d: Driver) -> str:
    moved = f"{d.best}–{d.worst}" if d.best != d.worst else "grade"
    return f"{d.choice.label} ({moved})"
