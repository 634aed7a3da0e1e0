"""The shapes of a report's figures: what a report shows, as exact values.

:func:`~.figures.summarise` computes a :class:`Summary` from a run's results; the
templates and charts read it. Every figure is a ``Decimal`` or a count; the classes
carry no computation beyond a share and an ordering.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from ..decimals import divide

__all__ = [
    "Evidence",
    "GroupFigures",
    "ItemFigures",
    "Loss",
    "Overview",
    "Param",
    "RankRow",
    "Rate",
    "Reason",
    "SectionFigures",
    "Summary",
    "UnitPage",
]


@attrs.frozen
class Rate:
    """``part`` of ``whole``: a count (units, records) or points; ``value`` is the share."""

    part: Decimal
    whole: Decimal

    @property
    def value(self) -> Decimal | None:
        return divide(self.part, self.whole) if self.whole else None


@attrs.frozen
class Param:
    name: str
    value: Decimal
    assumed: bool
    overridden: bool
    description: str | None


@attrs.frozen
class Overview:
    """概述: what was assessed, on which ruleset and facts, with which parameters."""

    ruleset_id: str
    title: str
    issuer: str | None
    year: int | None
    source: str | None
    ruleset_hash: str
    maximum: Decimal
    facts_source: str
    facts_hash: str
    facts_description: str | None
    synthetic: bool
    engine_version: str
    units: int
    groups: tuple[tuple[str, int], ...]  # (group name, units); one ("", n) without groups
    groups_cite: str | None
    scheme: tuple[tuple[str, str, Decimal, Decimal | None], ...]  # (id, title, points, weight)
    params: tuple[Param, ...]
    assumed_structure: tuple[str, ...]  # nodes, rules, scores the source does not state
    readings: tuple[str, ...]
    warnings: int

    @property
    def grouped(self) -> bool:
        """Whether the ruleset ranks its units in groups."""
        return any(name for name, _ in self.groups)

    @property
    def weighted(self) -> bool:
        """Whether any section carries a weight (components: Yifeng's 70% / 30%)."""
        return any(weight is not None for *_, weight in self.scheme)


@attrs.frozen
class RankRow:
    rank: int
    unit: str
    total: Decimal
    grade: str | None
    vetoes: tuple[str, ...]


@attrs.frozen
class GroupFigures:
    """结果, for one group (the whole cohort when the ruleset declares none)."""

    name: str
    units: int
    mean: Decimal
    median: Decimal
    minimum: Decimal
    maximum: Decimal
    stdev: Decimal  # population standard deviation of the totals
    grades: tuple[tuple[str, int], ...]  # every band of the ruleset, in its order
    ranking: tuple[RankRow, ...]
    top: tuple[RankRow, ...]
    bottom: tuple[RankRow, ...]
    totals: tuple[Decimal, ...]


@attrs.frozen
class Reason:
    """One audit entry that explains a lost point: the rule, its line and cite."""

    kind: str
    rule: str | None
    delta: Decimal
    line: int | None
    cite: str | None
    note: str | None
    inputs: str
    assumption: str | None = None  # why the rule is assumed, when the source does not state it


@attrs.frozen
class Loss:
    unit: str
    group: str | None
    lost: Decimal
    score: Decimal
    maximum: Decimal
    status: str
    reasons: tuple[Reason, ...]


@attrs.frozen
class ItemFigures:
    """One item of a section: its rates across the cohort and who lost points there."""

    id: str
    title: str
    path: tuple[str, ...]  # titles from below the section down to the item
    points: Decimal
    line: int
    cite: str | None
    full_marks: Rate  # units with full points / units assessed
    on_time: Rate | None  # records on time / records judged, for deadline rates
    lost: Decimal
    losses: tuple[Loss, ...]  # by points lost, most first

    @property
    def cites(self) -> tuple[str, ...]:
        """The cites of the rules that took points here, each once, in order."""
        found = (r.cite for loss in self.losses for r in loss.reasons if r.cite)
        return tuple(dict.fromkeys(found))


@attrs.frozen
class SectionFigures:
    """内容, for one section or dimension."""

    id: str
    title: str
    points: Decimal
    cite: str | None
    rate: Rate
    group_rates: tuple[tuple[str, Rate], ...]
    items: tuple[ItemFigures, ...]  # in the ruleset's order

    @property
    def lost_items(self) -> tuple[ItemFigures, ...]:
        """Items where points were lost, most points first (ties in the ruleset's order)."""
        lost = [item for item in self.items if item.losses]
        return tuple(sorted(lost, key=lambda item: -item.lost))


@attrs.frozen
class Evidence:
    item: str
    title: str
    accepted: tuple[str, ...]
    rejected: tuple[str, ...]


@attrs.frozen
class UnitPage:
    """A unit's page: its standing, its section rates, every lost point, its evidence."""

    id: str
    group: str | None
    tags: tuple[str, ...]
    total: Decimal
    maximum: Decimal
    grade: str | None
    rank: int
    of: int  # units in its group
    vetoes: tuple[tuple[str, str, str | None], ...]  # (id, title, cite)
    conversions: tuple[tuple[str, Decimal, Decimal], ...]  # (title, value, points)
    moved: tuple[Reason, ...]  # a quota or a veto that moved the grade
    section_rates: tuple[tuple[str, Rate], ...]  # (section id, rate)
    losses: tuple[tuple[str, ItemFigures, Loss], ...]  # (section id, item, loss)
    adjustments: tuple[tuple[str, Reason], ...]  # clamps and scalings above the items
    evidence: tuple[Evidence, ...]
    warnings: tuple[str, ...]


@attrs.frozen
class Summary:
    """Every figure of a report, in the order the report shows them."""

    overview: Overview
    groups: tuple[GroupFigures, ...]
    grade_names: tuple[str, ...]
    sections: tuple[SectionFigures, ...]
    units: tuple[UnitPage, ...]
    rounding: int
    group_titles: tuple[tuple[str, str], ...] = ()  # (group name, its title)

    def group_title(self, name: str) -> str:
        """The title a reader sees for group ``name`` (its name when it has none)."""
        return dict(self.group_titles).get(name, name)

    def section(self, section_id: str) -> SectionFigures:
        return next(s for s in self.sections if s.id == section_id)
