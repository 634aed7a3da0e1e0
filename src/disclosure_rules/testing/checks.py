"""Property checks: what must hold of any ruleset's results on any cohort.

The checking half of :mod:`disclosure_rules.testing` (the generating half is
:mod:`.strategies`). Each check scores a cohort (a facts document) with a compiled
ruleset and raises ``AssertionError`` saying what failed; :func:`check_all` runs them
all. They sit after evaluation and the audit in the pipeline: they read results,
reconcile audits and explain them.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
import random
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from ..api import Ruleset
from ..api import compile as compile_text
from ..decimals import ARITHMETIC, divide
from ..errors import expect_argument
from ..evaluation.audit import reconcile
from ..evaluation.engine import Results
from ..evaluation.explain import render_text
from ..model.graph import EvaluationGraph, GraphNode
from ..model.rules import DeductLate, DeductMissing, DeductPer, Rate, RateOnTime

__all__ = [
    "check_all",
    "check_bounded",
    "check_deterministic",
    "check_json_round_trip",
    "check_monotone",
    "check_na_consistency",
    "check_permutation",
    "check_reconciles",
]

D = Decimal


def _evaluate(ruleset: Ruleset, cohort: dict[str, Any]) -> Results:
    expect_argument(ruleset, Ruleset, "ruleset", "a compiled Ruleset (disclosure_rules.load)")
    expect_argument(cohort, dict, "cohort", "a facts document (a dict)")
    return ruleset.evaluate(copy.deepcopy(cohort))


def check_reconciles(ruleset: Ruleset, cohort: dict[str, Any]) -> None:
    """Every unit's audit adds up (see :func:`disclosure_rules.reconcile`)."""
    problems = _evaluate(ruleset, cohort).reconcile()
    assert not problems, "the audit does not reconcile:\n" + "\n".join(problems[:10])


def check_bounded(ruleset: Ruleset, cohort: dict[str, Any]) -> None:
    """Every node within its floor and cap (plus bonuses on top); totals in range."""
    results = _evaluate(ruleset, cohort)
    g = results.graph
    for unit in results.units:
        for node in g.nodes:
            score = unit.score(node.id)
            bonus = sum(
                (g.nodes[c].points for c in node.children if g.nodes[c].kind == "bonus"), D(0)
            )
            if node.floor.value is not None:
                assert score >= node.floor.value, (
                    f"unit {unit.id}: node {node.id} scored {score}, below its floor "
                    f"{node.floor.value}"
                )
            cap = node.cap.value if node.cap.value is not None else node.points
            assert score <= cap + bonus, (
                f"unit {unit.id}: node {node.id} scored {score}, above its cap {cap}"
                + (f" and {bonus} of bonuses" if bonus else "")
            )


Mutation = tuple[str, str, Callable[[dict[str, Any]], None], int]


def _mutations(cohort: dict[str, Any], g: EvaluationGraph) -> Iterator[Mutation]:
    """(unit, description, change, direction): direction -1 means the unit's total must
    not rise, +1 that it must not fall."""
    for unit in cohort["units"]:
        uid = unit["id"]
        for node_id, cell in unit["facts"].items():
            if not isinstance(cell, dict) or node_id not in g.by_id:
                continue
            yield from _node_mutations(uid, node_id, g.node(node_id), cell)


