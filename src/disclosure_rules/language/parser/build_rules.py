"""Building the syntax tree, part one: atoms, conditions, rules and node statements.

Part of parsing: the parser's reductions (:mod:`.reductions`) →
:mod:`~disclosure_rules.language.syntax` nodes. Each method is named for the grammar
rule it builds, and is called as the parser recognises that rule, with the rule's
positions (``meta``) and its children (tokens and what the methods built for them).
This part builds the small things (numbers, fact references, conditions, deadlines,
item rules, a node's owner, policies and bounds); :mod:`.build_tree` builds the tree,
the results and the ruleset from them. Literal problems (a full-width name, a date
that is not a calendar date) are collected as the builder goes, not raised at the
first.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from lark import Token

from ...errors import Diagnostic, FileLine, Span
from ...i18n import _
from .. import syntax
from .prescan import MAX_DIGITS

__all__ = ["RuleBuilder", "unquote"]


_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPED = {"n": "\n", "t": "\t"}  # any other escaped character stands for itself


def unquote(tok: Token) -> str:
    """A string token's text, its quotes taken off and its escapes read."""
    body = str(tok)[1:-1]
    if "\\" not in body:
        return body
    return _ESCAPE.sub(lambda m: _ESCAPED.get(m.group(1), m.group(1)), body)


class _RuleName(str):
    """A rule's declared name (``as NAME``), told apart from the names around it."""

    @property
    def name(self) -> str:
        return str(self)


