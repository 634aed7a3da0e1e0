"""Building the syntax tree, part two: nodes, components, results, the header, the ruleset.

Part of parsing: completes :class:`~.build_rules.RuleBuilder` with the grammar rules
that hold the small things it builds, up to the whole
:class:`~disclosure_rules.language.syntax.Ruleset`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

from lark import Token

from ...errors import Span
from ...i18n import _
from ...workdays import MAX_RANGE_DAYS
from .. import syntax
from .build_rules import RuleBuilder, unquote

__all__ = ["Builder"]


class Builder(RuleBuilder):
    """Builds the syntax tree as the parser recognises each rule; collects literal
    problems as it goes."""

    # -- tree

    def _node_head(
        self, children: list[Any]
    ) -> tuple[str, str, Any, syntax.Cite | None, syntax.Assumption | None, list[Any]]:
        ident, title, points, *rest = children
        cite = assumption = None
        if rest and isinstance(rest[0], syntax.Cite):
            cite, rest = rest[0], rest[1:]
        elif rest and isinstance(rest[0], syntax.Assumption):
            assumption, rest = rest[0], rest[1:]
            cite = assumption.cite
        return self._name(ident), unquote(title), points, cite, assumption, rest

    def node_body(self, meta: Any, children: list[Any]) -> list[Any]:
        return children

    def item(self, meta: Any, children: list[Any]) -> syntax.Item:
        ident, title, points, cite, assumed, rest = self._node_head(children)
        body = rest[0] if rest else []
        props, rules, kids = self._props_and_rules(body)
        return syntax.Item(ident, title, points, self._sp(meta), rules, props, cite, kids, assumed)

    def bonus(self, meta: Any, children: list[Any]) -> syntax.Bonus:
        ident, title, cap, cite, assumed, rest = self._node_head(children)
        body = rest[0] if rest else []
        props, rules, kids = self._props_and_rules(body)
        return syntax.Bonus(ident, title, cap, self._sp(meta), rules, props, cite, kids, assumed)

    def section(self, meta: Any, children: list[Any]) -> syntax.Section:
        if not isinstance(children[2], syntax.Literal | syntax.ParamRef):
            children = [*children[:2], None, *children[2:]]  # no points printed
        ident, title, points, cite, assumed, rest = self._node_head(children)
        props, rules, kids = self._props_and_rules(rest)
        return syntax.Section(
            ident, title, points, self._sp(meta), kids, rules, props, cite, assumed
        )

    def direct_score(self, meta: Any, children: list[Any]) -> syntax.DirectScore:
        rest, cite, assumed = self._split_origin(children)
        return syntax.DirectScore(rest[0], rest[1], self._sp(meta), cite, assumed)

    def answer(self, meta: Any, children: list[Any]) -> syntax.Answer:
        rest, cite = self._split_cite(children)
        return syntax.Answer(self._name(rest[0]), rest[1], self._sp(meta), cite)

    def outcome(self, meta: Any, children: list[Any]) -> syntax.Outcome:
        rest, cite = self._split_cite(children)
        return syntax.Outcome(self._name(rest[0]), rest[1], self._sp(meta), cite)

    def outcome_else(self, meta: Any, children: list[Any]) -> syntax.Outcome:
        rest, cite = self._split_cite(children)
        return syntax.Outcome(self._name(rest[0]), None, self._sp(meta), cite)

    def survey(self, meta: Any, children: list[Any]) -> syntax.Survey:
        answers = tuple(c for c in children if isinstance(c, syntax.Answer))
        outcomes = tuple(c for c in children if isinstance(c, syntax.Outcome))
        return syntax.Survey(answers, outcomes, self._sp(meta))

    def component_body(self, meta: Any, children: list[Any]) -> list[Any]:
        return children

    def component(self, meta: Any, children: list[Any]) -> syntax.Component:
        ident, title, *rest = children
        body = rest[-1]
        numbers, cite, assumed = self._split_origin(rest[:-1])
        points = numbers[0] if len(numbers) == 2 else None
        weight = numbers[-1]
        scored = [c for c in body if isinstance(c, syntax.DirectScore | syntax.Survey)]
        others = [c for c in body if not isinstance(c, syntax.DirectScore | syntax.Survey)]
        props, rules, kids = self._props_and_rules(others)
        direct = next((c for c in scored if isinstance(c, syntax.DirectScore)), None)
        survey = next((c for c in scored if isinstance(c, syntax.Survey)), None)
        return syntax.Component(
            self._name(ident),
            unquote(title),
            weight,
            self._sp(meta),
            points,
            kids,
            direct,
            survey,
            props,
            tuple(c.span for c in scored[1:]),
            cite,
            rules,
            assumed,
        )

    # -- results

    def grade(self, meta: Any, children: list[Any]) -> syntax.Grade:
        rest, cite = self._split_cite(children)
        quota = rest[2] if len(rest) > 2 else None
        return syntax.Grade(self._name(rest[0]), rest[1], self._sp(meta), quota, cite)

    def grade_else(self, meta: Any, children: list[Any]) -> syntax.Grade:
        rest, cite = self._split_cite(children)
        return syntax.Grade(self._name(rest[0]), None, self._sp(meta), None, cite)

    def grades(self, meta: Any, children: list[Any]) -> syntax.Grades:
        return syntax.Grades(tuple(children), self._sp(meta))

    def veto_grade(self, meta: Any, children: list[Any]) -> tuple[str, str]:
        return ("grade", self._name(children[0]))

    def veto_score(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("score", children[0])

    def veto(self, meta: Any, children: list[Any]) -> syntax.Veto:
        rest, cite = self._split_cite(children)
        ident, title, condition, *effects = rest
        grade = next((v for k, v in effects if k == "grade"), None)
        score = next((v for k, v in effects if k == "score"), None)
        return syntax.Veto(
            self._name(ident), unquote(title), condition, self._sp(meta), grade, score, cite
        )

    def date_item(self, meta: Any, children: list[Token]) -> tuple[dt.date, dt.date, Span] | None:
        first = self._date(children[0])
        last = self._date(children[-1])
        if last < first:
            self._problem(
                "DR008",
                _("range {start}..{end} ends before it starts").format(
                    start=children[0], end=children[-1]
                ),
                self._sp(meta),
            )
            return None
        return first, last, self._sp(meta)

    def date_list(
        self, meta: Any, children: list[tuple[dt.date, dt.date, Span] | None]
    ) -> tuple[dt.date, ...]:
        # A year's holidays or make-up days are at most a year of days: counted from the
        # ranges before any day is made, so 0001-01-01..9999-12-31 costs nothing.
        ranges = [r for r in children if r is not None]
        total = 0
        for first, last, span in ranges:
            total += (last - first).days + 1
            if total > MAX_RANGE_DAYS:
                self._problem(
                    "DR010",
                    _(
                        "these dates span {total:,} days by this range; a calendar "
                        "covers one year, so a list of dates is at most {max_days} "
                        "days"
                    ).format(total=total, max_days=MAX_RANGE_DAYS),
                    span,
                    _("list the holidays or make-up working days of the calendar's year only"),
                )
                return ()
        return tuple(
            first + dt.timedelta(days=i)
            for first, last, _ in ranges
            for i in range((last - first).days + 1)
        )

    def holidays(self, meta: Any, children: list[Any]) -> tuple[str, tuple[dt.date, ...]]:
        return ("holidays", children[0])

    def workdays(self, meta: Any, children: list[Any]) -> tuple[str, tuple[dt.date, ...]]:
        return ("workdays", children[0])

    def calendar(self, meta: Any, children: list[Any]) -> syntax.CalendarDecl:
        year, *parts = children
        holidays = tuple(d for kind, days in parts if kind == "holidays" for d in days)
        workdays = tuple(d for kind, days in parts if kind == "workdays" for d in days)
        return syntax.CalendarDecl(
            int(self._number(meta, year)), holidays, workdays, self._sp(meta)
        )

    def conversion(self, meta: Any, children: list[Any]) -> syntax.Conversion:
        rest, cite, assumed = self._split_origin(children)
        return syntax.Conversion(
            self._name(rest[0]), unquote(rest[1]), rest[2], self._sp(meta), cite, assumed
        )

    # -- readings

    def alternative(self, meta: Any, children: list[Any]) -> syntax.Alternative:
        rest, cite = self._split_cite(children)
        return syntax.Alternative(self._name(rest[0]), unquote(rest[1]), self._sp(meta), cite)

    def reading_default(self, meta: Any, children: list[Token]) -> tuple[str, str | None, Span]:
        reason = unquote(children[1]) if len(children) > 1 else None
        return self._name(children[0]), reason, self._sp(meta)

    def reading(self, meta: Any, children: list[Any]) -> syntax.Reading:
        name, title, *body = children
        cite = body.pop(0) if body and isinstance(body[0], syntax.Cite) else None
        alternatives = tuple(b for b in body if isinstance(b, syntax.Alternative))
        defaults = [b for b in body if isinstance(b, tuple)]
        default, reason, default_span = defaults[0] if defaults else (None, None, None)
        for _value, _reason, again in defaults[1:]:
            msg = _("reading {name} has more than one default").format(name=name)
            self._problem("DR152", msg, again, _("keep one: the alternative in force by default"))
        return syntax.Reading(
            self._name(name),
            unquote(title),
            alternatives,
            self._sp(meta),
            default,
            default_span,
            reason,
            cite,
        )

    # -- header and ruleset

    def param(self, meta: Any, children: list[Any]) -> syntax.Param:
        rest, cite = self._split_cite(children)
        name, default, *more = rest
        bounds = more.pop() if isinstance(more[-1], syntax.ParamRange) else None
        assumed = any(isinstance(t, Token) and t.type == "ASSUMED" for t in more)
        description = unquote(more[-1])
        if not isinstance(default, syntax.Literal):
            self._problem(
                "DR116",
                _("a parameter's default must be a number"),
                default.span,
                _("write a number such as 1 or 70%"),
            )
            default = syntax.Literal(Decimal(0), default.span)
        return syntax.Param(
            self._name(name), default, description, self._sp(meta), assumed, cite, bounds
        )

    def param_range(self, meta: Any, children: list[Any]) -> syntax.ParamRange:
        low, high = children
        return syntax.ParamRange(low, high, self._sp(meta))

    def _header(
        self, key: str, meta: Any, value: object, cite: syntax.Cite | None = None
    ) -> syntax.Header:
        return syntax.Header(key, value, self._sp(meta), cite)

    def title(self, meta: Any, children: list[Token]) -> syntax.Header:
        return self._header("title", meta, unquote(children[0]))

    def issuer(self, meta: Any, children: list[Token]) -> syntax.Header:
        return self._header("issuer", meta, unquote(children[0]))

    def source(self, meta: Any, children: list[Token]) -> syntax.Header:
        description, *files = children
        named = tuple(syntax.SourceFile(unquote(f), self._tok_span(f)) for f in files)
        return self._header("source", meta, (unquote(description), named))

    def issued(self, meta: Any, children: list[Token]) -> syntax.Header:
        try:
            value: object = dt.date.fromisoformat(str(children[0]))
        except ValueError:
            self._problem(
                "DR008",
                _("{start} is not a calendar date").format(start=children[0]),
                self._tok_span(children[0]),
                _("write a real date as YYYY-MM-DD"),
            )
            value = None
        return self._header("issued", meta, value)

    def year(self, meta: Any, children: list[Token]) -> syntax.Header:
        return self._header("year", meta, int(self._number(meta, children[0])))

    def rounding(self, meta: Any, children: list[Token]) -> syntax.Header:
        places = int(self._number(meta, children[0]))
        if places > 10:
            self._problem(
                "DR125",
                _("rounding to {places} places is not sensible").format(places=places),
                self._tok_span(children[0]),
                _("use 0 to 4 places (default 2)"),
            )
        return self._header("rounding", meta, places)

    def total(self, meta: Any, children: list[Any]) -> syntax.Header:
        rest, cite = self._split_cite(children)
        return self._header("total", meta, rest[0], cite)

    def tag(self, meta: Any, children: list[Any]) -> tuple[str, str | None]:
        name, *title = children
        return self._name(name), unquote(title[0]) if title else None

    def tags_decl(self, meta: Any, children: list[Any]) -> syntax.Header:
        return self._header("tags", meta, tuple(children))

    def group(self, meta: Any, children: list[Any]) -> tuple[str, ...]:
        return tuple(self._name(c) for c in children)

    def groups_decl(self, meta: Any, children: list[Any]) -> syntax.Header:
        rest, cite = self._split_cite(children)
        return self._header("groups", meta, tuple(rest), cite)

    def policy(self, meta: Any, children: list[Any]) -> syntax.Header:
        return self._header("policy", meta, children)

    def ruleset(
        self, meta: Any, children: list[Any], extends: syntax.Extends | None = None
    ) -> syntax.Ruleset:
        ident, *stmts = children
        headers, duplicates = _headers(stmts)

        def value(key: str, default: Any = None) -> Any:
            return headers[key].value if key in headers else default

        def every(kind: type[_S]) -> tuple[_S, ...]:
            return tuple(stmt for stmt in stmts if isinstance(stmt, kind))

        policy_props, _, _ = self._props_and_rules(value("policy", []))
        tags = headers.get("tags")
        declared_tags: tuple[tuple[str, str | None], ...] = tags.value if tags else ()  # type: ignore[assignment]
        groups = headers.get("groups")
        total = headers.get("total")
        source, source_files = value("source", (None, ()))
        return syntax.Ruleset(
            id=str(ident),
            span=self._sp(meta),
            title=value("title"),
            issuer=value("issuer"),
            issued=value("issued"),
            year=value("year"),
            source=source,
            source_files=source_files,
            rounding=value("rounding", 2),
            total=total.value if total else None,  # type: ignore[arg-type]
            total_cite=total.cite if total else None,
            params=every(syntax.Param),
            readings=every(syntax.Reading),
            param_blocks=every(syntax.When),
            policy=policy_props,
            tags=tuple(name for name, _ in declared_tags),
            tag_titles=tuple((name, title) for name, title in declared_tags if title),
            tags_span=tags.span if tags else None,
            groups=groups.value if groups else (),  # type: ignore[arg-type]
            groups_span=groups.span if groups else None,
            groups_cite=groups.cite if groups else None,
            components=every(syntax.Component),
            children=tuple(
                s for s in stmts if isinstance(s, syntax.Item | syntax.Section | syntax.Bonus)
            ),
            grades=value("grades"),
            vetoes=every(syntax.Veto),
            conversions=every(syntax.Conversion),
            calendars=every(syntax.CalendarDecl),
            duplicates=tuple(duplicates),
            text=self.text,
            lines={key: h.span.line for key, h in headers.items() if key != "grades"},
            extends=extends,
        )

    # -- overlays

    def base_id(self, meta: Any, children: list[Token]) -> tuple[str, bool, Span]:
        return str(children[0]), False, self._sp(meta)

    def base_path(self, meta: Any, children: list[Token]) -> tuple[str, bool, Span]:
        return unquote(children[0]), True, self._sp(meta)

    def overlay(self, meta: Any, children: list[Any]) -> syntax.Ruleset:
        ident, (base, is_path, _), *stmts = children
        changes = tuple(s for s in stmts if isinstance(s, syntax.Change))
        rest = [s for s in stmts if not isinstance(s, syntax.Change)]
        extends = syntax.Extends(base, is_path, self._sp(meta), changes)
        return self.ruleset(meta, [ident, *rest], extends)

    def set_param(self, meta: Any, children: list[Any]) -> syntax.Change:
        rest, cite, assumed = self._split_origin(children)
        name, value = rest
        return syntax.Change("set", self._name(name), self._sp(meta), cite, assumed, value=value)

    def drop(self, meta: Any, children: list[Any]) -> syntax.Change:
        rest, cite, assumed = self._split_origin(children)
        return syntax.Change("drop", self._name(rest[0]), self._sp(meta), cite, assumed)

    def new_points(self, meta: Any, children: list[Any]) -> tuple[str, Any, Span]:
        return ("points", children[0], self._sp(meta))

    def new_weight(self, meta: Any, children: list[Any]) -> tuple[str, Any, Span]:
        return ("weight", children[0], self._sp(meta))

    def new_title(self, meta: Any, children: list[Token]) -> tuple[str, Any, Span]:
        return ("title", unquote(children[0]), self._sp(meta))

    def new_rules(self, meta: Any, children: list[Any]) -> tuple[str, Any, Span]:
        return ("rules", tuple(children), self._sp(meta))

    def change(self, meta: Any, children: list[Any]) -> syntax.Change:
        name, *body = children
        cite, assumed, rest = _leading_origin(body)
        restated = [s for s in rest if _is_restated(s)]
        new = {key: value for key, value, _ in restated}
        props = [s for s in rest if not _is_restated(s)]
        stated = [(key, span) for key, _, span in restated]
        stated += [(_prop_name(s), s[2] if isinstance(s, tuple) else s.span) for s in props]
        node_props, _, _ = self._props_and_rules(props)
        return syntax.Change(
            "change",
            self._name(name),
            self._sp(meta),
            cite,
            assumed,
            stated=tuple(key for key, _ in stated),
            stated_spans=tuple(span for _, span in stated),
            value=new.get("points"),
            weight=new.get("weight"),
            title=new.get("title"),
            props=node_props,
            rules=new.get("rules", ()),
        )

    def add_to(self, meta: Any, children: list[Any]) -> syntax.Change:
        name, *rest = children
        cite, assumed, body = _leading_origin(rest)
        _, rules, kids = self._props_and_rules(body)
        return syntax.Change(
            "add", self._name(name), self._sp(meta), cite, assumed, rules=rules, children=kids
        )

    def add_top(self, meta: Any, children: list[Any]) -> syntax.Change:
        cite, assumed, body = _leading_origin(children)
        return syntax.Change("add", None, self._sp(meta), cite, assumed, children=tuple(body))

    def start(self, meta: Any, children: list[Any]) -> syntax.Ruleset:
        result: syntax.Ruleset = children[0]
        return result


_S = TypeVar("_S")

_RESTATED = ("points", "weight", "title", "rules")
"""What a change block restates besides a node's statements (owner, policies …)."""