def _node_mutations(
    uid: str, node_id: str, node: GraphNode, cell: dict[str, Any]
) -> Iterator[Mutation]:
    """The changes to one unit's cell whose effect on its total is known in advance."""
    for clause in node.clauses:
        if isinstance(clause, DeductPer | DeductMissing | Rate):
            field = clause.fact
        elif isinstance(clause, DeductLate | RateOnTime):
            field = clause.records
        else:
            continue
        if isinstance(clause, DeductPer) and field in cell:

            def more(doc: dict[str, Any], u: str = uid, n: str = node_id, f: str = field) -> None:
                _cell(doc, u, n)[f] += 1

            yield uid, f"one more {node_id}.{field}", more, -1
        if isinstance(clause, DeductMissing) and field in cell and cell[field] < clause.of:

            def present(
                doc: dict[str, Any], u: str = uid, n: str = node_id, f: str = field
            ) -> None:
                _cell(doc, u, n)[f] += 1

            yield uid, f"one more present {node_id}.{field}", present, +1
        if isinstance(clause, DeductLate | RateOnTime) and field in cell and cell[field]:
            end = clause.deadline.end

            def later(
                doc: dict[str, Any], u: str = uid, n: str = node_id, f: str = field, e: str = end
            ) -> None:
                record = _cell(doc, u, n)[f][0]
                record[e] = _shift(record.get(e), 5)

            yield uid, f"a later {node_id}.{field}[1].{end}", later, -1
    sent = cell.get("evidence")
    if isinstance(sent, dict) and _ISO_DAY.fullmatch(str(sent.get("submitted", ""))):

        def sent_later(doc: dict[str, Any], u: str = uid, n: str = node_id) -> None:
            typed = _cell(doc, u, n)["evidence"]
            typed["submitted"] = _shift(typed["submitted"], 5)

        yield uid, f"evidence for {node_id} sent later", sent_later, -1
    if node.scoring == "item" and "evidence" in cell:

        def more_evidence(doc: dict[str, Any], u: str = uid, n: str = node_id) -> None:
            cell = _cell(doc, u, n)
            given = cell["evidence"]
            cell["evidence"] = [*(given if isinstance(given, list) else [given]), "https://x/more"]

        yield uid, f"more evidence for {node_id}", more_evidence, +1


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _cell(doc: dict[str, Any], uid: str, node_id: str) -> dict[str, Any]:
    unit = next(u for u in doc["units"] if u["id"] == uid)
    cell: dict[str, Any] = unit["facts"][node_id]
    return cell


def _shift(text: str | None, days: int) -> str | None:
    if text is None:
        return None
    fmt = "%Y-%m-%d %H:%M" if " " in text else "%Y-%m-%d"
    return (dt.datetime.strptime(text, fmt) + dt.timedelta(days=days)).strftime(fmt)


def check_monotone(ruleset: Ruleset, cohort: dict[str, Any], limit: int = 12) -> None:
    """More incidents, fewer elements present, later deliveries or evidence sent later
    never raise a unit's total; more evidence never lowers it. Tries up to ``limit``
    changes."""
    base = _evaluate(ruleset, cohort)
    totals = {u.id: u.total for u in base.units}
    for uid, what, change, direction in itertools.islice(_mutations(cohort, ruleset.graph), limit):
        changed = copy.deepcopy(cohort)
        change(changed)
        after = _evaluate(ruleset, changed).unit(uid).total
        if direction < 0:
            assert after <= totals[uid], (
                f"unit {uid}: {what} raised its total {totals[uid]} → {after}"
            )
        else:
            assert after >= totals[uid], (
                f"unit {uid}: {what} lowered its total {totals[uid]} → {after}"
            )


def check_na_consistency(ruleset: Ruleset, cohort: dict[str, Any]) -> None:
    """Each N/A cell is what its named policy says it is."""
    results = _evaluate(ruleset, cohort)
    g = results.graph
    units = results.units
    for node in g.nodes:
        if node.na is None:
            continue
        cells = [u for u in units if u.node(node.id).status == "na"]
        if not cells:
            continue
        assessed = [u for u in units if u.node(node.id).status not in ("na", "skipped")]
        for unit in cells:
            got = unit.node(node.id)
            policy = node.na.policy
            entries = [e for e in got.entries if e.kind == "na"]
            assert entries and entries[-1].rule == policy, (
                f"unit {unit.id}: N/A cell {node.id} does not record its policy {policy}"
            )
            if policy in ("rescale", "redistribute") or node.kind == "bonus":
                assert got.score == 0, f"unit {unit.id}: {policy} N/A cell {node.id} is not 0"
                continue
            inputs = entries[-1].inputs or {}
            if "component_score" in inputs:  # nothing to average or no sibling: own rate
                expected = (
                    divide(node.points * inputs["component_score"], inputs["component_max"])
                    if inputs["component_max"]
                    else D(0)
                )
            elif policy == "own_rate":
                expected = divide(node.points * inputs["siblings_score"], inputs["siblings_max"])
            elif policy == "average" or inputs.get("of") == "the cohort":
                expected = _mean([u.score(node.id) for u in assessed])
            else:
                over = node.na.over
                group = next((t for t in over if t in unit.tags), None)
                members = [
                    u for u in assessed if next((t for t in over if t in u.tags), None) == group
                ]
                expected = _mean([u.score(node.id) for u in members])
            expected = _clamped(node, expected)
            assert got.score == expected, (
                f"unit {unit.id}: N/A cell {node.id} ({policy}) is {got.score}, expected {expected}"
            )


