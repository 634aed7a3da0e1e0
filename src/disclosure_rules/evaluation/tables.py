"""Results as tables: plain rows for data frames, databases and spreadsheets.

Two shapes, as other systems load results: one row per **unit** (rank, total, grade,
each component's score) and one row per **unit × node** (every node's max, score and
status). A row is a plain ``dict`` of ``str``, ``int``, ``bool``, ``None`` and
:class:`~decimal.Decimal` — the scores stay exact; a data frame library keeps them as
decimals (Polars) or objects (pandas: ``.astype(float)`` for plotting, never for
sums that are reported).
"""

from __future__ import annotations

import importlib
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from ..decimals import round_half_up

if TYPE_CHECKING:
    from .results import Results

__all__ = ["FRAME_LIBRARIES", "Per", "frame", "node_rows", "rows", "unit_rows"]

Per = Literal["unit", "node"]

FRAME_LIBRARIES = ("pandas", "polars")
"""The data frame libraries :func:`frame` builds for (neither is a dependency)."""


def unit_rows(results: Results) -> list[dict[str, Any]]:
    """One row per unit, in input order: unit, group (with groups), rank, total (rounded as
    the ruleset rounds), total_exact, max, grade, vetoes (``;``-joined), each conversion,
    and each component's score under the component's id."""
    g = results.graph
    places = g.rounding
    components = [n for n in g.nodes if n.kind == "component"]
    out = []
    for u in results.units:
        row: dict[str, Any] = {"unit": u.id}
        if g.groups:
            row["group"] = u.group
        row.update(
            rank=u.rank,
            total=round_half_up(u.total, places),
            total_exact=u.total,
            max=g.root.points,
            grade=u.grade,
            vetoes=";".join(u.vetoes),
        )
        for c in g.conversions:
            row[c.id] = round_half_up(u.conversions[c.id], places)
        for n in components:
            row[n.id] = round_half_up(u.score(n.id), places)
        out.append(row)
    return out


def node_rows(results: Results) -> list[dict[str, Any]]:
    """One row per unit and node, units in input order, nodes in the ruleset's order: unit,
    node, parent, kind, depth, title, max, score (rounded), score_exact, lost (max − score,
    exact), status."""
    g = results.graph
    places = g.rounding
    depth: dict[int, int] = {}
    for n in g.nodes:
        depth[n.index] = 0 if n.parent is None else depth[n.parent] + 1
    out = []
    for u in results.units:
        for n in g.nodes:
            score: Decimal = u.score(n.id)
            out.append(
                {
                    "unit": u.id,
                    "node": n.id,
                    "parent": None if n.parent is None else g.nodes[n.parent].id,
                    "kind": n.kind,
                    "depth": depth[n.index],
                    "title": n.title,
                    "max": n.points,
                    "score": round_half_up(score, places),
                    "score_exact": score,
                    "lost": n.points - score,
                    "status": u.status(n.id),
                }
            )
    return out


def rows(results: Results, per: Per = "unit") -> list[dict[str, Any]]:
    """The results as rows, one per unit (``per="unit"``) or per unit and node (``"node"``)."""
    if per == "unit":
        return unit_rows(results)
    if per == "node":
        return node_rows(results)
    msg = f"per: expected 'unit' or 'node', got {per!r}"
    raise ValueError(msg)


def frame(results: Results, per: Per = "unit", library: str = "pandas") -> Any:
    """The rows as a pandas or Polars data frame, if that library is installed."""
    if library not in FRAME_LIBRARIES:
        msg = f"library: expected one of {', '.join(FRAME_LIBRARIES)}, got {library!r}"
        raise ValueError(msg)
    table = rows(results, per)
    try:
        module = importlib.import_module(library)
    except ImportError as exc:
        msg = (
            f"to_frame() needs {library}, which is not installed: pip install {library} "
            "(or use results.rows(), plain dicts any library reads)"
        )
        raise ModuleNotFoundError(msg, name=library) from exc
    return module.DataFrame(table)
