"""Reconcile, proven: tampered ledgers built from real results are rejected, with their message.

Each test takes a unit of the Yifeng townships example as scored (its JSON form), changes
one thing a tamperer or a faulty system could change, and pins the message
:func:`disclosure_rules.reconcile` gives. The untouched audits of every shipped example
reconcile.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import disclosure_rules as dr
from disclosure_rules.decimals import text as exact

EXAMPLES = Path(__file__).parents[1] / "examples"
Unit = dict[str, Any]


@pytest.fixture(scope="module")
def townships() -> dict[str, Any]:
    ruleset = dr.load("yifeng-2020-townships")
    doc: dict[str, Any] = ruleset.evaluate(EXAMPLES / "yifeng-2020-townships.facts.json").to_dict()
    return doc


def find(doc: dict[str, Any], test: Callable[[Unit, dict[str, Any]], bool]) -> tuple[Unit, str]:
    """A copy of the first unit with a node for which ``test`` holds, and that node's id."""
    for unit in doc["units"]:
        for node in unit["audit"]:
            if test(unit, node):
                return copy.deepcopy(unit), node["node"]
    raise AssertionError("the example has no such node")


def node_of(unit: Unit, name: str) -> dict[str, Any]:
    return next(n for n in unit["audit"] if n["node"] == name)


def kinds(node: dict[str, Any]) -> list[str]:
    return [e["kind"] for e in node["entries"]]


def problems(unit: Unit, **kwargs: Any) -> list[str]:
    found = dr.reconcile(unit, **kwargs)
    assert found, "the tampered unit reconciles"
    return found


def added(entries: list[dict[str, Any]]) -> str:
    """The entries' deltas added up, as reconcile prints a sum."""
    return exact(sum((Decimal(e["delta"]) for e in entries), Decimal(0)))


def label(unit: Unit) -> str:
    return f"unit {unit['id']!r}: "


# ---------------------------------------------------------------- untouched


@pytest.mark.parametrize(
    "ruleset_id",
    [
        "yifeng-2020-townships",
        "yifeng-2020-departments",
        "shanghai-2020-districts",
        "shanghai-2020-departments",
        "changzhou-2020",
    ],
)
def test_every_unit_of_every_shipped_example_reconciles(ruleset_id: str) -> None:
    doc = dr.load(ruleset_id).evaluate(EXAMPLES / f"{ruleset_id}.facts.json").to_dict()
    for unit in doc["units"]:
        assert dr.reconcile(unit, facts_hash=doc["facts"]["hash"]) == []


def test_a_unit_read_back_from_json_reconciles(townships: dict[str, Any]) -> None:
    unit = json.loads(json.dumps(townships["units"][0], ensure_ascii=False))
    assert dr.reconcile(unit) == []


# ---------------------------------------------------------------- scores and totals


def test_a_changed_item_score_is_rejected(townships: dict[str, Any]) -> None:
    unit, name = find(townships, lambda u, n: n["kind"] == "item" and n["score"] == "2")
    node_of(unit, name)["score"] = "1.5"
    assert label(unit) + f"node {name}: entries add up to 2, score is 1.5" in problems(unit)


def test_a_changed_total_is_rejected(townships: dict[str, Any]) -> None:
    unit = copy.deepcopy(townships["units"][0])
    root_score = unit["audit"][0]["score"]
    unit["total_exact"] = "100"
    assert problems(unit) == [label(unit) + f"total 100 differs from the root's score {root_score}"]


def test_a_changed_nodes_summary_is_rejected(townships: dict[str, Any]) -> None:
    unit, name = find(townships, lambda u, n: n["kind"] == "item" and n["score"] == "2")
    unit["nodes"][name]["exact"] = "0"
    assert problems(unit) == [
        label(unit) + f"node {name}: the nodes summary says '0' (scored), its audit says 2 (scored)"
    ]


# ---------------------------------------------------------------- entries