def _clamped(node: GraphNode, value: Decimal) -> Decimal:
    """An N/A cell's value stays within its node's cap and floor."""
    if node.cap.value is not None:
        value = min(value, node.cap.value)
    if node.floor.value is not None:
        value = max(value, node.floor.value)
    return value


def _mean(values: list[Decimal]) -> Decimal:
    with_context = ARITHMETIC.create_decimal
    return divide(sum(values, with_context(0)), D(len(values)))


def check_permutation(ruleset: Ruleset, cohort: dict[str, Any], seed: int = 0) -> None:
    """Reordering the units changes no score, rank or grade."""
    before = {u.id: (u.total, u.rank, u.grade) for u in _evaluate(ruleset, cohort).units}
    shuffled = copy.deepcopy(cohort)
    random.Random(seed).shuffle(shuffled["units"])
    after = {u.id: (u.total, u.rank, u.grade) for u in _evaluate(ruleset, shuffled).units}
    assert before == after, "reordering the units changed results: " + ", ".join(
        f"{k}: {before[k]} → {after[k]}" for k in before if before[k] != after.get(k)
    )


def check_deterministic(ruleset: Ruleset, cohort: dict[str, Any]) -> None:
    """The same inputs give byte-identical JSON."""
    first = _evaluate(ruleset, cohort).to_json()
    second = _evaluate(ruleset, cohort).to_json()
    assert first == second, "two runs on the same inputs gave different JSON"


def check_json_round_trip(ruleset: Ruleset, cohort: dict[str, Any]) -> None:
    """The JSON results reconcile on their own and explain exactly as the live results."""
    results = _evaluate(ruleset, cohort)
    data = json.loads(results.to_json())
    for unit in data["units"]:
        assert reconcile(unit) == [], f"unit {unit['id']}: stored JSON does not reconcile"
        assert render_text(unit, data["ruleset"]) == results.explain(unit["id"]), (
            f"unit {unit['id']}: explaining the stored JSON differs from the live results"
        )


def check_all(ruleset: Ruleset, cohort: dict[str, Any]) -> None:
    """Every check above, under the readings in force and then under each other
    alternative of each reading in turn (the rest as they are)."""
    expect_argument(ruleset, Ruleset, "ruleset", "a compiled Ruleset (disclosure_rules.load)")
    for variant in every_reading(ruleset):
        _check_all_once(variant, cohort)


def every_reading(ruleset: Ruleset) -> list[Ruleset]:
    """``ruleset``, then the same ruleset with each other alternative of each of its
    readings in force, one at a time (compiled once per ruleset, then kept)."""
    known = _VARIANTS.get(id(ruleset))
    if known is not None and known[0] is ruleset:
        return known
    g = ruleset.graph
    params = {p.name: p.value for p in g.params if p.overridden} or None
    in_force = {r.name: r.alternative for r in g.readings}
    variants = [ruleset]
    for reading in g.readings:
        for name, _, _ in reading.alternatives:
            if name != reading.alternative:
                choice = {**in_force, reading.name: name}
                variants.append(
                    compile_text(ruleset.syntax.text, params, file=g.file, readings=choice)
                )
    _VARIANTS[id(ruleset)] = variants
    return variants


_VARIANTS: dict[int, list[Ruleset]] = {}


def _check_all_once(ruleset: Ruleset, cohort: dict[str, Any]) -> None:
    check_reconciles(ruleset, cohort)
    check_bounded(ruleset, cohort)
    check_monotone(ruleset, cohort)
    check_na_consistency(ruleset, cohort)
    check_permutation(ruleset, cohort)
    check_deterministic(ruleset, cohort)
    check_json_round_trip(ruleset, cohort)
