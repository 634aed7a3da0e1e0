"""``compare --format table|csv``: a cohort under two rulesets, largest move first."""

from __future__ import annotations

import csv
import io

from ..alternatives.compare import Comparison, UnitChange
from ..decimals import round_half_up
from ..decimals import text as exact
from .csv import neutralised
from .text import printable, table

__all__ = ["comparison_csv", "comparison_table", "move_text"]


def move_text(move: int) -> str:
    """A rank move as people read it: ``↑2`` (two places up under B), ``↓3``, ``=``."""
    return f"↑{move}" if move > 0 else f"↓{-move}" if move < 0 else "="


def _change(unit: UnitChange, places: int) -> str:
    shown = exact(round_half_up(unit.change, places))
    return f"+{shown}" if unit.change > 0 else shown


def comparison_table(c: Comparison) -> str:
    """Both sides named, a count of what changes, then one row per unit (rank, total and
    grade under A and B, the move, the change) with the rules that account for it."""
    label_a, label_b = c.labels()
    places = max(c.a.graph.rounding, c.b.graph.rounding)
    grouped = bool(c.a.graph.groups or c.b.graph.groups)
    moved = c.moved()
    regraded = sum(1 for u in c if u.grade_changed)
    how = "places gained under B" + ("; ranks within each group" if grouped else "")
    head = [
        f"A: {label_a}",
        f"B: {label_b}",
        f"{len(moved)} of {len(c)} unit(s) change rank, {regraded} change grade (move: {how})",
        "",
    ]
    graded = bool(c.a.graph.grades or c.b.graph.grades)
    rows = [
        ["unit"]
        + (["group"] if grouped else [])
        + ["rank A", "rank B", "move", "total A", "total B", "change"]
        + (["grade A", "grade B"] if graded else [])
    ]
    for u in c:
        rows.append(
            [u.id]
            + ([u.a.group or u.b.group or ""] if grouped else [])
            + [str(u.a.rank), str(u.b.rank), move_text(u.move)]
            + [str(u.a.rounded_total), str(u.b.rounded_total), _change(u, places)]
            + ([u.a.grade or "—", u.b.grade or "—"] if graded else [])
        )
    out = printable("\n".join(head) + "\n") + table(rows)
    why = [_why(u) for u in c if u.rules]
    if why:
        out += "\nrules whose deltas differ (delta under A → under B; — where a side has none):\n"
        out += printable("".join(why))
    if c.warnings:
        out += f"\n{len(c.warnings)} warning(s); see standard error or the JSON output\n"
    return out


def _why(unit: UnitChange) -> str:
    rules = "; ".join(
        f"{r.rule} {'—' if r.a is None else exact(r.a)} → {'—' if r.b is None else exact(r.b)}"
        for r in unit.rules
    )
    return f"  {unit.id}: {rules}\n"


_CSV_HEADER = (
    *("unit", "group_a", "rank_a", "total_a", "grade_a"),
    *("group_b", "rank_b", "total_b", "grade_b", "move", "change", "rules"),
)


def comparison_csv(c: Comparison) -> str:
    """One row per unit: rank, total (exact) and grade under each side, move, change,
    and the rules that account for it (``rule:a:b``, separated by ``;``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(_CSV_HEADER)
    for u in c:
        rules = ";".join(
            f"{r.rule}:{'' if r.a is None else exact(r.a)}:{'' if r.b is None else exact(r.b)}"
            for r in u.rules
        )
        writer.writerow(
            [
                neutralised(u.id),
                neutralised(u.a.group or ""),
                u.a.rank,
                exact(u.a.total),
                neutralised(u.a.grade or ""),
                neutralised(u.b.group or ""),
                u.b.rank,
                exact(u.b.total),
                neutralised(u.b.grade or ""),
                u.move,
                exact(u.change),
                neutralised(rules),
            ]
        )
    return buf.getvalue()
