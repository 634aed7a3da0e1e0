"""Hypothesis strategies for facts: one unit's facts and whole cohorts that fit a
compiled ruleset (the rulesets themselves are drawn by :mod:`.strategies`).

Every value is valid for its fact; some cells are N/A (with and without a statement),
lists of records empty or not, evidence missing, news-only, short of a kind or late,
and (where allowed) some facts missing, so the checks meet what real units submit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from ..api import Ruleset
from ..model.graph import DeadlineRule, EvaluationGraph, GraphNode
from ..model.rules import DeductMissing

__all__ = ["cohorts", "unit_facts"]

D = Decimal


def _graph(ruleset: Ruleset | EvaluationGraph) -> EvaluationGraph:
    return ruleset.graph if isinstance(ruleset, Ruleset) else ruleset


@st.composite
def _dates(draw: st.DrawFn, deadline: DeadlineRule, kinds: dict[str, str]) -> dict[str, Any]:
    timed = any(kinds.get(f) == "datetime" for f in (deadline.end, deadline.start or ""))
    fmt = "%Y-%m-%d %H:%M" if timed else "%Y-%m-%d"
    if deadline.by is not None:
        end = dt.datetime.combine(deadline.by, dt.time(9)) + dt.timedelta(
            days=draw(st.integers(-20, 20))
        )
        return {deadline.end: end.strftime(fmt)}
    start = dt.datetime(2020, 1, 2, 9) + dt.timedelta(
        days=draw(st.integers(0, 300)), hours=draw(st.integers(0, 8))
    )
    late = draw(st.integers(0, 40))
    end = start + (
        dt.timedelta(hours=late) if deadline.unit == "hours" else dt.timedelta(days=late)
    )
    done = draw(st.integers(0, 9)) > 0
    return {
        deadline.start or "": start.strftime(fmt),
        deadline.end: end.strftime(fmt) if done else None,
    }


_SUBMITTED = st.sampled_from([None, "2021-01-18", "2021-01-20", "2021-01-21", "2021年2月1日"])


@st.composite
def _typed_evidence(draw: st.DrawFn) -> dict[str, Any]:
    """``{"link": …, "screenshot": …, "submitted": …}``, some kinds missing, some late."""
    kinds = draw(
        st.lists(st.sampled_from(["link", "screenshot", "certificate"]), min_size=1, unique=True)
    )
    typed: dict[str, Any] = {kind: f"https://example.gov.cn/gk/{kind}" for kind in kinds}
    submitted = draw(_SUBMITTED)
    if submitted is not None:
        typed["submitted"] = submitted
    return typed


_PIECES = st.one_of(
    st.just("https://example.gov.cn/gk/1"),
    st.just("证明材料.pdf"),
    st.just({"ref": "https://example.gov.cn/news/1", "kind": "news"}),
    st.just({"ref": "县司法局证明.pdf", "kind": "certificate"}),
    st.builds(
        lambda day: {"ref": "截图.png", "kind": "screenshot", "submitted": day},
        st.sampled_from(["2021-01-19", "2021-01-22"]),
    ),
    _typed_evidence(),
)
_EVIDENCE = st.one_of(st.lists(_PIECES, max_size=2), _typed_evidence())
"""A cell's evidence: none, plain links and files, news, typed pieces, early or late."""

_NA_CELLS = st.sampled_from(
    [
        "n/a",
        {"na": "本单位无行政执法权"},
        {"not_applicable": True, "statement": "未有建议提案"},
        {"not_applicable": True, "evidence": ["情况说明.pdf"]},
        {"na": True},
    ]
)
"""N/A as a unit declares it: bare, or with a statement (as text or a 情况说明 file)."""


