"""``score --format table``: results as aligned columns."""

from __future__ import annotations

import textwrap

from ..decimals import round_half_up
from ..decimals import text as exact
from ..evaluation.engine import Results
from .describe import param_value
from .text import printable, table

__all__ = ["results_table"]


def results_table(results: Results) -> str:
    """The cohort by rank: total, grade (vetoes marked) and conversions, under a banner."""
    g = results.graph
    places = g.rounding
    graded = bool(g.grades)
    grouped = bool(g.groups)  # ranks restart per group: the group beside the rank
    head = (
        (["group"] if grouped else [])
        + ["rank", "unit", "total"]
        + (["grade"] if graded else [])
        + [c.title for c in g.conversions]
    )
    rows = [head]
    for u in results.ranking():
        row = ([u.group or ""] if grouped else []) + [str(u.rank), u.id, str(u.rounded_total)]
        if graded:
            row.append((u.grade or "—") + (" (veto)" if u.vetoes else ""))
        elif u.vetoes:
            row[-1] += " (veto)"
        row += [str(round_half_up(u.conversions[c.id], places)) for c in g.conversions]
        rows.append(row)
    out = [f"{g.id}: {g.title}", f"max {exact(g.root.points)}, {len(results)} unit(s)"]
    out += _banner(results)
    out.append("")
    text = printable("\n".join(out) + "\n") + table(rows)
    if results.warnings:
        text += f"\n{len(results.warnings)} warning(s); see standard error or the JSON output\n"
    return text


def _banner(results: Results) -> list[str]:
    lines = []
    if results.facts_description:
        lines.append(f"facts: {results.facts_description}")
    assumed = results.graph.assumed_params
    if assumed:
        values = ", ".join(f"{p.name}={param_value(p)}" for p in assumed)
        lines.extend(
            textwrap.wrap(
                f"built on {len(assumed)} assumed parameter(s), not given by the source document "
                f"(see describe): {values}",
                width=100,
            )
        )
    readings = results.graph.readings
    if readings:
        chosen = ", ".join(f"{r.choice}" + ("" if r.selected else " (default)") for r in readings)
        lines.extend(
            textwrap.wrap(f"read with {len(readings)} reading(s) (see describe): {chosen}", 100)
        )
    return lines
