"""What a ruleset requires of a unit's material, compiled: evidence, statements, records.

Part of the evaluation graph (:mod:`.graph`): each item carries the requirements
in force on it, inherited from the policy block and its ancestors like every
policy. :class:`EvidenceNeeds` is what required evidence must hold (its kinds and
the day it was due), :class:`StatementRule` that a unit's own "not applicable"
counts only with a statement (做出说明), :class:`EmptyRule` what an empty list of
records means. The engine judges them (:mod:`disclosure_rules.evaluation.evidence`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import attrs

__all__ = [
    "NO_NEEDS",
    "PLAIN_KIND",
    "EmptyRule",
    "EvidenceNeeds",
    "StatementRule",
    "kinds_text",
]

PLAIN_KIND = "link"
"""The kind a piece of evidence counts as when it names none (a plain string: a web
address, the evidence every scheme asks for first)."""


def kinds_text(kinds: tuple[frozenset[str], ...]) -> str:
    """``link and screenshot or certificate``: the alternatives as the ruleset writes them."""
    return " or ".join(" and ".join(sorted(group)) for group in kinds)


@attrs.frozen
class EvidenceNeeds:
    """What required evidence must hold besides one accepted piece.

    ``kinds``: the alternatives, each a set of kinds needed together (none: any kind
    will do). ``by``: the last day evidence counts as submitted (on or before).
    """

    kinds: tuple[frozenset[str], ...] = ()
    kinds_line: int | None = None
    kinds_cite: str | None = None
    by: dt.date | None = None
    by_line: int | None = None
    by_cite: str | None = None

    def __bool__(self) -> bool:
        return bool(self.kinds) or self.by is not None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.kinds:
            out["requires"] = [sorted(group) for group in self.kinds]
        if self.by is not None:
            out["submitted_by"] = self.by.isoformat()
        return out


NO_NEEDS = EvidenceNeeds()
"""Evidence that needs nothing besides one accepted piece (the default)."""


@attrs.frozen
class StatementRule:
    """``not_applicable requires statement``, in force on a node: where it was declared."""

    declared_on: str
    line: int
    cite: str | None = None


EmptyMeaning = Literal["not_applicable", "full", "zero"]


@attrs.frozen
class EmptyRule:
    """``no RECORDS means MEANING``: what an item scores when the list is empty."""

    records: str
    meaning: EmptyMeaning
    line: int
    cite: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"records": self.records, "means": self.meaning, "line": self.line}
        if self.cite:
            out["cite"] = self.cite
        return out
