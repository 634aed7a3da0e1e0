"""Judging a unit's evidence for an item, against what the ruleset requires of it.

Part of evaluation: the item kernel (:mod:`.kernels`) asks :func:`judge` before
the item's rules score it; the ledger (:mod:`.results`) asks
:func:`all_accepted` to derive the entry of evidence accepted whole. In order:

1. pieces of a rejected kind are set aside (``reject evidence news``);
2. pieces submitted after the deadline are set aside (``evidence submitted by``;
   a piece whose day is not given is not known to be late, and counts);
3. where evidence is required, what is left must be one piece at least, and
   hold the kinds of one alternative of ``evidence requires`` (a piece of no
   named kind counts as a ``link``, :data:`~disclosure_rules.model.requirements.PLAIN_KIND`).

The first requirement that fails decides, and its audit entry cites it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from ..facts import Evidence, NodeFacts
from ..i18n import _
from ..model.graph import GraphNode
from ..model.requirements import PLAIN_KIND, kinds_text

__all__ = ["Failure", "Verdict", "all_accepted", "judge"]


class Failure(NamedTuple):
    """Why required evidence is not accepted: the rule, its line and cite, the reason."""

    rule: str
    line: int | None
    cite: str | None
    reason: str
    inputs: dict[str, Any]


class Verdict(NamedTuple):
    """The pieces accepted, the pieces set aside (for the audit), and any failure."""

    accepted: tuple[Evidence, ...]
    set_aside: dict[str, Any]  # "rejected" / "late": the pieces, as the audit shows them
    cite: str | None  # the cite of the first reason a piece was set aside
    failure: Failure | None


def _shown(evidence: tuple[Evidence, ...]) -> list[str]:
    return [f"{e.ref} ({e.kind})" if e.kind else e.ref for e in evidence]


def all_accepted(node: GraphNode, facts: NodeFacts) -> bool:
    """Every piece of ``facts``' evidence passes the kind and deadline screens."""
    if not node.rejected.isdisjoint(facts.kinds):
        return False
    by = node.evidence_needs.by
    return by is None or not any(_late(e, by) for e in facts.evidence)


def _late(piece: Evidence, by: dt.date) -> bool:
    return piece.submitted is not None and piece.submitted > by


def judge(node: GraphNode, facts: NodeFacts) -> Verdict:
    """The verdict on ``facts``' evidence for item ``node`` (see the module docstring)."""
    evidence = facts.evidence
    accepted = evidence
    set_aside: dict[str, Any] = {}
    cite = None
    if not node.rejected.isdisjoint(facts.kinds):
        rejected = tuple(e for e in evidence if e.kind in node.rejected)
        accepted = tuple(e for e in evidence if e.kind not in node.rejected)
        set_aside["rejected"] = _shown(rejected)
        cite = node.rejected_cite
    needs = node.evidence_needs
    by = needs.by
    if by is not None:
        late = tuple(e for e in accepted if _late(e, by))
        if late:
            accepted = tuple(e for e in accepted if e not in late)
            set_aside["late"] = _shown(late)
            cite = cite or needs.by_cite
    failure = _failure(node, evidence, accepted, set_aside) if node.evidence_required else None
    return Verdict(accepted, set_aside, cite, failure)


def _failure(
    node: GraphNode,
    evidence: tuple[Evidence, ...],
    accepted: tuple[Evidence, ...],
    set_aside: dict[str, Any],
) -> Failure | None:
    needs = node.evidence_needs
    if not evidence:
        return Failure(
            "evidence_required", node.evidence_line, node.evidence_cite, "no evidence supplied", {}
        )
    if not accepted:
        shown = dict(set_aside)
        if "rejected" in set_aside:
            reason = _("every piece of evidence is of a rejected kind")
            if "late" in set_aside:
                reason = _("every piece of evidence is of a rejected kind or submitted late")
            return Failure(
                "evidence_rejected", node.rejected_line, node.rejected_cite, reason, shown
            )
        assert needs.by is not None
        reason = _("every piece of evidence was submitted after {day}").format(
            day=needs.by.isoformat()
        )
        return Failure("evidence_deadline", needs.by_line, needs.by_cite, reason, shown)
    if not needs.kinds:
        return None
    present = frozenset(e.kind or PLAIN_KIND for e in accepted)
    gaps: list[frozenset[str]] = [group - present for group in needs.kinds]
    if any(not gap for gap in gaps):
        return None
    closest = min(gaps, key=len)  # the alternative that lacks fewest kinds
    missing = sorted(closest)
    wanted = kinds_text(needs.kinds)
    reason = _("no {missing}: the evidence requires {wanted}").format(
        missing=" and no ".join(missing), wanted=wanted
    )
    inputs = {**set_aside, "present": sorted(present), "missing": missing, "requires": wanted}
    return Failure("evidence_kinds", needs.kinds_line, needs.kinds_cite, reason, inputs)