def test_a_dropped_deduction_is_rejected(townships: dict[str, Any]) -> None:
    unit, name = find(townships, lambda u, n: kinds(n)[-2:] == ["base", "deduct"])
    node = node_of(unit, name)
    del node["entries"][-1]
    assert problems(unit) == [
        label(unit)
        + f"node {name}: entries add up to {added(node['entries'])}, score is {node['score']}"
    ]


def test_a_dropped_child_entry_is_rejected(townships: dict[str, Any]) -> None:
    unit, name = find(townships, lambda u, n: n["kind"] == "section" and len(n["entries"]) > 1)
    node = node_of(unit, name)
    dropped = node["entries"].pop(0)
    running = added(node["entries"])
    assert problems(unit) == [
        label(unit) + f"node {name}: child {dropped['child']} is not counted",
        label(unit) + f"node {name}: entries add up to {running}, score is {node['score']}",
    ]


def test_a_dropped_na_entry_is_rejected(townships: dict[str, Any]) -> None:
    unit, name = find(townships, lambda u, n: n["status"] == "na" and kinds(n) == ["na"])
    node = node_of(unit, name)
    node["entries"] = []
    # the N/A value went with its entry: the sum is off too
    assert label(unit) + f"node {name}: status na but no na entry says why" in problems(unit)


def test_a_dropped_missing_entry_is_rejected(townships: dict[str, Any]) -> None:
    unit, name = find(townships, lambda u, n: n["status"] == "missing")
    node_of(unit, name)["entries"] = []
    assert problems(unit) == [
        label(unit) + f"node {name}: status missing but no missing entry says why"
    ]


def test_a_dropped_not_credited_entry_is_rejected(townships: dict[str, Any]) -> None:
    unit, name = find(townships, lambda u, n: n["status"] == "not_credited")
    node_of(unit, name)["entries"] = []
    assert problems(unit) == [
        label(unit) + f"node {name}: status not_credited but no evidence entry says why"
    ]


def test_reordered_child_entries_are_rejected(townships: dict[str, Any]) -> None:
    unit, name = find(townships, lambda u, n: n["kind"] == "section" and len(n["entries"]) > 1)
    node = node_of(unit, name)
    node["entries"][0], node["entries"][1] = node["entries"][1], node["entries"][0]
    first, second = node["entries"][0]["child"], node["entries"][1]["child"]
    assert problems(unit) == [label(unit) + f"node {name}: child {second} is counted after {first}"]


def test_a_clamp_moved_before_the_deduction_it_absorbed_is_rejected(
    townships: dict[str, Any],
) -> None:
    unit, name = find(townships, lambda u, n: kinds(n)[-2:] == ["deduct", "clamp"])
    node = node_of(unit, name)
    entries = node["entries"]
    entries[-1], entries[-2] = entries[-2], entries[-1]
    clamp = entries[-2]
    running = added(entries[:-1])
    where = f" (line {clamp['line']})" if "line" in clamp else ""  # a declared floor's line
    assert problems(unit) == [
        label(unit) + f"node {name}: the {clamp['rule']} at {clamp['inputs']['bound']}{where} "
        f"leaves {running}, not its bound"
    ]


def test_reordered_audit_nodes_are_rejected(townships: dict[str, Any]) -> None:
    unit = copy.deepcopy(townships["units"][0])
    audit = unit["audit"]
    audit[1], audit[2] = audit[2], audit[1]
    assert problems(unit)[0] == (
        label(unit) + f"the audit is not in the tree's order: position 1 holds node "
        f"{audit[1]['node']} at depth {audit[1]['depth']}, the tree puts {audit[2]['node']} "
        f"at depth {audit[2]['depth']} there"
    )


def test_a_dropped_audit_node_is_rejected(townships: dict[str, Any]) -> None:
    unit, name = find(townships, lambda u, n: n["kind"] == "item" and n["score"] == "0")
    parent = next(n for n in unit["audit"] if name in n.get("children", []))
    unit["audit"].remove(node_of(unit, name))
    assert label(unit) + f"node {parent['node']}: its child {name} has no audit node" in (
        problems(unit)
    )