class RuleBuilder:
    """Builds AST nodes as the parser recognises each rule; collects literal problems
    as it goes."""

    def __init__(self, file: str, text: str, *, base: bool = False) -> None:
        """``base``: the text is the base of an overlay, so each span's line is a
        :class:`~disclosure_rules.errors.FileLine` that names the file (what the
        overlay's tree takes from it says where it comes from)."""
        self.file = file
        self.text = text
        self.problems: list[Diagnostic] = []
        self._line: Callable[[int], int] = (lambda n: FileLine(n, file)) if base else int

    # -- helpers

    @functools.cached_property
    def lines(self) -> list[str]:
        """The text's lines, for the problems' excerpts (split at the first one)."""
        return self.text.splitlines()

    def _sp(self, meta: Any) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.file, self._line(1), 1)
        return Span(self.file, self._line(meta.line), meta.column, meta.end_line, meta.end_column)

    def _tok_span(self, tok: Token) -> Span:
        line = self._line(tok.line or 1)
        return Span(self.file, line, tok.column or 1, tok.end_line, tok.end_column)

    def _problem(self, code: str, msg: str, span: Span, hint: str | None = None) -> None:
        line = self.lines[span.line - 1] if 0 < span.line <= len(self.lines) else None
        self.problems.append(Diagnostic(code, msg, span=span, hint=hint, source_line=line))

    def _name(self, tok: Token) -> str:
        name = str(tok)
        normal = unicodedata.normalize("NFKC", name)
        if normal != name:
            msg = _("name {name!r} contains full-width or compatibility characters").format(
                name=name
            )
            self._problem(
                "DR007",
                msg,
                self._tok_span(tok),
                _("write it as {normal!r}").format(normal=normal),
            )
        return name

    def _split_origin(
        self, children: list[Any]
    ) -> tuple[list[Any], syntax.Cite | None, syntax.Assumption | None]:
        """The children before a trailing cite or ``assumed "why"``, the cite, the assumption."""
        if children and isinstance(children[-1], syntax.Cite):
            return children[:-1], children[-1], None
        if children and isinstance(children[-1], syntax.Assumption):
            return children[:-1], children[-1].cite, children[-1]
        return children, None, None

    def _split_cite(self, children: list[Any]) -> tuple[list[Any], syntax.Cite | None]:
        """The children before a trailing cite, and the cite, on a construct that cannot
        be marked assumed (an ``assumed "why"`` there is a problem; its cite is kept)."""
        rest, cite, assumption = self._split_origin(children)
        if assumption is not None:
            self._problem(
                "DR012",
                _(
                    "only a component, section, item, bonus, rule, direct score "
                    "or conversion can be marked assumed"
                ),
                assumption.span,
                _(
                    "a number the source does not give is a parameter marked "
                    "assumed, before its description: param NAME = 90 assumed "
                    '"why"'
                ),
            )
        return rest, cite

    def _props_and_rules(
        self, body: list[Any]
    ) -> tuple[syntax.NodeProps, tuple[syntax.Rule, ...], tuple[syntax.Node, ...]]:
        owner = remark = None
        applies = na = resolve = statement = None
        evidence: list[syntax.EvidencePolicy] = []
        empty: list[syntax.EmptyRecords] = []
        bounds: list[syntax.Bound] = []
        when: list[syntax.When] = []
        absent: list[syntax.FactDefault] = []
        rules: list[syntax.Rule] = []
        children: list[syntax.Node] = []
        for stmt in body:
            match stmt:
                case ("owner", str() as text, _):
                    owner = text
                case ("remark", str() as text, _):
                    remark = text if remark is None else f"{remark}\n{text}"
                case syntax.AppliesTo():
                    applies = stmt
                case syntax.NaPolicy():
                    na = stmt
                case syntax.EvidencePolicy():
                    evidence.append(stmt)
                case syntax.StatementRequired():
                    statement = stmt
                case syntax.EmptyRecords():
                    empty.append(stmt)
                case syntax.Bound():
                    bounds.append(stmt)
                case syntax.Resolve():
                    resolve = stmt
                case syntax.When():
                    when.append(stmt)
                case syntax.FactDefault():
                    absent.append(stmt)
                case syntax.Item() | syntax.Section() | syntax.Bonus():
                    children.append(stmt)
                case _:
                    rules.append(stmt)
        props = syntax.NodeProps(
            owner=owner,
            remark=remark,
            applies_to=applies,
            not_applicable=na,
            evidence=tuple(evidence),
            bounds=tuple(bounds),
            resolve=resolve,
            when=tuple(when),
            absent=tuple(absent),
            na_statement=statement,
            empty=tuple(empty),
        )
        return props, tuple(rules), tuple(children)

    # -- atoms

    def _number(self, meta: Any, tok: Token) -> Decimal:
        """A literal's exact value; over :data:`MAX_DIGITS` digits, a problem and 0."""
        value = Decimal(str(tok).rstrip("%"))
        digits = len(value.as_tuple().digits)
        if digits > MAX_DIGITS:
            self._problem(
                "DR011",
                _("this number has {digits:,} digits, over the limit of {max_digits}").format(
                    digits=digits, max_digits=MAX_DIGITS
                ),
                self._sp(meta),
                _("points, amounts and thresholds are small numbers; check for a typing slip"),
            )
            return Decimal(0)
        return value

    def literal(self, meta: Any, children: list[Token]) -> syntax.Literal:
        return syntax.Literal(self._number(meta, children[0]), self._sp(meta))

    def percent(self, meta: Any, children: list[Token]) -> syntax.Literal:
        value = self._number(meta, children[0]) / 100  # exact: at most 40 digits
        return syntax.Literal(value, self._sp(meta), percent=True)

    def param_ref(self, meta: Any, children: list[Token]) -> syntax.ParamRef:
        return syntax.ParamRef(self._name(children[0]), self._sp(meta))

    def cite(self, meta: Any, children: list[Token]) -> syntax.Cite:
        return syntax.Cite(unquote(children[0]), self._sp(meta))

    passage = cite  # the cite an assumption rests on

    def assumption(self, meta: Any, children: list[Any]) -> syntax.Assumption:
        _keyword, reason, *passage = children
        cite = passage[0] if passage else None
        assumption = syntax.Assumption(unquote(reason), self._sp(meta), cite)
        if not assumption.reason.strip():
            self._problem(
                "DR115",
                _("an assumption's reason is empty"),
                assumption.span,
                _("say what the source does not state, and how the ruleset reads it"),
            )
        return assumption

    def name_list(self, meta: Any, children: list[Token]) -> tuple[str, ...]:
        return tuple(self._name(t) for t in children)

    def fact_ref(self, meta: Any, children: list[Token]) -> syntax.FactRef:
        names = [self._name(t) for t in children]
        if len(names) == 2:
            return syntax.FactRef(names[0], names[1], self._sp(meta))
        return syntax.FactRef(None, names[0], self._sp(meta))

    # -- conditions

    def compare(self, meta: Any, children: list[Any]) -> syntax.Compare:
        fact, op, value = children
        return syntax.Compare(fact, str(op), value, self._sp(meta))  # type: ignore[arg-type]

    def truthy(self, meta: Any, children: list[Any]) -> syntax.Truthy:
        return syntax.Truthy(children[0], self._sp(meta))

    def negate(self, meta: Any, children: list[Any]) -> syntax.Not:
        return syntax.Not(children[0], self._sp(meta))

    def met(self, meta: Any, children: list[Any]) -> syntax.Met:
        return syntax.Met(children[0], self._sp(meta))

    def all_met(self, meta: Any, children: list[Any]) -> syntax.AllMet:
        return syntax.AllMet(self._name(children[0]), children[1], self._sp(meta))

    def time_unit(self, meta: Any, children: list[Token]) -> str:
        return str(children[0])

    evidence_mode = na_policy = resolve_mode = award_mode = absent_mode = empty_meaning = time_unit

    def deadline_relative(self, meta: Any, children: list[Any]) -> syntax.Deadline:
        end, amount, unit, start = children
        return syntax.Deadline(self._name(end), self._sp(meta), self._name(start), amount, unit)

    def deadline_fixed(self, meta: Any, children: list[Any]) -> syntax.Deadline:
        end, day = children
        return syntax.Deadline(self._name(end), self._sp(meta), by=self._date(day))

    def _date(self, tok: Token) -> Any:
        try:
            return dt.date.fromisoformat(str(tok))
        except ValueError:
            self._problem(
                "DR008",
                _("{text} is not a calendar date").format(text=tok),
                self._tok_span(tok),
                _("write a real date as YYYY-MM-DD"),
            )
            return dt.date(1970, 1, 1)

    def and_cond(self, meta: Any, children: list[Any]) -> syntax.AllOf:
        return syntax.AllOf(tuple(children), self._sp(meta))

    def or_cond(self, meta: Any, children: list[Any]) -> syntax.AnyOf:
        return syntax.AnyOf(tuple(children), self._sp(meta))

    # -- rules

    def rule_name(self, meta: Any, children: list[Token]) -> _RuleName:
        return _RuleName(self._name(children[0]))

    def _split_rule(
        self, children: list[Any]
    ) -> tuple[list[Any], syntax.Cite | None, syntax.Assumption | None, str | None]:
        """A rule's children before its origin and declared name, the cite, the
        assumption and the name (``as NAME``)."""
        rest, cite, assumption = self._split_origin(children)
        if rest and isinstance(rest[-1], _RuleName):
            return rest[:-1], cite, assumption, rest[-1].name
        return rest, cite, assumption, None

    def award(self, meta: Any, children: list[Any]) -> syntax.Award:
        rest, cite, assumed, name = self._split_rule(children)
        mode = str(rest[0])
        return syntax.Award(mode, self._sp(meta), cite, assumed, name)  # type: ignore[arg-type]

    def rate(self, meta: Any, children: list[Any]) -> syntax.Rate:
        rest, cite, assumed, name = self._split_rule(children)
        return syntax.Rate(rest[0], self._sp(meta), cite, assumed, name)

    def deduct_per(self, meta: Any, children: list[Any]) -> syntax.DeductPer:
        rest, cite, assumed, name = self._split_rule(children)
        cap = rest[2] if len(rest) > 2 else None
        return syntax.DeductPer(rest[0], rest[1], self._sp(meta), cap, cite, assumed, name)

    def deduct_missing(self, meta: Any, children: list[Any]) -> syntax.DeductMissing:
        rest, cite, assumed, name = self._split_rule(children)
        return syntax.DeductMissing(rest[0], rest[1], rest[2], self._sp(meta), cite, assumed, name)

    def deduct_when(self, meta: Any, children: list[Any]) -> syntax.DeductWhen:
        rest, cite, assumed, name = self._split_rule(children)
        return syntax.DeductWhen(rest[0], rest[1], self._sp(meta), cite, assumed, name)

    def deduct_late(self, meta: Any, children: list[Any]) -> syntax.DeductLate:
        rest, cite, assumed, name = self._split_rule(children)
        cap = rest[3] if len(rest) > 3 else None
        return syntax.DeductLate(
            rest[0], self._name(rest[1]), rest[2], self._sp(meta), cap, cite, assumed, name
        )

    def rate_on_time(self, meta: Any, children: list[Any]) -> syntax.RateOnTime:
        rest, cite, assumed, name = self._split_rule(children)
        records = self._name(rest[0])
        return syntax.RateOnTime(records, rest[1], self._sp(meta), cite, assumed, name)

    def zero_when(self, meta: Any, children: list[Any]) -> syntax.ZeroWhen:
        rest, cite, assumed, name = self._split_rule(children)
        return syntax.ZeroWhen(rest[0], self._sp(meta), cite, assumed, name)

    # -- node statements

    def owner(self, meta: Any, children: list[Token]) -> tuple[str, str, Span]:
        return ("owner", unquote(children[0]), self._sp(meta))

    def remark(self, meta: Any, children: list[Token]) -> tuple[str, str, Span]:
        return ("remark", unquote(children[0]), self._sp(meta))

    def applies_to(self, meta: Any, children: list[Any]) -> syntax.AppliesTo:
        rest, cite = self._split_cite(children)
        return syntax.AppliesTo(rest[0], self._sp(meta), cite)

    def not_applicable(self, meta: Any, children: list[Any]) -> syntax.NaPolicy:
        rest, cite = self._split_cite(children)
        over = rest[1] if len(rest) > 1 else ()
        return syntax.NaPolicy(str(rest[0]), self._sp(meta), over, cite)  # type: ignore[arg-type]

    def fact_default(self, meta: Any, children: list[Any]) -> syntax.FactDefault:
        rest, cite = self._split_cite(children)
        over = rest[1] if len(rest) > 1 else ()
        return syntax.FactDefault(str(rest[0]), self._sp(meta), over, cite)  # type: ignore[arg-type]

    def evidence_required(self, meta: Any, children: list[Any]) -> syntax.EvidencePolicy:
        rest, cite = self._split_cite(children)
        return syntax.EvidencePolicy(str(rest[0]) == "required", self._sp(meta), (), cite)

    def evidence_rejected(self, meta: Any, children: list[Any]) -> syntax.EvidencePolicy:
        rest, cite = self._split_cite(children)
        return syntax.EvidencePolicy(None, self._sp(meta), rest[0], cite)

    def kind_set(self, meta: Any, children: list[Token]) -> tuple[str, ...]:
        return tuple(self._name(t) for t in children)

    def evidence_kinds(self, meta: Any, children: list[Any]) -> syntax.EvidencePolicy:
        rest, cite = self._split_cite(children)
        return syntax.EvidencePolicy(None, self._sp(meta), (), cite, kinds=tuple(rest))

    def evidence_deadline(self, meta: Any, children: list[Any]) -> syntax.EvidencePolicy:
        rest, cite = self._split_cite(children)
        return syntax.EvidencePolicy(None, self._sp(meta), (), cite, by=self._date(rest[0]))

    def na_statement(self, meta: Any, children: list[Any]) -> syntax.StatementRequired:
        _, cite = self._split_cite(children)
        return syntax.StatementRequired(self._sp(meta), cite)

    def no_records(self, meta: Any, children: list[Any]) -> syntax.EmptyRecords:
        rest, cite = self._split_cite(children)
        meaning = str(rest[1])
        return syntax.EmptyRecords(self._name(rest[0]), meaning, self._sp(meta), cite)  # type: ignore[arg-type]

    def floor(self, meta: Any, children: list[Any]) -> syntax.Bound:
        rest, cite = self._split_cite(children)
        value = None if isinstance(rest[0], Token) and rest[0].type == "NONE" else rest[0]
        below = any(isinstance(t, Token) and t.type == "BELOW" for t in rest[1:])
        return syntax.Bound("floor", value, self._sp(meta), cite, below)

    def cap(self, meta: Any, children: list[Any]) -> syntax.Bound:
        rest, cite = self._split_cite(children)
        return syntax.Bound("cap", rest[0], self._sp(meta), cite)

    def resolve(self, meta: Any, children: list[Any]) -> syntax.Resolve:
        rest, cite = self._split_cite(children)
        return syntax.Resolve(str(rest[0]), self._sp(meta), cite)  # type: ignore[arg-type]

    # -- readings

    def when_reading(self, meta: Any, children: list[Any]) -> syntax.When:
        reading, alternative, *body = children
        props, rules, _ = self._props_and_rules(body)
        return syntax.When(
            self._name(reading), self._name(alternative), self._sp(meta), props, rules
        )

    policy_when = when_reading

    def params_when(self, meta: Any, children: list[Any]) -> syntax.When:
        reading, alternative, *params = children
        return syntax.When(
            self._name(reading), self._name(alternative), self._sp(meta), params=tuple(params)
        )
