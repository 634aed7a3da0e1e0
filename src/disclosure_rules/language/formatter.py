"""Formatting: an AST (and the source's comments) → ruleset text in one canonical layout.

Beside the pipeline: it reads what the parser produces and prints it back, so that
hand-written rulesets stay uniform and a generated AST can be written out. The
layout: two-space indentation; one statement per line; header, tags, parameters,
policy, calendars, the tree, grades, vetoes, conversions, in that order; inside a
node, its metadata and policies before its rules before its children; a node's own
``cite`` on its header line; empty blocks left out.

Comments are kept. Each comment belongs to the statement it precedes (or, for a
comment after code on the same line, the statement that starts on that line) and is
printed with it, wherever the canonical order puts that statement; comments after
the last statement of a block stay at the end of that block.

``parse(format(x)) == x`` for every ruleset ``x``, and formatting is idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import assert_never

from ..decimals import text as _decimal
from ..errors import display_width
from . import syntax
from .parser import Comment, comments, parse

__all__ = ["format_ruleset", "format_text"]

_INDENT = "  "
_WIDTH = 100  # display columns; a Chinese character takes two


def format_text(source: str | bytes, file: str = "<string>") -> str:
    """Parse ruleset text and print it in the canonical layout, comments kept."""
    text = source.decode("utf-8-sig") if isinstance(source, bytes) else source
    return format_ruleset(parse(text, file), comments(text))


def format_ruleset(ruleset: syntax.Ruleset, notes: Sequence[Comment] = ()) -> str:
    """The canonical text of ``ruleset``; ``notes`` are the source's comments, if any."""
    dry = _Printer(ruleset, ())
    dry.run()
    printer = _Printer(ruleset, notes, anchors=sorted(set(dry.anchors)))
    printer.run()
    return "\n".join(printer.out) + "\n"


# ---------------------------------------------------------------- atoms


def quote(text: str) -> str:
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{body}"'


def number(n: syntax.Number) -> str:
    if isinstance(n, syntax.ParamRef):
        return n.name
    if n.percent:
        return f"{_decimal(n.value * 100)}%"
    return _decimal(n.value)


def names(items: Iterable[str]) -> str:
    return ", ".join(items)


def wrapped(keyword: str, items: Sequence[str], indent: int) -> str:
    """``keyword a, b, c`` broken after commas to fit the width, continuation aligned."""
    lines = [f"{keyword} "]
    room = _WIDTH - indent * len(_INDENT)
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if lines[-1].strip() != keyword and display_width(lines[-1] + piece) > room:
            lines[-1] = lines[-1].rstrip()
            lines.append(" " * (len(keyword) + 1))
        lines[-1] += piece + " "
    return "\n".join(line.rstrip() for line in lines)


def cite(c: syntax.Cite | None) -> str:
    return f" cite {quote(c.text)}" if c is not None else ""


def origin(c: syntax.Cite | None, assumed: syntax.Assumption | None) -> str:
    """The cite, or ``assumed "why"`` with the passage the assumption rests on."""
    if assumed is None:
        return cite(c)
    return f" assumed {quote(assumed.reason)}{cite(assumed.cite)}"


def deadline(d: syntax.Deadline) -> str:
    if d.by is not None:
        return f"{d.end} by {d.by.isoformat()}"
    assert d.amount is not None
    return f"{d.end} within {number(d.amount)} {d.unit} of {d.start}"


def condition(c: syntax.Condition, inner: bool = False) -> str:
    match c:
        case syntax.AllOf() | syntax.AnyOf():
            joiner = " and " if isinstance(c, syntax.AllOf) else " or "
            text = joiner.join(condition(p, inner=True) for p in c.parts)
            return f"({text})" if inner else text
        case syntax.Not():
            return f"not {condition(c.part, inner=True)}"
        case syntax.Compare():
            return f"{c.fact} {c.op} {number(c.value)}"
        case syntax.Truthy():
            return str(c.fact)
        case syntax.Met():
            return deadline(c.deadline)
        case syntax.AllMet():
            return f"all {c.records}: {deadline(c.deadline)}"
        case _:
            assert_never(c)


def _max(cap: syntax.Number | None) -> str:
    return f" max {number(cap)}" if cap is not None else ""


