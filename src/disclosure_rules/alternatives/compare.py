"""Comparing: one cohort scored under two rulesets, unit by unit.

The two sides (A and B) are any two compiled rulesets: two schemes (last year's and
this year's), a scheme and its overlay, or one scheme under two sets of readings or
parameters. The facts are read once and validated against each side; facts for an
item (or a field) only the other side reads are set aside on this side with a
warning (DR721), never an error. Both cohorts are scored in full, with their audits.

For each unit the comparison gives its total, grade and rank under each side, the
move (places gained under B: rank under A − rank under B; ranks are within a unit's
group when the ruleset ranks in groups), and the rules that account for the change:
the rules (named by :func:`~.rule_ids.rule_namer`) whose audit deltas differ, with
the delta under each side. A child's contribution to its parent is listed only where
its weight (factor) differs or the child is on one side only; otherwise it only passes
on what its own rules did.
Units come sorted by the largest move: absolute rank move, then absolute total change.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..decimals import ARITHMETIC, ZERO, round_half_up
from ..decimals import text as exact
from ..errors import Diagnostic, DisclosureRulesError, Severity
from ..evaluation.engine import Results, UnitResult, evaluate
from ..facts import Cohort, load_facts
from ..i18n import _
from ..model.graph import EvaluationGraph
from ..workdays import Calendar
from .rule_ids import rule_namer

__all__ = [
    "COMPARE_SCHEMA",
    "CompareError",
    "Comparison",
    "RuleChange",
    "UnitChange",
    "compare_results",
    "same_sides",
]

COMPARE_SCHEMA = "1"
"""Version of the ``compare --format json`` document (compare.schema.json)."""

Facts = str | os.PathLike[str] | Mapping[str, Any]


@attrs.frozen
class RuleChange:
    """A rule whose audit delta differs for one unit: its delta under each side (None:
    the rule did not act on the unit there, or the side has no such rule)."""

    rule: str
    a: Decimal | None
    b: Decimal | None


@attrs.frozen
class UnitChange:
    """One unit under both sides."""

    a: UnitResult
    b: UnitResult
    rules: tuple[RuleChange, ...]

    @property
    def id(self) -> str:
        return self.a.id

    @property
    def move(self) -> int:
        """Places gained under B (rank under A − rank under B): 2 is two places up."""
        return self.a.rank - self.b.rank

    @property
    def change(self) -> Decimal:
        """The total under B minus the total under A, exact."""
        return ARITHMETIC.subtract(self.b.total, self.a.total)

    @property
    def grade_changed(self) -> bool:
        return self.a.grade != self.b.grade


@attrs.frozen
class Comparison:
    """A cohort scored under two rulesets; ``units`` sorted by the largest move."""

    a: Results
    b: Results
    units: tuple[UnitChange, ...]
    warnings: tuple[Diagnostic, ...]

    def moved(self) -> list[UnitChange]:
        """The units whose rank changes, largest move first."""
        return [u for u in self.units if u.move != 0]

    def labels(self) -> tuple[str, str]:
        """How each side is shown: its ruleset, and the readings and parameters in force
        that differ from the other side's."""
        return _label(self.a.graph, self.b.graph), _label(self.b.graph, self.a.graph)

    def to_dict(self) -> dict[str, Any]:
        """The ``compare --format json`` document (compare.schema.json)."""
        label_a, label_b = self.labels()
        return {
            "schema": COMPARE_SCHEMA,
            "a": _side(self.a, label_a),
            "b": _side(self.b, label_b),
            "units": [_unit_dict(u, self.a.graph.rounding, self.b.graph.rounding) for u in self],
            "warnings": [w.to_dict() for w in self.warnings],
        }

    def __iter__(self) -> Iterator[UnitChange]:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)


def compare_results(
    a: EvaluationGraph,
    b: EvaluationGraph,
    facts: Facts,
    *,
    strict: bool = False,
    calendar: Calendar | None = None,
) -> Comparison:
    """Score ``facts`` under ``a`` and ``b`` and compare them unit by unit."""
    cohort_a = _cohort(facts, a, b)
    cohort_b = _cohort(facts, b, a)
    results_a = evaluate(a, cohort_a, strict=strict, calendar=calendar)
    results_b = evaluate(b, cohort_b, strict=strict, calendar=calendar)
    deltas_a, deltas_b = _Deltas(a), _Deltas(b)
    changes = [
        UnitChange(ua, ub, _rule_changes(deltas_a(ua), deltas_b(ub)))
        for ua, ub in zip(results_a.units, results_b.units, strict=True)
    ]
    order = {u.id: i for i, u in enumerate(changes)}
    changes.sort(key=lambda u: (-abs(u.move), -abs(u.change), order[u.id]))
    warnings = [
        *_set_aside(cohort_a, "A", a, b),
        *_set_aside(cohort_b, "B", b, a),
        *_sided(results_a.warnings, "A"),
        *_sided(results_b.warnings, "B"),
    ]
    return Comparison(results_a, results_b, tuple(changes), tuple(warnings))


class CompareError(DisclosureRulesError, ValueError):
    """Two sides that cannot be compared (DR720)."""


