"""Rule ids: how each rule of a node is named, for the checker and the compiler alike.

A rule's id is ``NODE.KIND.RULE``: the node's id, the kind of audit entry the rule
writes (``base``, ``deduct``, ``zero``) and the rule's name (``awarded``,
``deduct_when`` …). A node rarely has two rules of one kind and name; when it does,
each is told apart by the name declared after it (``deduct 1 when late as
late_reply`` → ``NODE.deduct.deduct_when.late_reply``). Without declared names they
fall back to their order in the source (``.1``, ``.2`` …), which a reordering
changes: the checker warns (DR171). Two rules of a node declared with one name are
an error (DR170).

Nothing here reads a line or a column: an id survives reformatting, comments,
edits above it and (with its declared name) reordering. The compiler gives every
compiled rule its id once (:mod:`disclosure_rules.model.compile_rules`); the audit
finds the id of an entry's rule through :func:`disclosure_rules.model.ids.rule_id`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import assert_never

from . import syntax

__all__ = ["RULE_KINDS", "Signature", "derive_ids", "signature", "stem"]

RULE_KINDS = {
    "awarded": "base",
    "all_or_nothing": "base",
    "full": "base",
    "rate": "base",
    "rate_on_time": "base",
    "deduct_per": "deduct",
    "deduct_missing": "deduct",
    "deduct_when": "deduct",
    "deduct_late": "deduct",
    "zero_when": "zero",
}
"""Each rule's name and the kind of audit entry it writes (docs/audit.md)."""

Signature = tuple[str, str | None]
"""A rule as its id sees it: its name (``deduct_when``) and its declared name, if any."""


def signature(rule: syntax.Rule) -> Signature:
    """The name and declared name of a syntax rule."""
    match rule:
        case syntax.Award():
            name: str = rule.mode
        case syntax.Rate():
            name = "rate"
        case syntax.RateOnTime():
            name = "rate_on_time"
        case syntax.DeductPer():
            name = "deduct_per"
        case syntax.DeductMissing():
            name = "deduct_missing"
        case syntax.DeductWhen():
            name = "deduct_when"
        case syntax.DeductLate():
            name = "deduct_late"
        case syntax.ZeroWhen():
            name = "zero_when"
        case _:
            assert_never(rule)
    return name, rule.name


def stem(node_id: str, name: str) -> str:
    """``NODE.KIND.RULE``: the id of a node's one rule of that name."""
    return f"{node_id}.{RULE_KINDS[name]}.{name}"


def derive_ids(node_id: str, rules: Sequence[Signature]) -> tuple[str, ...]:
    """The ids of a node's rules, in their order: the stem, then the declared name, or
    (two or more undeclared rules of one name) their ordinal among those rules."""
    undeclared: dict[str, int] = {}
    for name, declared in rules:
        if declared is None:
            undeclared[name] = undeclared.get(name, 0) + 1
    seen: dict[str, int] = {}
    ids = []
    for name, declared in rules:
        base = stem(node_id, name)
        if declared is not None:
            ids.append(f"{base}.{declared}")
        elif undeclared[name] > 1:
            seen[name] = seen.get(name, 0) + 1
            ids.append(f"{base}.{seen[name]}")
        else:
            ids.append(base)
    return tuple(ids)