def rule(r: syntax.Rule) -> str:
    match r:
        case syntax.Award():
            text: str = r.mode
        case syntax.Rate():
            text = f"rate {r.fact}"
        case syntax.RateOnTime():
            text = f"rate {r.records}: {deadline(r.deadline)}"
        case syntax.DeductPer():
            text = f"deduct {number(r.amount)} per {r.fact}{_max(r.max)}"
        case syntax.DeductMissing():
            text = f"deduct {number(r.amount)} per missing {r.fact} of {number(r.of)}"
        case syntax.DeductLate():
            late = f"per late {r.records}: {deadline(r.deadline)}"
            text = f"deduct {number(r.amount)} {late}{_max(r.max)}"
        case syntax.DeductWhen():
            text = f"deduct {number(r.amount)} when {condition(r.condition)}"
        case syntax.ZeroWhen():
            text = f"zero when {condition(r.condition)}"
        case _:
            assert_never(r)
    return text + origin(r.cite, r.assumption)


def date_ranges(days: Iterable[dt.date]) -> str:
    """Consecutive days as ranges: 2027-02-06..2027-02-12."""
    ordered = sorted(set(days))
    runs: list[tuple[dt.date, dt.date]] = []
    for day in ordered:
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return ", ".join(
        a.isoformat() if a == b else f"{a.isoformat()}..{b.isoformat()}" for a, b in runs
    )


# ---------------------------------------------------------------- the printer