def test_a_child_counted_twice_is_rejected(townships: dict[str, Any]) -> None:
    unit, name = find(townships, lambda u, n: n["kind"] == "section" and len(n["entries"]) > 1)
    node = node_of(unit, name)
    node["entries"].append(dict(node["entries"][0], delta="0"))
    child = node["entries"][0]["child"]
    assert problems(unit) == [label(unit) + f"node {name}: child {child} counted twice"]


# ---------------------------------------------------------------- deltas, factors


def test_a_changed_delta_is_rejected(townships: dict[str, Any]) -> None:
    unit = copy.deepcopy(townships["units"][0])
    root = unit["audit"][0]
    work = root["entries"][0]
    score = node_of(unit, work["child"])["score"]
    work["delta"] = "70"
    assert label(unit) + (
        f"node {root['node']}: child {work['child']} contributes 70 but scored {score} × 70 / 100"
    ) in problems(unit)


def test_a_changed_weight_is_rejected(townships: dict[str, Any]) -> None:
    unit = copy.deepcopy(townships["units"][0])
    root = unit["audit"][0]
    work = root["entries"][0]
    score = node_of(unit, work["child"])["score"]
    work["factor"] = "80"
    assert problems(unit) == [
        label(unit) + f"node {root['node']}: child {work['child']} contributes "
        f"{work['delta']} but scored {score} × 80 / 100"
    ]


# ---------------------------------------------------------------- hashes and shape


def test_a_malformed_facts_hash_is_rejected(townships: dict[str, Any]) -> None:
    unit = copy.deepcopy(townships["units"][0])
    unit["facts_hash"] = "sha256:edited"
    assert problems(unit) == [label(unit) + "facts_hash 'sha256:edited' is not a 'sha256:' hash"]


def test_a_facts_hash_other_than_the_results_is_rejected(townships: dict[str, Any]) -> None:
    unit = copy.deepcopy(townships["units"][0])
    recorded = townships["facts"]["hash"]
    unit["facts_hash"] = "sha256:" + "0" * 64
    assert problems(unit, facts_hash=recorded) == [
        label(unit)
        + f"facts hash sha256:{'0' * 64} differs from the results' facts hash {recorded}"
    ]


@pytest.mark.parametrize("value", ["abc", "Infinity", "NaN", "1e999999999", 1.5, None])
def test_a_delta_that_is_not_an_exact_decimal_is_rejected(
    townships: dict[str, Any], value: Any
) -> None:
    unit = copy.deepcopy(townships["units"][0])
    root = unit["audit"][0]
    root["entries"][0]["delta"] = value
    assert problems(unit) == [
        label(unit) + f"node {root['node']}: entry 1: delta {value!r} is not an exact decimal"
    ]


def test_a_unit_without_an_audit_says_so_once(townships: dict[str, Any]) -> None:
    unit = copy.deepcopy(townships["units"][0])
    del unit["audit"]
    assert problems(unit) == [label(unit) + "no audit to reconcile (scored with --no-detail?)"]


@pytest.mark.parametrize(
    "broken",
    [
        {"entries": "x"},
        {"entries": [1]},
        {"depth": "0"},
        {"status": "bogus"},
        {"children": "work"},
    ],
)
def test_malformed_nodes_give_problems_not_exceptions(
    townships: dict[str, Any], broken: dict[str, Any]
) -> None:
    unit = copy.deepcopy(townships["units"][0])
    unit["audit"][0].update(broken)
    found = problems(unit)
    assert all(p.startswith(label(unit)) for p in found)


def test_reconcile_refuses_what_is_not_a_unit() -> None:
    with pytest.raises(TypeError, match="one unit's JSON form"):
        dr.reconcile(None)  # type: ignore[arg-type]


def test_every_message_names_the_unit_once(townships: dict[str, Any]) -> None:
    unit = copy.deepcopy(townships["units"][0])
    unit["total_exact"] = "1"
    unit["audit"][0]["entries"][0]["delta"] = "1"
    found = problems(unit)
    assert len(found) >= 2
    assert all(p.count(repr(unit["id"])) == 1 for p in found)
