"""The audit ledger: plain data, reconciliation and rendering.

For each unit and node the engine writes the ordered :class:`Entry` list that
produced the node's score: the base (awarded, full, rate), each deduction,
each clamp (a floor or cap that absorbed something is an entry of its own),
each child's contribution, N/A provenance, evidence accepted or rejected.
Entries sum exactly to the score.

:func:`reconcile` verifies that from the JSON form alone, so results stored
by another system can be re-checked years later; :func:`render_text` turns
the same JSON form into the readable explanation with Chinese titles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any, NamedTuple

from ..decimals import ARITHMETIC, divide, round_half_up
from ..decimals import text as exact
from ..errors import display_width

__all__ = ["AUDIT_SCHEMA_VERSION", "Entry", "reconcile", "render_text"]

AUDIT_SCHEMA_VERSION = "1"
"""Version of the results/audit JSON schema documented in docs/audit.md."""


class Entry(NamedTuple):
    """One line of a node's ledger. ``delta`` is exact; entries sum to the node's score."""

    kind: str  # one of the kinds in docs/audit.md: base, deduct, clamp, child, na, …
    delta: Decimal
    rule: str | None = None
    line: int | None = None
    cite: str | None = None
    inputs: Mapping[str, Any] | None = None
    note: str | None = None
    child: str | None = None
    factor: Decimal | None = None
    divisor: Decimal | None = None  # a child's contribution is divide(score × factor, divisor)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "delta": exact(self.delta)}
        if self.rule is not None:
            out["rule"] = self.rule
        if self.line is not None:
            out["line"] = self.line
        if self.cite is not None:
            out["cite"] = self.cite
        if self.inputs:
            out["inputs"] = {k: _plain(v) for k, v in self.inputs.items()}
        if self.note is not None:
            out["note"] = self.note
        if self.child is not None:
            out["child"] = self.child
        if self.factor is not None:
            out["factor"] = exact(self.factor)
        if self.divisor is not None:
            out["divisor"] = exact(self.divisor)
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return exact(value)
    if hasattr(value, "to_dict"):  # evidence entries, kept as given until rendered
        return value.to_dict()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------- reconcile


def reconcile(unit: Mapping[str, Any]) -> list[str]:
    """Problems found re-adding one unit's audit (its JSON form); empty when it reconciles.

    Checks, for every node: the entries sum exactly to its score; every child
    contribution equals the child's own score times the recorded factor (divided by
    the recorded divisor, as :func:`divide` does); each child is counted once; clamps
    leave the running value at the bound; and the root's score is the unit's exact total.
    """
    with localcontext(ARITHMETIC):
        return _reconcile(unit)


def _reconcile(unit: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    audit = unit.get("audit")
    if not isinstance(audit, list) or not audit:
        return [f"unit {unit.get('id')!r}: no audit to reconcile (scored with detail off?)"]
    scores: dict[str, Decimal] = {}
    try:
        for node in audit:
            scores[node["node"]] = Decimal(node["score"])
        for node in audit:
            problems.extend(_reconcile_node(node, scores))
        root = audit[0]
        if Decimal(unit["total_exact"]) != scores[root["node"]]:
            problems.append(
                f"total {unit['total_exact']} differs from the root's score {root['score']}"
            )
    except (KeyError, TypeError, InvalidOperation) as exc:
        problems.append(f"unit {unit.get('id')!r}: malformed audit ({exc!r})")
    return [f"unit {unit.get('id')!r}: {p}" for p in problems]


def _reconcile_node(node: Mapping[str, Any], scores: Mapping[str, Decimal]) -> list[str]:
    problems = []
    name = node["node"]
    running = Decimal(0)
    counted: set[str] = set()
    for entry in node["entries"]:
        delta = Decimal(entry["delta"])
        running += delta
        child = entry.get("child")
        if child is not None:
            if child in counted:
                problems.append(f"node {name}: child {child} counted twice")
            counted.add(child)
            score = scores.get(child)
            factor = Decimal(entry.get("factor", "1"))
            divisor = entry.get("divisor")
            if score is None:
                problems.append(f"node {name}: entry for unknown child {child}")
                continue
            expected = score * factor
            if divisor is not None:
                expected = divide(expected, Decimal(divisor))
            if expected != delta:
                by = f" / {divisor}" if divisor is not None else ""
                problems.append(
                    f"node {name}: child {child} contributes {exact(delta)} but scored "
                    f"{exact(score)} × {exact(factor)}{by}"
                )
        if entry["kind"] == "clamp":
            bound = Decimal(entry["inputs"]["bound"])
            if running != bound:
                problems.append(
                    f"node {name}: clamp at line {entry.get('line')} leaves "
                    f"{exact(running)}, not its bound {exact(bound)}"
                )
    for child in node.get("children", []):
        if child not in counted:
            problems.append(f"node {name}: child {child} is not counted")
    if running != Decimal(node["score"]):
        problems.append(
            f"node {name}: entries add up to {exact(running)}, score is {node['score']}"
        )
    return problems


# ---------------------------------------------------------------- render


def render_text(unit: Mapping[str, Any], ruleset: Mapping[str, Any] | None = None) -> str:
    """One unit's audit as readable text (from its JSON form)."""
    places = int((ruleset or {}).get("rounding", 2))
    out: list[str] = []
    title = (ruleset or {}).get("title", "")
    out.append(f"{unit['id']}  {title}".rstrip())
    grade = unit.get("grade") or "—"
    rank = unit.get("rank")
    out.append(
        f"总分 total {_show(unit['total_exact'], places)} / {unit['max']}   "
        f"等次 grade {grade}   排名 rank {rank if rank is not None else '—'}"
    )
    for conv_id, conv in (unit.get("conversions") or {}).items():
        out.append(
            f"折算 {conv['title']} ({conv_id}): {_show(conv['exact'], places)} / {conv['points']}"
        )
    for veto in unit.get("vetoes") or []:
        out.append(f"单项否决 veto {veto['id']} “{veto['title']}” (line {veto['line']})")
    if ruleset is not None:
        out.append(f"ruleset {ruleset.get('id')} {ruleset.get('hash', '')}")
        assumed = ruleset.get("assumed_params") or []
        if assumed:
            out.append(f"built on assumed parameters: {', '.join(assumed)}")
    if unit.get("facts_hash"):
        out.append(f"facts {unit['facts_hash']}")
    out.append("")
    for node in unit.get("audit") or []:
        indent = "  " * int(node.get("depth", 0))
        head = f"{indent}{node.get('title', '')} [{node['node']}]"
        score = f"{_show(node['score'], places)} / {node['max']}"
        status = (
            ""
            if node.get("status") == "scored"
            else f"  ({_STATUS.get(node['status'], node['status'])})"
        )
        pad = max(2, 64 - display_width(head))
        out.append(f"{head}{' ' * pad}{score}{status}")
        for entry in node["entries"]:
            if entry["kind"] == "child":
                continue
            out.append(f"{indent}    {_entry_text(entry)}")
    for warning in unit.get("warnings") or []:
        out.append(f"warning: {warning}")
    return "\n".join(out) + "\n"


_STATUS = {
    "na": "不适用 not applicable",
    "missing": "未提供 no fact supplied",
    "not_credited": "不予认定 not credited",
    "skipped": "上级不适用 parent not applicable",
}


def _show(value: str, places: int) -> str:
    return str(round_half_up(Decimal(value), places))


def _signed(value: str) -> str:
    return value if value.startswith("-") else f"+{value}"


def _entry_text(entry: Mapping[str, Any]) -> str:
    kind = entry["kind"]
    inputs = entry.get("inputs") or {}
    parts = [f"{_signed(entry['delta']):>8}  {kind}"]
    if entry.get("rule") and entry["rule"] != kind:
        parts.append(entry["rule"])
    if inputs:
        parts.append(", ".join(f"{k}={_inline(v)}" for k, v in inputs.items()))
    if entry.get("note"):
        parts.append(f"— {entry['note']}")
    if entry.get("line") is not None:
        parts.append(f"(line {entry['line']})")
    text = "  ".join(parts)
    if entry.get("cite"):
        text += f"  「{entry['cite']}」"
    return text


def _inline(value: Any) -> str:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_inline(v)}" for k, v in value.items()) + "}"
    return str(value)