@st.composite
def _item_cell(draw: st.DrawFn, node: GraphNode) -> dict[str, Any]:
    """The facts of one item: every field its rules read, in range, and some evidence."""
    kinds = dict(node.fields)
    cell: dict[str, Any] = {}
    for field, kind in kinds.items():
        if field == "awarded":
            halves = int(node.points * 2)
            cell[field] = str(D(draw(st.integers(0, halves))) / 2)
        elif kind == "bool":
            cell[field] = draw(st.booleans())
        elif kind == "count":
            cell[field] = draw(st.integers(0, 6))
        elif kind == "rate":
            cell[field] = str(draw(st.decimals(0, 1, places=2)))
        elif kind == "number":
            cell[field] = draw(st.integers(0, 20))
    for clause in node.clauses:
        if isinstance(clause, DeductMissing):
            cell[clause.fact] = draw(st.integers(0, int(clause.of)))
    record_kinds = {name: dict(fields) for name, fields in node.record_fields}
    for records, deadline in node.deadlines():
        if records is None:
            cell.update(draw(_dates(deadline, kinds)))
        else:
            cell[records] = [
                draw(_dates(deadline, record_kinds.get(records, {})))
                for _ in range(draw(st.integers(0, 3)))
            ]
    cell["evidence"] = draw(_EVIDENCE)
    if draw(st.integers(0, 5)) == 0:  # a statement, which counts where a list is empty
        cell["statement"] = "本单位2020年无此类事项"
    return cell


@st.composite
def unit_facts(
    draw: st.DrawFn,
    ruleset: Ruleset | EvaluationGraph,
    tags: frozenset[str] = frozenset(),
    allow_missing: bool = True,
) -> dict[str, Any]:
    """One unit's facts that fit ``ruleset``: every value valid, some cells N/A (with and
    without a statement, on any scored node), lists of records empty or not, evidence
    missing, news-only, short of a kind or late, and (with ``allow_missing``) some facts
    missing."""
    g = _graph(ruleset)
    facts: dict[str, Any] = {}
    for node in g.nodes:
        if node.scoring not in ("item", "direct", "survey"):
            continue
        if node.applies_to is not None and not node.applies_to & tags:
            continue
        if allow_missing and draw(st.integers(0, 15)) == 0:
            continue
        if node.na is not None and draw(st.integers(0, 6)) == 0:
            facts[node.id] = draw(_NA_CELLS)  # on items and directly scored components alike
            continue
        if node.scoring == "direct":
            low, high = node.direct_range or (D(0), node.points)
            facts[node.id] = str(draw(st.decimals(low, high, places=1)))
            continue
        if node.scoring == "survey":
            facts[node.id] = {name: draw(st.integers(0, 40)) for name, _ in node.answers}
            continue
        facts[node.id] = draw(_item_cell(node))
    for veto in g.vetoes:
        schema = g.fact_schema.get(veto.id, {})
        facts[veto.id] = {
            f: (draw(st.booleans()) if k == "bool" else draw(st.integers(0, 1)))
            for f, k in schema.items()
        }
    return facts


@st.composite
def cohorts(
    draw: st.DrawFn,
    ruleset: Ruleset | EvaluationGraph,
    min_units: int = 1,
    max_units: int = 6,
    allow_missing: bool = True,
) -> dict[str, Any]:
    """A facts document of ``min_units``..``max_units`` units fitting ``ruleset``."""
    g = _graph(ruleset)
    count = draw(st.integers(min_units, max_units))
    units = []
    for i in range(count):
        tags = (
            frozenset(draw(st.lists(st.sampled_from(g.tags), max_size=2, unique=True)))
            if g.tags
            else frozenset()
        )
        if g.groups:  # a unit is in exactly one group (else DR410): one group's tag only
            group = draw(st.sampled_from(g.groups))
            tags = frozenset(t for t in tags if t in group) or frozenset({group[0]})
        units.append(
            {
                "id": f"单位{i + 1}",
                "tags": sorted(tags),
                "facts": draw(unit_facts(g, tags, allow_missing)),
            }
        )
    return {"description": "hypothesis-generated", "units": units}
