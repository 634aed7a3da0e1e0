"""Synthetic cohorts for any compiled ruleset: benchmarks and demonstration data.

``synthetic_facts(graph, units, seed)`` returns a facts document (the JSON
shape of docs/facts.md) whose every value fits the ruleset: awarded points
within range, counts, rates, survey answers, some N/A cells and some
unevidenced or news-only claims, and, where a ruleset requires kinds of evidence
or a submission day, typed evidence now and then short of a kind or late, so that
every policy is exercised. The same
seed always gives the same document.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from disclosure_rules.model.graph import DeadlineRule, EvaluationGraph, GraphNode
from disclosure_rules.model.rules import DeductMissing

LABEL = "合成演示数据 synthetic demonstration data — not real assessment results"


def _dated(deadline: DeadlineRule, rng: random.Random) -> dict[str, str | None]:
    """One set of dates for a deadline: mostly met, sometimes late or not done."""
    if deadline.by is not None:
        end: dt.date | dt.datetime = deadline.by - dt.timedelta(days=rng.randint(-3, 40))
        return {deadline.end: end.isoformat()}
    start = dt.datetime(2020, 3, 2, 9) + dt.timedelta(
        days=rng.randint(0, 250), hours=rng.randint(0, 8)
    )
    if deadline.unit == "hours":
        end = start + dt.timedelta(hours=rng.uniform(0, float(deadline.amount or 1) * 1.3))
        shown = {
            deadline.start or "": start.strftime("%Y-%m-%d %H:%M"),
            deadline.end: end.strftime("%Y-%m-%d %H:%M"),
        }
        return shown
    end = start + dt.timedelta(days=rng.randint(0, int(deadline.amount or 0) * 2))
    done = rng.random() > 0.03
    return {
        deadline.start or "": start.date().isoformat(),
        deadline.end: end.date().isoformat() if done else None,
    }


def _value(node: GraphNode, rng: random.Random) -> Any:
    fields = dict(node.fields)
    if node.scoring == "direct":
        low, high = node.direct_range or (Decimal(0), node.points)
        return str(
            (low + (high - low) * Decimal(rng.randint(55, 100)) / 100).quantize(Decimal("0.1"))
        )
    if node.scoring == "survey":
        return {name: rng.randint(0, 400) for name, _ in node.answers}
    facts: dict[str, Any] = {}
    for field, kind in fields.items():
        if field == "awarded":
            steps = int(node.points * 2)
            half_points = rng.choices([steps, steps - 1, steps // 2, 0], [80, 12, 6, 2])[0]
            facts[field] = Decimal(half_points) / 2
        elif kind == "bool":  # "met" is mostly true; other yes/no facts (reposted …) mostly not
            facts[field] = rng.random() < (0.8 if field == "met" else 0.1)
        elif kind in ("date", "datetime", "records"):
            continue  # written below, from the deadlines that read them
        elif kind == "count":
            facts[field] = rng.choice([0, 0, 0, 1, 2, 4])
        elif kind == "rate":
            facts[field] = Decimal(rng.randint(60, 100)) / 100
        else:
            facts[field] = rng.randint(0, 5)
    for clause in node.clauses:
        if isinstance(clause, DeductMissing):
            facts[clause.fact] = rng.randint(max(int(clause.of) - 3, 0), int(clause.of))
    for records, deadline in node.deadlines():
        if records is None:
            facts.update(_dated(deadline, rng))
        else:
            facts[records] = [_dated(deadline, rng) for _ in range(rng.randint(0, 4))]
    roll = rng.random()
    if roll < 0.03:
        return facts  # no evidence: not credited where evidence is required
    if roll < 0.05:
        facts["evidence"] = [
            {"ref": f"https://example.gov.cn/news/{rng.randint(1, 999)}", "kind": "news"}
        ]
    else:
        link = f"https://example.gov.cn/gk/{node.id}/{rng.randint(1, 9999)}"
        facts["evidence"] = _typed_evidence(node, link, rng) if node.evidence_needs else [link]
    return facts


def _typed_evidence(node: GraphNode, link: str, rng: random.Random) -> dict[str, str]:
    """Evidence of the kinds the item requires (the first alternative), submitted in time;
    now and then one kind short, or sent after the deadline."""
    needs = node.evidence_needs
    kinds = sorted(needs.kinds[0]) if needs.kinds else ["link"]
    typed = {kind: link if kind == "link" else f"{kind}/{node.id}.png" for kind in kinds}
    roll = rng.random()
    if roll < 0.02 and len(typed) > 1:
        del typed[kinds[-1]]  # a kind short
    if needs.by is not None:
        late = 0.02 <= roll < 0.04
        typed["submitted"] = (needs.by + dt.timedelta(days=2 if late else -2)).isoformat()
    return typed


def synthetic_facts(
    graph: EvaluationGraph,
    units: int,
    seed: int = 2020,
    names: list[str] | None = None,
    tags: list[list[str]] | None = None,
    na_rate: float = 0.02,
    missing_rate: float = 0.0,
) -> dict[str, Any]:
    rng = random.Random(seed)
    scored = [n for n in graph.nodes if n.scoring in ("item", "direct", "survey")]
    out = []
    for i in range(units):
        unit_id = names[i] if names and i < len(names) else f"unit-{i + 1:06d}"
        unit_tags = (
            tags[i]
            if tags and i < len(tags)
            else ([graph.tags[i % len(graph.tags)]] if graph.tags else [])
        )
        facts: dict[str, Any] = {}
        for node in scored:
            if node.applies_to is not None and not node.applies_to & set(unit_tags):
                continue
            if node.na is not None and node.scoring == "item" and rng.random() < na_rate:
                facts[node.id] = "n/a"
                continue
            if rng.random() < missing_rate:
                continue
            facts[node.id] = _value(node, rng)
        for veto in graph.vetoes:
            schema = graph.fact_schema.get(veto.id, {})
            facts[veto.id] = {f: (False if k == "bool" else 0) for f, k in schema.items()}
        out.append({"id": unit_id, "tags": unit_tags, "facts": facts})
    return {"description": LABEL, "synthetic": True, "units": out}
