"""What every check shares: the ruleset, the diagnostics found so far, the numbers.

Part of checking (syntax tree → diagnostics). One :class:`Context` is made per
run; the checks in :mod:`.tree`, :mod:`.rules` and :mod:`.results` report into it
and record what the compiler needs (parameter values, the type of every fact).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from decimal import Decimal

from ...decimals import text as _fmt
from ...errors import Diagnostic, Severity, Span, did_you_mean
from ...i18n import _
from .. import syntax
from ..symbols import FactType, ParamValue

__all__ = ["HUNDRED_PERCENT", "Context", "walk"]

HUNDRED_PERCENT = Decimal(1)


class Context:
    """One check of one ruleset: what was found, and what was learnt on the way."""

    def __init__(self, ruleset: syntax.Ruleset, params: dict[str, ParamValue]) -> None:
        self.r = ruleset
        self.params = params
        self.diagnostics: list[Diagnostic] = []
        self.used_params: set[str] = set()
        self.node_ids: dict[str, Span] = {}
        self.fact_types: dict[tuple[str, str], tuple[FactType, Span]] = {}
        self.record_types: dict[tuple[str, str], dict[str, tuple[FactType, Span]]] = {}
        self.reads: dict[str, set[tuple[str, str]]] = {}  # reader → the (node, field) it reads
        self.declared_tags = set(ruleset.tags)

    # ------------------------------------------------------------ reporting

    @functools.cached_property
    def lines(self) -> list[str]:
        """The ruleset's lines, for the diagnostics' excerpts (split at the first one)."""
        return self.r.text.splitlines()

    def report(
        self,
        code: str,
        msg: str,
        span: Span | None,
        hint: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        line = None
        own = span is not None and span.file == self.r.span.file  # not a base's line
        if span is not None and own and 0 < span.line <= len(self.lines):
            line = self.lines[span.line - 1]
        self.diagnostics.append(Diagnostic(code, msg, severity, span, hint, source_line=line))

    def warn(self, code: str, msg: str, span: Span | None, hint: str | None = None) -> None:
        self.report(code, msg, span, hint, Severity.WARNING)

    # ------------------------------------------------------------ numbers

    def value(self, number: syntax.Number | None) -> Decimal | None:
        """The number's value, or None when it names an unknown parameter (reported once)."""
        if number is None:
            return None
        if isinstance(number, syntax.Literal):
            return number.value
        self.used_params.add(number.name)
        if number.name in self.params:
            return self.params[number.name].value
        self.report(
            "DR102",
            _("unknown parameter {name!r}").format(name=number.name),
            number.span,
            did_you_mean(number.name, self.params)
            or _('declare it with: param NAME = VALUE "description"'),
        )
        return None

    def positive(self, number: syntax.Number, what: str) -> Decimal | None:
        """The number's value if it is more than 0; None (and DR114) if not."""
        value = self.value(number)
        if value is not None and value <= 0:
            self.report(
                "DR114",
                _("{what} must be more than 0, got {value}").format(what=what, value=_fmt(value)),
                number.span,
            )
            return None
        return value

    # ------------------------------------------------------------ names

    def declare(self, ident: str, span: Span) -> None:
        if ident in self.node_ids:
            first = self.node_ids[ident]
            self.report(
                "DR101",
                _("duplicate id {ident!r} (first used on line {line})").format(
                    ident=ident, line=first.line
                ),
                span,
                _("every section, item, component and veto needs its own id"),
            )
        else:
            self.node_ids[ident] = span

    def known_tag(self, tag: str, span: Span) -> None:
        if self.declared_tags and tag not in self.declared_tags:
            self.report(
                "DR102",
                _("unknown tag {tag!r}").format(tag=tag),
                span,
                did_you_mean(tag, self.declared_tags)
                or _("add it to the ruleset's tags declaration"),
            )


def walk(nodes: tuple[syntax.Node, ...]) -> Iterator[syntax.Node]:
    """Every node of a tree, parents before their children, in source order."""
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))
