"""Shared helpers: compile small rulesets from text and score tiny cohorts."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import settings

import disclosure_rules as dr

# default: a few dozen examples per property (fast local runs); CI: Hypothesis's own `ci`
# profile, active when CI is set (derandomised, no deadline, no database); thorough:
# HYPOTHESIS_PROFILE=thorough for 10,000 examples per property.
settings.register_profile("default", max_examples=40, deadline=None)
settings.register_profile("thorough", max_examples=10_000, deadline=None)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
elif not os.environ.get("CI"):
    settings.load_profile("default")


def D(text: str | int) -> Decimal:
    return Decimal(str(text))


def score(text: str, units: list[dict[str, Any]], **kwargs: Any) -> dr.Results:
    """Compile ``text`` and score ``units``; every result must reconcile."""
    ruleset = dr.compile(text, file="test.dr", params=kwargs.pop("params", None))
    results = ruleset.evaluate({"units": units}, **kwargs)
    if results.detail:
        assert results.reconcile() == []
    return results


def due_dates(node: Any) -> dict[str, str]:
    """The fixed deadlines (``END by DATE``) an item's conditions read: END → DATE."""
    out: dict[str, str] = {}

    def walk(cond: Any) -> None:
        if cond.deadline is not None and cond.deadline.by is not None:
            out[cond.deadline.end] = cond.deadline.by.isoformat()
        for part in cond.parts:
            walk(part)

    for clause in node.clauses:
        if clause.condition is not None:
            walk(clause.condition)
    return out


def full_marks(ruleset_id: str, tags: list[str], process: str | None = None) -> dict[str, Any]:
    """Facts giving every item the unit is assessed on its full points, with evidence:
    dated facts on their last good day, and no records that could be late."""
    g = dr.load(ruleset_id).graph
    facts: dict[str, Any] = {} if process is None else {"process": process}
    for node in g.nodes:
        if node.kind != "item" or (node.applies_to is not None and not node.applies_to & set(tags)):
            continue
        fields = dict(node.fields)
        entry: dict[str, Any] = {"evidence": [f"https://example.gov.cn/gk/{node.id}"]}
        due = due_dates(node)
        for field, kind in fields.items():
            if field == "awarded":
                entry[field] = str(node.points)
            elif kind == "records":
                entry[field] = []
            elif kind in ("date", "datetime"):
                entry[field] = due[field]
            elif kind == "rate":
                entry[field] = 1
            else:
                entry[field] = False if kind == "bool" else 0
        facts[node.id] = entry
    return facts


@pytest.fixture
def shipped_ids() -> list[str]:
    return [e.id for e in dr.catalog()]