def _leading_origin(
    children: list[Any],
) -> tuple[syntax.Cite | None, syntax.Assumption | None, list[Any]]:
    """A cite or ``assumed "why"`` before a block (as on ``change NAME assumed "…" {``),
    and the block's statements."""
    if children and isinstance(children[0], syntax.Cite):
        return children[0], None, children[1:]
    if children and isinstance(children[0], syntax.Assumption):
        return children[0].cite, children[0], children[1:]
    return None, None, children


def _is_restated(stmt: Any) -> bool:
    return isinstance(stmt, tuple) and stmt[0] in _RESTATED


def _prop_name(stmt: Any) -> str:
    """The name of the node statement a change block restates (as the overlay module
    and the formatter call it: a field of :class:`~disclosure_rules.language.syntax.NodeProps`)."""
    match stmt:
        case (str() as key, str(), Span()):
            return key  # owner, remark
        case syntax.AppliesTo():
            return "applies_to"
        case syntax.NaPolicy():
            return "not_applicable"
        case syntax.EvidencePolicy():
            return "evidence"
        case syntax.StatementRequired():
            return "na_statement"
        case syntax.EmptyRecords():
            return "empty"
        case syntax.Bound():
            return "bounds"
        case syntax.Resolve():
            return "resolve"
        case syntax.When():
            return "when"
        case syntax.FactDefault():
            return "absent"
    raise AssertionError(f"not a node statement: {stmt!r}")


def _headers(stmts: list[Any]) -> tuple[dict[str, syntax.Header], list[syntax.Header]]:
    """The ruleset's headers (and its grades block) by key; the repeated ones apart."""
    headers: dict[str, syntax.Header] = {}
    duplicates: list[syntax.Header] = []
    for stmt in stmts:
        if isinstance(stmt, syntax.Grades):
            key, header = "grades", syntax.Header("grades", stmt, stmt.span)
        elif isinstance(stmt, syntax.Header):
            key, header = stmt.key, stmt
        else:
            continue
        if key not in headers:
            headers[key] = header
        else:
            duplicates.append(syntax.Header(key, None, stmt.span) if key == "grades" else stmt)
    return headers, duplicates
