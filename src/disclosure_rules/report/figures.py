"""The report's figures: everything a report shows, computed from a run's results.

This is the one place a report's numbers come from (:mod:`.shapes` holds what they
look like). It reads the results through their public surface (the units' totals,
grades, ranks and groups, each unit's node results and audit entries, the ruleset's
tree) and keeps every figure exact (``Decimal``); the templates only round and print
them. Nothing here imports Jinja2
or matplotlib, so the figures can be read (and tested) without the ``report`` extra.

Definitions (docs/report.md says the same in words):

- a unit's *cell* on an item is *assessed* when its status is scored, missing or not
  credited; N/A and skipped cells are left out of every rate;
- a section's *score rate* is the points earned over the points of the assessed cells
  of its items (bonus items are left out);
- an item's *full-marks rate* is the number of assessed units that earned its full
  points over the number assessed; where the item counts records against a deadline,
  its *on-time rate* is the records on time over the records judged;
- a unit *lost points* on an item when an assessed cell scored below the item's points.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..decimals import ZERO, divide
from ..decimals import text as exact
from ..errors import expect_argument
from ..evaluation.results import Results
from ..version import __version__
from .shapes import (
    Evidence,
    GroupFigures,
    ItemFigures,
    Loss,
    Overview,
    Param,
    RankRow,
    Rate,
    Reason,
    SectionFigures,
    Summary,
    UnitPage,
)

if TYPE_CHECKING:
    from ..evaluation.audit import Entry
    from ..evaluation.results import NodeResult, UnitResult
    from ..model.graph import EvaluationGraph, GraphNode

__all__ = ["ASSESSED", "report_sections", "summarise"]

ASSESSED = frozenset({"scored", "missing", "not_credited"})
"""Cell statuses that count in rates: the unit was assessed on the item."""

_RECORD_COUNTS = ("on_time", "records")  # a base entry's inputs for records judged on time


def summarise(results: Results, *, top: int | None = None) -> Summary:
    """The figures of a report on ``results``; ``top`` adds each group's top and bottom
    ``top`` units."""
    expect_argument(results, Results, "results", "the Results of Ruleset.evaluate()")
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ValueError(f"top: expected a whole number of units of at least 1, got {top!r}")
    graph = results.graph
    sections = _sections(results)
    # each unit's losses, in the ruleset's order, gathered in one pass over the items
    lost_by: dict[str, list[tuple[str, ItemFigures, Loss]]] = {u.id: [] for u in results.units}
    for section in sections:
        for item in section.items:
            for loss in item.losses:
                lost_by[loss.unit].append((section.id, item, loss))
    groups = _groups(results, top)
    sizes = {g.name: g.units for g in groups}
    units = tuple(
        _unit_page(results, u, sections, tuple(lost_by[u.id]), sizes) for u in results.units
    )
    return Summary(
        _overview(results, groups),
        groups,
        tuple(band.name for band in graph.grades),
        sections,
        units,
        graph.rounding,
        tuple((name, graph.group_title(name)) for name in graph.group_names),
    )


# ---------------------------------------------------------------- the tree


def report_sections(graph: EvaluationGraph) -> list[GraphNode]:
    """The sections a report is divided into: the root's children, a component
    replaced by its own children (Yifeng's 工作评估 by its five sections)."""
    out: list[GraphNode] = []
    for c in graph.root.children:
        node = graph.nodes[c]
        if node.kind == "component" and node.children:
            out.extend(graph.nodes[i] for i in node.children)
        else:
            out.append(node)
    return out


def _items_under(
    graph: EvaluationGraph, node: GraphNode
) -> Iterator[tuple[GraphNode, tuple[str, ...]]]:
    """The scored leaves under ``node`` (itself if it is one), bonuses left out, each
    with the titles from below ``node`` down to it."""
    stack: list[tuple[GraphNode, tuple[str, ...]]] = [(node, ())]
    while stack:
        current, path = stack.pop()
        if current.is_leaf:
            if current.kind != "bonus":
                yield current, path or (current.title,)
            continue
        for c in reversed(current.children):
            child = graph.nodes[c]
            stack.append((child, (*path, child.title)))


# ---------------------------------------------------------------- 概述


def _overview(results: Results, groups: Sequence[GroupFigures]) -> Overview:
    g = results.graph
    scheme = []
    for node in report_sections(g):
        parent = g.nodes[node.parent] if node.parent is not None else None
        weight = parent.weight if parent is not None and parent.kind == "component" else None
        scheme.append((node.id, node.title, node.points, node.weight or weight))
    params = tuple(Param(p.name, p.value, p.assumed, p.overridden, p.description) for p in g.params)
    return Overview(
        ruleset_id=g.id,
        title=g.title,
        issuer=g.issuer,
        year=g.year,
        source=g.source,
        ruleset_hash=g.ruleset_hash,
        maximum=g.root.points,
        facts_source=results.facts_source,
        facts_hash=results.facts_hash,
        facts_description=results.facts_description,
        synthetic=results.synthetic,
        engine_version=__version__,
        units=len(results.units),
        groups=tuple((group.name, group.units) for group in groups),
        groups_cite=g.groups_cite,
        scheme=tuple(scheme),
        params=params,
        assumed_structure=tuple(str(a) for a in g.assumed_structure),
        readings=readings_in_force(results),
        warnings=len(results.warnings),
    )


def readings_in_force(results: Results) -> tuple[str, ...]:
    """The readings the run was scored under, as lines of text.

    The hook for rulesets' readings (how an ambiguous clause of the source is read):
    whatever the results or the ruleset expose as ``readings`` is listed, each by its
    name, title or text and its cite. Nothing is listed while neither exposes any.
    """
    found = getattr(results, "readings", None) or getattr(results.graph, "readings", None)
    return tuple(_describe(reading) for reading in found or ())


def _describe(reading: Any) -> str:
    """A reading as one line: its name, title or text, and its cite, those it has."""
    if isinstance(reading, str):
        return reading
    keys = ("name", "id", "title", "text", "description", "cite")
    if isinstance(reading, Mapping):
        values = [reading.get(key) for key in keys]
    else:
        values = [getattr(reading, key, None) for key in keys]
    parts = [str(value) for value in values if value]
    return " — ".join(parts) if parts else str(reading)


# ---------------------------------------------------------------- 结果


def _groups(results: Results, top: int | None) -> tuple[GroupFigures, ...]:
    g = results.graph
    names = list(g.group_names) or [""]
    members: dict[str, list[UnitResult]] = {name: [] for name in names}
    for unit in results.ranking():
        members[unit.group or ""].append(unit)
    return tuple(_group(name, members[name], g, top) for name in names if members[name])


def _group(
    name: str, units: Sequence[UnitResult], graph: EvaluationGraph, top: int | None
) -> GroupFigures:
    totals = [u.total for u in units]
    mean = divide(sum(totals, ZERO), Decimal(len(totals)))
    variance = divide(sum(((t - mean) ** 2 for t in totals), ZERO), Decimal(len(totals)))
    mix = Counter(u.grade for u in units)
    rows = tuple(RankRow(u.rank, u.id, u.rounded_total, u.grade, tuple(u.vetoes)) for u in units)
    return GroupFigures(
        name=name,
        units=len(units),
        mean=mean,
        median=statistics.median(totals),
        minimum=min(totals),
        maximum=max(totals),
        stdev=variance.sqrt(),
        grades=tuple((band.name, mix[band.name]) for band in graph.grades),
        ranking=rows,
        top=rows[:top] if top else (),
        bottom=rows[-top:] if top else (),
        totals=tuple(totals),
    )


# ---------------------------------------------------------------- 内容


def _sections(results: Results) -> tuple[SectionFigures, ...]:
    g = results.graph
    names = list(g.group_names)
    out = []
    for section in report_sections(g):
        items = tuple(_item(results, node, path) for node, path in _items_under(g, section))
        rate = _sum_rates(_cell_rate(u.node(i.id)) for u in results.units for i in items)
        group_rates = tuple(
            (
                name,
                _sum_rates(
                    _cell_rate(u.node(i.id))
                    for u in results.units
                    if u.group == name
                    for i in items
                ),
            )
            for name in names
        )
        out.append(
            SectionFigures(
                section.id, section.title, section.points, section.cite, rate, group_rates, items
            )
        )
    return tuple(out)


def _cell_rate(cell: NodeResult) -> Rate:
    if cell.status not in ASSESSED:
        return Rate(ZERO, ZERO)
    return Rate(cell.score, cell.max)


def _sum_rates(rates: Iterable[Rate]) -> Rate:
    part = whole = ZERO
    for r in rates:
        part += r.part
        whole += r.whole
    return Rate(part, whole)


def _item(results: Results, node: GraphNode, path: tuple[str, ...]) -> ItemFigures:
    cells = [(u, u.node(node.id)) for u in results.units]
    assessed = [(u, c) for u, c in cells if c.status in ASSESSED]
    full = sum(1 for _, c in assessed if c.score >= c.max)
    losses = sorted(
        (
            Loss(u.id, u.group, c.max - c.score, c.score, c.max, c.status, _reasons(c.entries))
            for u, c in assessed
            if c.score < c.max
        ),
        key=lambda loss: -loss.lost,
    )
    return ItemFigures(
        id=node.id,
        title=node.title,
        path=path,
        points=node.points,
        line=node.line,
        cite=node.cite,
        full_marks=Rate(Decimal(full), Decimal(len(assessed))),
        on_time=_records_on_time(c for _, c in assessed),
        lost=sum((loss.lost for loss in losses), ZERO),
        losses=tuple(losses),
    )


def _records_on_time(cells: Iterable[NodeResult]) -> Rate | None:
    """Records on time over records judged, summed over cells whose base rule judges
    records against a deadline; None when no cell does."""
    rates = [
        Rate(Decimal(e.inputs["on_time"]), Decimal(e.inputs["records"]))
        for cell in cells
        for e in cell.entries
        if e.kind == "base" and e.inputs and all(k in e.inputs for k in _RECORD_COUNTS)
    ]
    return _sum_rates(rates) if rates else None


def _reasons(entries: Iterable[Entry]) -> tuple[Reason, ...]:
    """The entries that explain a cell's score: every one but children's contributions
    and accepted evidence (listed apart)."""
    return tuple(_reason(e) for e in entries if e.kind != "child" and not _accepted_only(e))


def _accepted_only(e: Entry) -> bool:
    """An evidence entry that only records what was accepted (it explains no loss)."""
    return e.kind == "evidence" and not e.rule and not _refs((e.inputs or {}).get("rejected"))


def _reason(e: Entry) -> Reason:
    assumption = getattr(e, "assumption", None)
    return Reason(
        e.kind, e.rule, e.delta, e.line, e.cite, e.note, _inputs_text(e.inputs), assumption
    )


def _inputs_text(inputs: Mapping[str, Any] | None) -> str:
    """An entry's inputs as ``name=value`` pairs; lists of records are left out (their
    counts are among the inputs)."""
    if not inputs:
        return ""
    return ", ".join(
        f"{key}={_plain(value)}"
        for key, value in inputs.items()
        if not (isinstance(value, list | tuple) and value and isinstance(value[0], Mapping))
    )


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return exact(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    if isinstance(value, Mapping):
        if "ref" in value:
            return str(value["ref"])
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    if value is None:
        return "—"
    return str(value)


def _refs(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(
        str(v.get("ref", v)) if isinstance(v, Mapping) else str(getattr(v, "ref", v)) for v in value
    )


# ---------------------------------------------------------------- per unit


def _unit_page(
    results: Results,
    unit: UnitResult,
    sections: Sequence[SectionFigures],
    losses: tuple[tuple[str, ItemFigures, Loss], ...],
    sizes: Mapping[str, int],
) -> UnitPage:
    g = results.graph
    section_rates = tuple(
        (s.id, _sum_rates(_cell_rate(unit.node(i.id)) for i in s.items)) for s in sections
    )
    evidence: list[Evidence] = []
    adjustments: list[tuple[str, Reason]] = []
    for node in g.nodes:
        cell = unit.node(node.id)
        if node.is_leaf:
            ev = [e for e in cell.entries if e.kind == "evidence"]
            accepted = tuple(r for e in ev for r in _refs((e.inputs or {}).get("accepted")))
            rejected = tuple(r for e in ev for r in _refs((e.inputs or {}).get("rejected")))
            if accepted or rejected:
                evidence.append(Evidence(node.id, node.title, accepted, rejected))
        else:
            adjustments.extend(
                (node.title, _reason(e))
                for e in cell.entries
                if e.kind in ("clamp", "resolve", "rescale", "redistribute") and e.delta
            )
    root = unit.node(g.root.id)
    return UnitPage(
        id=unit.id,
        group=unit.group,
        tags=unit.tags,
        total=unit.rounded_total,
        maximum=unit.max,
        grade=unit.grade,
        rank=unit.rank,
        of=sizes[unit.group or ""],
        vetoes=tuple((v.id, v.title, v.cite) for v in g.vetoes if v.id in unit.vetoes),
        conversions=tuple(
            (c.title, unit.conversions[c.id], c.points)
            for c in g.conversions
            if c.id in unit.conversions
        ),
        moved=tuple(_reason(e) for e in root.entries if e.kind in ("grade", "veto")),
        section_rates=section_rates,
        losses=losses,
        adjustments=tuple(adjustments),
        evidence=tuple(evidence),
        warnings=unit.warnings,
    )
