"""The audit recorder: where a run's rules write their ledger entries.

Scoring always runs the same code (:mod:`disclosure_rules.evaluation.engine`);
whether the audit is kept is only which tracer the run holds. A
:class:`Recorder` keeps every entry in columns (one list per node, indexed by
unit) that :mod:`disclosure_rules.evaluation.results` reads as each unit's
ledger; the :class:`NullTracer` of a run with detail off forgets them.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .audit import Entry

__all__ = ["Cell", "NullTracer", "RawEntry", "Recorder"]

RawEntry = tuple[Any, ...]
"""An :class:`Entry`'s fields as a plain tuple (``Entry._make`` restores it)."""

Cell = tuple[RawEntry, ...] | None
"""A ledger cell: None when the node wrote nothing for the unit, else its entries."""


class NullTracer:
    """The tracer of a run without detail: it keeps nothing."""

    __slots__ = ()

    columns: list[list[Cell]] | None = None

    def record(
        self,
        index: int,
        unit: int,
        kind: str,
        delta: Decimal,
        rule: str | None = None,
        line: int | None = None,
        cite: str | None = None,
        inputs: Mapping[str, Any] | None = None,
        note: str | None = None,
    ) -> None:
        """Forget the entry."""

    def add(self, index: int, unit: int, entry: Entry) -> None:
        """Forget the entry."""

    def restart(self, index: int, unit: int, entry: Entry) -> None:
        """Forget the entry."""


class Recorder:
    """The tracer of a run with detail: every entry, in order, per node and unit."""

    __slots__ = ("columns",)

    def __init__(self, nodes: int, units: int) -> None:
        self.columns: list[list[Cell]] = [[None] * units for _ in range(nodes)]

    def record(
        self,
        index: int,
        unit: int,
        kind: str,
        delta: Decimal,
        rule: str | None = None,
        line: int | None = None,
        cite: str | None = None,
        inputs: Mapping[str, Any] | None = None,
        note: str | None = None,
    ) -> None:
        raw = (kind, delta, rule, line, cite, inputs, note, None, None, None, None)
        column = self.columns[index]
        cell = column[unit]
        column[unit] = (raw,) if cell is None else (*cell, raw)

    def add(self, index: int, unit: int, entry: Entry) -> None:
        """Append ``entry`` to node ``index``'s ledger for ``unit``."""
        column = self.columns[index]
        cell = column[unit]
        raw = tuple(entry)
        column[unit] = (raw,) if cell is None else (*cell, raw)

    def restart(self, index: int, unit: int, entry: Entry) -> None:
        """Replace the cell with ``entry`` alone (a score that could not be computed
        keeps only the entry that says why, not the steps taken before it failed)."""
        self.columns[index][unit] = (tuple(entry),)