def same_sides(a: EvaluationGraph, b: EvaluationGraph) -> None:
    """Refuse two sides that are one ruleset under the same readings and parameters:
    nothing could differ (DR720), and a comparison saying so would hide a misspelt
    option."""
    if a.ruleset_hash == b.ruleset_hash and _label(a, b) == a.id and _label(b, a) == b.id:
        msg = _(
            "both sides are {id} under the same readings and parameters: nothing to compare"
        ).format(id=a.id)
        hint = _("give the sides different readings or parameters (--a-reading, --b-param …)")
        raise CompareError(Diagnostic("DR720", msg, file=a.file, hint=hint))


# ---------------------------------------------------------------- facts


def _readable(graph: EvaluationGraph) -> set[str]:
    """The item ids and ``node.field`` facts a ruleset reads."""
    names = {v.id for v in graph.vetoes}
    names |= {f"{v}.{field}" for v, fields in graph.fact_schema.items() for field in fields}
    for n in graph.nodes:
        if n.scoring in ("item", "direct", "survey"):
            names.add(n.id)
            names.update(f"{n.id}.{field}" for field, _ in n.fields)
    return names


def _cohort(facts: Facts, graph: EvaluationGraph, other: EvaluationGraph) -> Cohort:
    """The facts validated against ``graph``, what only ``other`` reads set aside."""
    return load_facts(facts, graph, set_aside=_readable(other) - _readable(graph))


def _set_aside(
    cohort: Cohort, side: str, graph: EvaluationGraph, other: EvaluationGraph
) -> Iterator[Diagnostic]:
    for name, units in cohort.set_aside.items():
        shown = ", ".join(units[:3]) + (f" and {len(units) - 3} more" if len(units) > 3 else "")
        what = "item" if "." not in name else "fact"
        msg = _(
            "facts for {name} (given by {shown}) are not used under "
            "{side}: only {id} ({value}) reads this {what}"
        ).format(
            name=name,
            shown=shown,
            side=side,
            id=other.id,
            value="B" if side == "A" else "A",
            what=what,
        )
        yield Diagnostic("DR721", msg, Severity.WARNING, file=cohort.source, fact=name)


def _sided(warnings: list[Diagnostic], side: str) -> Iterator[Diagnostic]:
    """The engine's warnings of one side, the side named."""
    for w in warnings:
        yield attrs.evolve(w, message=f"under {side}: {w.message}")


# ---------------------------------------------------------------- rules


Deltas = dict[str, tuple[Decimal, tuple[Decimal | None, ...] | None]]


class _Deltas:
    """Each rule's delta on a unit of one ruleset (summed over its entries), and for a
    child's contribution the weight it was made with."""

    def __init__(self, graph: EvaluationGraph) -> None:
        self.graph = graph
        self.name = rule_namer(graph)

    def __call__(self, unit: UnitResult) -> Deltas:
        out: Deltas = {}
        for node in unit.nodes():
            index = self.graph.by_id[node.id]
            for entry in node.entries:
                key = self.name(index, entry)
                if entry.kind == "child":
                    out[key] = (entry.delta, (entry.factor, entry.divisor))
                    continue
                before = out.get(key, (ZERO, None))[0]
                out[key] = (ARITHMETIC.add(before, entry.delta), None)
        return out


def _rule_changes(in_a: Deltas, in_b: Deltas) -> tuple[RuleChange, ...]:
    """The rules whose deltas differ between the two sides (a child's contribution only
    where its weight differs or it is on one side only), in the order the rules come
    in A, then B."""
    changes = []
    for key in dict.fromkeys([*in_a, *in_b]):
        da, db = in_a.get(key), in_b.get(key)
        if da is not None and db is not None:
            if da[0] == db[0] or (da[1] is not None and da[1] == db[1]):
                continue
        elif (da or db or (ZERO, None))[0] == ZERO:
            continue  # a step that moved nothing on the one side that has it
        changes.append(RuleChange(key, da[0] if da else None, db[0] if db else None))
    return tuple(changes)


# ---------------------------------------------------------------- JSON


def _label(graph: EvaluationGraph, other: EvaluationGraph) -> str:
    theirs = {r.name: r.alternative for r in other.readings}
    values = {p.name: p.value for p in other.params}
    choices = [r.choice for r in graph.readings if theirs.get(r.name) != r.alternative]
    choices += [
        f"{p.name}={exact(p.value)}"
        for p in graph.params
        if p.name in values and values[p.name] != p.value
    ]
    return graph.id + (f" ({', '.join(choices)})" if choices else "")


def _side(results: Results, label: str) -> dict[str, Any]:
    g = results.graph
    return {
        "label": label,
        "ruleset": g.id,
        "hash": g.ruleset_hash,
        "readings": {r.name: r.alternative for r in g.readings},
        "params": {p.name: exact(p.value) for p in g.params},
        "facts_hash": results.facts_hash,
    }


def _standing(unit: UnitResult, places: int) -> dict[str, Any]:
    return {
        "total": exact(round_half_up(unit.total, places)),
        "total_exact": exact(unit.total),
        "grade": unit.grade,
        "rank": unit.rank,
        "group": unit.group,
    }


def _unit_dict(unit: UnitChange, places_a: int, places_b: int) -> dict[str, Any]:
    return {
        "id": unit.id,
        "a": _standing(unit.a, places_a),
        "b": _standing(unit.b, places_b),
        "move": unit.move,
        "change": exact(unit.change),
        "grade_changed": unit.grade_changed,
        "rules": [
            {
                "rule": r.rule,
                "a": None if r.a is None else exact(r.a),
                "b": None if r.b is None else exact(r.b),
            }
            for r in unit.rules
        ],
    }
