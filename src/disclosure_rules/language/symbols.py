"""What the checker learns and the compiler reads: parameter values in force, the
type of every fact a ruleset reads, and the checker's report.

Both :mod:`~disclosure_rules.language.checker` and the compiler import these, so
neither depends on the other's internals.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs

from ..errors import Diagnostic, Span
from . import syntax

__all__ = [
    "ZEROABLE",
    "CheckReport",
    "DefaultInForce",
    "FactType",
    "ParamValue",
    "ReadingValue",
    "node_points",
    "resolve_params",
]

FactType = str
"""One of ``"number"``, ``"count"``, ``"rate"``, ``"bool"``, ``"date"``, ``"datetime"``,
``"records"`` (a list of dated records; their fields' types are kept apart)."""

ZEROABLE = frozenset({"number", "count", "rate", "bool"})
"""The fact types ``absent zero`` can stand in for (0, or false); never dates or records."""


@attrs.frozen
class ParamValue:
    """A parameter's value in force, and where it came from."""

    name: str
    value: Decimal
    default: Decimal
    description: str
    assumed: bool
    overridden: bool
    span: Span
    percent: bool = False
    range: tuple[Decimal, Decimal] | None = None  # declared: the values it may take


@attrs.frozen
class ReadingValue:
    """A reading of an ambiguous clause, and the alternative in force."""

    name: str
    title: str
    alternative: str  # the one in force
    default: str
    selected: bool  # chosen explicitly (even if it is the default), not left to the default
    alternatives: tuple[tuple[str, str, str | None], ...]  # (name, meaning, cite)
    cite: str | None = None
    reason: str | None = None  # why the default is the default
    line: int = 0

    @property
    def meaning(self) -> str:
        """What the alternative in force means."""
        return next(meaning for name, meaning, _ in self.alternatives if name == self.alternative)

    @property
    def choice(self) -> str:
        """``NAME=ALTERNATIVE``, as ``--reading`` takes it and the audit shows it."""
        return f"{self.name}={self.alternative}"


def resolve_params(
    ruleset: syntax.Ruleset, overrides: Mapping[str, Decimal] | None = None
) -> dict[str, ParamValue]:
    """The ruleset's parameters with overrides applied (unknown names are the caller's)."""
    overrides = overrides or {}
    out: dict[str, ParamValue] = {}
    for p in ruleset.params:
        if p.name in out:
            continue
        given = p.name in overrides
        value = overrides[p.name] if given else p.default.value
        out[p.name] = ParamValue(
            p.name,
            value,
            p.default.value,
            p.description,
            assumed=p.assumed and not given,
            overridden=given,
            span=p.span,
            percent=p.default.percent,
            range=_declared_range(p),
        )
    return out


def _declared_range(p: syntax.Param) -> tuple[Decimal, Decimal] | None:
    """The parameter's declared range, when both bounds are numbers (else the checker's)."""
    if p.range is None:
        return None
    low, high = p.range.low, p.range.high
    if isinstance(low, syntax.Literal) and isinstance(high, syntax.Literal):
        return (low.value, high.value)
    return None


def node_points(node: syntax.Node) -> syntax.Number | None:
    """A node's declared points (a bonus's cap); None for a section that declares none."""
    return node.cap if isinstance(node, syntax.Bonus) else node.points


@attrs.frozen
class DefaultInForce:
    """The ``absent`` declaration that says what one fact means when it is not supplied,
    for one node that reads it; ``declared_on`` is the declaring node's id (the ruleset's
    for its policy block) and ``kind`` the fact's type."""

    declaration: syntax.FactDefault
    declared_on: str
    kind: FactType


@attrs.frozen
class CheckReport:
    """What the checker learnt: diagnostics, parameter values and the facts each node reads."""

    diagnostics: tuple[Diagnostic, ...]
    params: dict[str, ParamValue]
    fact_types: dict[tuple[str, str], FactType]
    record_types: dict[tuple[str, str], dict[str, FactType]]
    readings: tuple[ReadingValue, ...] = ()
    # reader (an item, bonus, survey component or veto) → (node, field) → its default
    defaults: dict[str, dict[tuple[str, str], DefaultInForce]] = attrs.field(factory=dict)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)