class _Printer:
    def __init__(
        self, r: syntax.Ruleset, notes: Sequence[Comment], anchors: Sequence[int] = ()
    ) -> None:
        self.r = r
        self.out: list[str] = []
        self.anchors: list[int] = []  # the source lines statements start on (dry run)
        self.depth = 0
        known = list(anchors)
        self.leading: dict[int, list[Comment]] = {}
        self.trailing: dict[int, str] = {}
        self.late: list[Comment] = []  # after the last statement: printed at block ends
        starts = set(known)
        for note in notes:
            if note.trailing and note.line in starts:
                self.trailing[note.line] = note.text
                continue
            anchor = next(
                (
                    line
                    for line in known
                    if line > note.line or (line == note.line and not note.trailing)
                ),
                None,
            )
            if anchor is None:
                self.late.append(note)
            else:
                self.leading.setdefault(anchor, []).append(note)

    # -- output

    def emit(self, text: str, line: int | None) -> None:
        """One statement that starts on source ``line``, with its comments."""
        pad = _INDENT * self.depth
        if line is not None:
            self.anchors.append(line)
            for note in self.leading.pop(line, []):
                self.out.append(pad + note.text)
                if note.gap_after:
                    self.out.append("")
            tail = self.trailing.pop(line, None)
            if tail is not None:
                text = f"{text}  {tail}"
        self.out.extend(pad + part for part in text.split("\n"))

    def blank(self) -> None:
        if self.out and self.out[-1] != "":
            self.out.append("")

    def open(self, text: str, line: int | None) -> None:
        self.emit(text + " {", line)
        self.depth += 1

    def close(self, end_line: int | None = None) -> None:
        if end_line is not None:
            pad = _INDENT * self.depth
            remaining = []
            for note in self.late:
                if note.line < end_line:
                    self.out.append(pad + note.text)
                else:
                    remaining.append(note)
            self.late = remaining
        self.depth -= 1
        self.emit("}", None)

    # -- the ruleset

    def run(self) -> None:
        r = self.r
        if r.extends is not None:
            self.overlay(r.extends)
            return
        self.open(f"ruleset {r.id}", r.span.line)
        self.header()
        self.declarations()
        for comp in r.components:
            self.blank()
            self.component(comp)
        for node in r.children:
            self.blank()
            self.node(node)
        self.results()
        self.close(r.span.end_line)
        for note in self.late:  # after the ruleset's closing brace
            self.out.append(note.text)
        self.late = []

    def overlay(self, extends: syntax.Extends) -> None:
        """An overlay: its headers and declarations, then its changes in order."""
        r = self.r
        base = quote(extends.base) if extends.is_path else extends.base
        self.open(f"ruleset {r.id} extends {base}", r.span.line)
        self.header()
        self.declarations()
        for i, change in enumerate(extends.changes):
            # one-line changes run on together, unless a comment opens a new group
            if i == 0 or self.out[-1].strip() == "}" or change.span.line in self.leading:
                self.blank()
            self.change(change)
        self.results()
        self.close(r.span.end_line)
        for note in self.late:
            self.out.append(note.text)
        self.late = []

    def change(self, c: syntax.Change) -> None:
        mark = origin(c.cite, c.assumption)
        if c.kind == "set":
            assert c.value is not None
            self.emit(f"set {c.target} = {number(c.value)}{mark}", c.span.line)
            return
        if c.kind == "drop":
            self.emit(f"drop {c.target}{mark}", c.span.line)
            return
        if c.kind == "add":
            target = f" to {c.target}" if c.target is not None else ""
            self.blank()
            self.open(f"add{target}{mark}", c.span.line)
            for r in c.rules:
                self.emit(rule(r), r.span.line)
            for child in c.children:
                if isinstance(child, syntax.Component):
                    self.component(child)
                else:
                    self.node(child)
            self.close(c.span.end_line)
            return
        lines = dict(zip(reversed(c.stated), reversed(c.stated_spans), strict=True))
        body: list[tuple[str, int | None]] = []
        if c.value is not None:
            body.append((f"points {number(c.value)}", lines["points"].line))
        if c.weight is not None:
            body.append((f"weight {number(c.weight)}", lines["weight"].line))
        if c.title is not None:
            body.append((f"title {quote(c.title)}", lines["title"].line))
        body.extend(self.props(c.props))
        head = f"change {c.target}{mark}"
        blocks = bool(c.props.when) or "rules" in c.stated
        if len(body) == 1 and not blocks:
            text, line = body[0]
            one_line = f"{head} {{ {text} }}"
            own_line = line is None or line == c.span.line  # its comments are the change's
            if display_width(_INDENT * self.depth + one_line) <= _WIDTH and (
                own_line or (line not in self.leading and line not in self.trailing)
            ):
                self.emit(one_line, c.span.line)
                if line is not None and line != c.span.line:
                    self.anchors.append(line)
                return
        self.blank()
        self.open(head, c.span.line)
        for text, line in body:
            self.emit(text, line)
        self.whens(c.props.when)
        if "rules" in c.stated:
            self.open("rules", lines["rules"].line)
            for r in c.rules:
                self.emit(rule(r), r.span.line)
            self.close()
        self.close(c.span.end_line)

    def header(self) -> None:
        r = self.r
        lines = r.lines
        for key, value in (("title", r.title), ("issuer", r.issuer)):
            if value is not None:
                self.emit(f"{key} {quote(value)}", lines.get(key))
        if r.issued is not None:
            self.emit(f"issued {r.issued.isoformat()}", lines.get("issued"))
        if r.year is not None:
            self.emit(f"year {r.year}", lines.get("year"))
        if r.source is not None:
            files = ", ".join(quote(f.name) for f in r.source_files)
            named = f" files {files}" if files else ""
            self.emit(f"source {quote(r.source)}{named}", lines.get("source"))
        if r.total is not None:
            self.emit(f"total {number(r.total)}{cite(r.total_cite)}", lines.get("total"))
        if r.rounding != 2 or "rounding" in lines:
            self.emit(f"rounding {r.rounding}", lines.get("rounding"))

    def declarations(self) -> None:
        """Tags, parameters, the policy block and calendars."""
        r = self.r
        lines = r.lines
        if r.tags:
            self.blank()
            titles = dict(r.tag_titles)
            tags = [f"{t} {quote(titles[t])}" if t in titles else t for t in r.tags]
            self.emit(wrapped("tags", tags, self.depth), lines.get("tags"))
        if r.groups:
            joined = [" + ".join(group) for group in r.groups]
            groups = wrapped("groups", joined, self.depth) + cite(r.groups_cite)
            self.emit(groups, lines.get("groups"))
        for reading in r.readings:
            self.blank()
            self.reading(reading)
        if r.params:
            self.blank()
            for p in r.params:
                self.param(p)
        for block in r.param_blocks:
            self.blank()
            self.open(f"when reading {block.reading} = {block.alternative}", block.span.line)
            for p in block.params:
                self.param(p)
            self.close(block.span.end_line)
        policy = list(self.props(r.policy))
        if policy or r.policy.when:
            self.blank()
            self.open("policy", lines.get("policy"))
            for text, line in policy:
                self.emit(text, line)
            self.whens(r.policy.when)
            self.depth -= 1
            self.emit("}", None)
        for cal in r.calendars:
            self.blank()
            self.open("calendar", cal.span.line)
            self.emit(f"year {cal.year}", None)
            if cal.holidays:
                self.emit(f"holidays {date_ranges(cal.holidays)}", None)
            if cal.workdays:
                self.emit(f"workdays {date_ranges(cal.workdays)}", None)
            self.depth -= 1
            self.emit("}", None)

    def results(self) -> None:
        """Grades, vetoes and conversions."""
        r = self.r
        if r.grades is not None:
            self.blank()
            self.open("grades", r.grades.span.line)
            for band in r.grades.bands:
                if band.threshold is None:
                    self.emit(f"else {band.name}{cite(band.cite)}", band.span.line)
                    continue
                quota = f" quota {number(band.quota)}" if band.quota is not None else ""
                self.emit(
                    f"{band.name} >= {number(band.threshold)}{quota}{cite(band.cite)}",
                    band.span.line,
                )
            self.close(r.grades.span.end_line)
        if r.vetoes:
            self.blank()
        for v in r.vetoes:
            effects = (f" grade {v.grade}" if v.grade else "") + (
                f" score {number(v.score)}" if v.score is not None else ""
            )
            self.emit(
                f"veto {v.id} {quote(v.title)} when {condition(v.condition)} then"
                f"{effects}{cite(v.cite)}",
                v.span.line,
            )
        if r.conversions:
            self.blank()
        for c in r.conversions:
            self.emit(
                f"convert {c.id} {quote(c.title)} {number(c.points)}{origin(c.cite, c.assumption)}",
                c.span.line,
            )

    def param(self, p: syntax.Param) -> None:
        mark = " assumed" if p.assumed else ""
        bounds = f" range {number(p.range.low)}..{number(p.range.high)}" if p.range else ""
        self.emit(
            f"param {p.name} = {number(p.default)}{mark} {quote(p.description)}{bounds}"
            f"{cite(p.cite)}",
            p.span.line,
        )

    def reading(self, reading: syntax.Reading) -> None:
        self.open(
            f"reading {reading.name} {quote(reading.title)}{cite(reading.cite)}", reading.span.line
        )
        for alt in reading.alternatives:
            self.emit(f"alternative {alt.name} {quote(alt.meaning)}{cite(alt.cite)}", alt.span.line)
        if reading.default is not None:
            reason = f" {quote(reading.reason)}" if reading.reason is not None else ""
            line = reading.default_span.line if reading.default_span else None
            self.emit(f"default {reading.default}{reason}", line)
        self.close(reading.span.end_line)

    def whens(self, blocks: Sequence[syntax.When]) -> None:
        """``when reading NAME = ALTERNATIVE { … }`` blocks: their statements inside."""
        for w in blocks:
            self.open(f"when reading {w.reading} = {w.alternative}", w.span.line)
            for text, line in self.props(w.props):
                self.emit(text, line)
            for r in w.rules:
                self.emit(rule(r), r.span.line)
            self.whens(w.props.when)
            self.close(w.span.end_line)

    def props(self, props: syntax.NodeProps) -> Iterator[tuple[str, int | None]]:
        """A node's (or the policy's) metadata and policies, as (text, source line)."""
        if props.owner is not None:
            yield f"owner {quote(props.owner)}", None
        if props.remark is not None:
            for part in props.remark.split("\n"):
                yield f"remark {quote(part)}", None
        if props.applies_to is not None:
            a = props.applies_to
            yield f"applies_to {names(a.tags)}{cite(a.cite)}", a.span.line
        for ev in props.evidence:
            if ev.required is not None:
                mode = "required" if ev.required else "optional"
                yield f"evidence {mode}{cite(ev.cite)}", ev.span.line
            if ev.rejected:
                yield f"reject evidence {names(ev.rejected)}{cite(ev.cite)}", ev.span.line
            if ev.kinds:
                kinds = " or ".join(" and ".join(group) for group in ev.kinds)
                yield f"evidence requires {kinds}{cite(ev.cite)}", ev.span.line
            if ev.by is not None:
                yield f"evidence submitted by {ev.by.isoformat()}{cite(ev.cite)}", ev.span.line
        if props.not_applicable is not None:
            na = props.not_applicable
            over = f" over {names(na.over)}" if na.over else ""
            yield f"not_applicable {na.policy}{over}{cite(na.cite)}", na.span.line
        if props.na_statement is not None:
            statement = props.na_statement
            yield f"not_applicable requires statement{cite(statement.cite)}", statement.span.line
        for empty in props.empty:
            yield f"no {empty.records} means {empty.meaning}{cite(empty.cite)}", empty.span.line
        for b in props.bounds:
            value = "none" if b.value is None else number(b.value)
            below = " below" if b.below else ""
            yield f"{b.kind} {value}{below}{cite(b.cite)}", b.span.line
        for d in props.absent:
            over = f" over {names(d.over)}" if d.over else ""
            yield f"absent {d.mode}{over}{cite(d.cite)}", d.span.line
        if props.resolve is not None:
            yield f"resolve {props.resolve.mode}{cite(props.resolve.cite)}", props.resolve.span.line

    def component(self, c: syntax.Component) -> None:
        points = f" {number(c.points)}" if c.points is not None else ""
        self.open(
            f"component {c.id} {quote(c.title)}{points} weight {number(c.weight)}"
            f"{origin(c.cite, c.assumption)}",
            c.span.line,
        )
        for text, line in self.props(c.props):
            self.emit(text, line)
        for r in c.rules:  # an error the checker reports, but the text keeps what was written
            self.emit(rule(r), r.span.line)
        self.whens(c.props.when)
        if c.props != syntax.NodeProps() and c.children:
            self.blank()
        if c.direct is not None:
            d = c.direct
            score = f"score {number(d.low)}..{number(d.high)}{origin(d.cite, d.assumption)}"
            self.emit(score, d.span.line)
        if c.survey is not None:
            self.open("survey", c.survey.span.line)
            for a in c.survey.answers:
                self.emit(f"answer {a.name} {number(a.weight)}{cite(a.cite)}", a.span.line)
            for o in c.survey.outcomes:
                if o.threshold is None:
                    self.emit(f"outcome else {o.name}{cite(o.cite)}", o.span.line)
                else:
                    self.emit(
                        f"outcome {o.name} >= {number(o.threshold)}{cite(o.cite)}", o.span.line
                    )
            self.close(c.survey.span.end_line)
        for i, child in enumerate(c.children):
            if i and isinstance(child, syntax.Section):
                self.blank()
            self.node(child)
        self.close(c.span.end_line)

    def node(self, n: syntax.Node) -> None:
        match n:
            case syntax.Bonus():
                head = f"bonus {n.id} {quote(n.title)} cap {number(n.cap)}"
            case syntax.Section():
                points = f" {number(n.points)}" if n.points is not None else ""
                head = f"section {n.id} {quote(n.title)}{points}"
            case syntax.Item():
                head = f"item {n.id} {quote(n.title)} {number(n.points)}"
            case _:
                assert_never(n)
        head += origin(n.cite, n.assumption)
        body = [*self.props(n.props), *((rule(r), r.span.line) for r in n.rules)]
        simple = not n.children and not n.props.when and not isinstance(n, syntax.Section)
        if not body and simple:
            self.emit(head, n.span.line)
            return
        if len(body) == 1 and simple:
            text, line = body[0]
            one_line = f"{head} {{ {text} }}"
            fits = display_width(_INDENT * self.depth + one_line) <= _WIDTH
            if fits and (line is None or (line not in self.leading and line not in self.trailing)):
                self.emit(one_line, n.span.line)
                if line is not None:
                    self.anchors.append(line)
                return
        self.open(head, n.span.line)
        for text, line in body:
            self.emit(text, line)
        self.whens(n.props.when)
        for child in n.children:
            self.node(child)
        self.close(n.span.end_line)
