"""A plain hand-written scorer for the Yifeng 2020 townships scheme: the yardstick.

This is what an office's script would do without the library: the indicator
table as nested dicts, the four notes coded by hand (evidence required — a link and a
screenshot, sent by 2021-01-20 —, news rejected, N/A gets the cohort average, floor at
0), work 70% + process 30%,
ranks. Exact ``Decimal`` as well, so the comparison measures the library's
overhead, not float against Decimal. No validation, no audit, no explanations.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

ZERO = Decimal(0)
JAN_31 = date(2020, 1, 31)
DEC_31 = date(2020, 12, 31)
JAN_20_2021 = date(2021, 1, 20)


def _on_or_before(text: str | None, deadline: date) -> bool:
    return text is not None and date.fromisoformat(text) <= deadline


def _evidence_as_required(evidence: Any) -> bool:
    """附注1 as 工作要求3 asks, 附注4: a link and a screenshot, sent by 2021-01-20, news
    not counted (a plain string is a link; a piece with no day counts as in time)."""
    pieces = []
    for entry in evidence if isinstance(evidence, list) else [evidence]:
        if isinstance(entry, str):
            pieces.append(("link", None))
        elif "ref" in entry:
            pieces.append((entry.get("kind") or "link", entry.get("submitted")))
        else:
            day = entry.get("submitted")
            pieces += [(kind, day) for kind in entry if kind != "submitted"]
    kinds = {
        kind
        for kind, day in pieces
        if kind != "news" and (day is None or date.fromisoformat(day) <= JAN_20_2021)
    }
    return {"link", "screenshot"} <= kinds


def _leaves(tree: dict[str, Any]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out.update(_leaves(value["parts"]))
        else:
            out[key] = value
    return out


def table_from_graph(graph: Any) -> dict[str, Any]:
    """The townships table as a hand-written scorer would hold it: {id: points | section}."""

    def build(idx: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for c in graph.nodes[idx].children:
            node = graph.nodes[c]
            out[node.id] = (
                {"points": node.points, "parts": build(c)} if node.children else node.points
            )
        return out

    return build(graph.by_id["work"])


def score(doc: dict[str, Any], table: dict[str, Any]) -> list[tuple[str, Decimal, int]]:
    items = _leaves(table)
    units = doc["units"]
    per_unit: list[dict[str, Decimal | None]] = []
    for unit in units:
        facts = unit["facts"]
        got: dict[str, Decimal | None] = {}
        for item, points in items.items():
            cell = facts.get(item)
            if cell is None:
                got[item] = ZERO
                continue
            if cell == "n/a":
                got[item] = None
                continue
            if not _evidence_as_required(cell.get("evidence", [])):
                got[item] = ZERO
                continue
            if item == "appeals":
                value = points - cell["overturned_reviews"] - 2 * cell["lost_lawsuits"]
            elif item == "columns":
                value = ZERO if cell["stale_columns"] > 3 else points - cell["missing_items"]
            elif item == "report_published":
                value = points if _on_or_before(cell.get("published"), JAN_31) else ZERO
            elif item == "catalog_published":
                on_time = _on_or_before(cell.get("published"), DEC_31)
                value = Decimal(cell["awarded"]) if on_time else ZERO
            else:
                value = Decimal(cell["awarded"])
            got[item] = min(max(value, ZERO), points)
        per_unit.append(got)
    averages: dict[str, Decimal] = {}
    for item in items:
        assessed = [g[item] for g in per_unit if g[item] is not None]
        averages[item] = sum(assessed, ZERO) / len(assessed) if assessed else ZERO

    def section(tree: dict[str, Any], got: dict[str, Decimal | None]) -> Decimal:
        total = ZERO
        for key, value in tree.items():
            if isinstance(value, dict):
                total += min(max(section(value["parts"], got), ZERO), value["points"])
            else:
                cell = got[key]
                total += averages[key] if cell is None else cell
        return total

    totals = []
    for unit, got in zip(units, per_unit, strict=True):
        work = min(max(section(table, got), ZERO), Decimal(100))
        process = Decimal(unit["facts"].get("process", ZERO))
        total = work * Decimal("0.7") + process * Decimal("0.3")
        totals.append(total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    order = sorted(range(len(units)), key=lambda i: -totals[i])
    ranks = [0] * len(units)
    for pos, i in enumerate(order):
        prev = order[pos - 1] if pos else None
        ranks[i] = ranks[prev] if prev is not None and totals[prev] == totals[i] else pos + 1
    return [(u["id"], t, r) for u, t, r in zip(units, totals, ranks, strict=True)]
