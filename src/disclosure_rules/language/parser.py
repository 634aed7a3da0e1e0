"""Parsing: ruleset text → :mod:`~disclosure_rules.ast`.

The only module that imports :mod:`lark`. Lark's exceptions never leave it:
each becomes a :class:`~disclosure_rules.errors.RulesetSyntaxError` with a
stable code, the offending line, a caret and a plain-words hint.

Before Lark sees the text, a cheap pre-scan rejects what would make later
stages slow or recursive: files over :data:`MAX_BYTES`, text that is not
UTF-8, and nesting deeper than :data:`MAX_DEPTH` braces or parentheses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import lark
from lark import Token, Transformer, v_args

from ..errors import Diagnostic, RulesetSyntaxError, Span
from . import syntax

__all__ = ["MAX_BYTES", "MAX_DEPTH", "Comment", "comments", "grammar_text", "parse", "parse_file"]

MAX_BYTES = 4 * 1024 * 1024
"""A ruleset larger than this is refused (the largest real scheme is ~30 KB)."""

MAX_DEPTH = 64
"""Deepest nesting of ``{`` and ``(`` accepted (real schemes use 4-5 levels)."""

_TOKEN_WORDS = {
    "STRING": "a quoted string",
    "NAME": "a name",
    "RULESET_ID": "a ruleset id",
    "NUMBER": "a number",
    "SIGNED_NUMBER": "a number",
    "PERCENT": "a percentage",
    "SIGNED_PERCENT": "a percentage",
    "INT": "a whole number",
    "DATE": "a date (YYYY-MM-DD)",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LPAR": "'('",
    "RPAR": "')'",
    "COMMA": "','",
    "DOT": "'.'",
    "EQUAL": "'='",
    "COMPARE": "a comparison (>=, >, <=, <, ==, !=)",
    "MORETHAN": "'>'",
    "$END": "the end of the file",
}


def grammar_text() -> str:
    """The grammar, from the installed package or, in a source checkout, ``grammar/``."""
    packaged = resources.files("disclosure_rules") / "grammar" / "disclosure_rules.lark"
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    checkout = Path(__file__).resolve().parents[3] / "grammar" / "disclosure_rules.lark"
    return checkout.read_text(encoding="utf-8")


def _cache_path(grammar: str) -> str | bool:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    digest = hashlib.sha256((grammar + lark.__version__).encode()).hexdigest()[:16]
    folder = Path(base) / "disclosure_rules"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return str(folder / f"grammar-{digest}.lark-cache")


@cache
def _lark() -> lark.Lark:
    grammar = grammar_text()
    return lark.Lark(
        grammar,
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
        cache=_cache_path(grammar),
    )


def parse_file(path: str | os.PathLike[str]) -> syntax.Ruleset:
    """Read and parse a ``.dr`` file."""
    name = os.fspath(path)
    try:
        data = Path(name).read_bytes()
    except OSError as exc:
        msg = f"cannot read ruleset file: {exc.strerror or exc}"
        raise RulesetSyntaxError(Diagnostic("DR000", msg, file=name)) from exc
    return parse(data, name)


def parse(source: str | bytes, file: str = "<string>") -> syntax.Ruleset:
    """Parse ruleset text (or UTF-8 bytes) into an AST, or raise RulesetSyntaxError."""
    text = _decode(source, file)
    _prescan(text, file)
    try:
        tree = _lark().parse(text)
    except lark.exceptions.UnexpectedInput as exc:
        raise RulesetSyntaxError(_syntax_diagnostic(exc, text, file)) from None
    builder = _Builder(file, text)
    result = builder.transform(tree)
    if builder.problems:
        raise RulesetSyntaxError(builder.problems)
    assert isinstance(result, syntax.Ruleset)
    return result


# ------------------------------------------------------------------ pre-scan


def _decode(source: str | bytes, file: str) -> str:
    if isinstance(source, bytes):
        if len(source) > MAX_BYTES:
            raise RulesetSyntaxError(_too_large(len(source), file))
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = source[: exc.start].count(b"\n") + 1
            column = exc.start - (source.rfind(b"\n", 0, exc.start) + 1) + 1
            byte = source[exc.start]
            msg = f"the file is not valid UTF-8 (byte 0x{byte:02x} at offset {exc.start})"
            hint = "save the ruleset as UTF-8; GBK/GB18030 files must be converted first"
            raise RulesetSyntaxError(
                Diagnostic("DR003", msg, span=Span(file, line, column), hint=hint)
            ) from None
    else:
        text = source
    if len(text) > MAX_BYTES:
        raise RulesetSyntaxError(_too_large(len(text), file))
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        msg = "the file contains NUL bytes: it is not a text file"
        raise RulesetSyntaxError(Diagnostic("DR003", msg, span=Span(file, line, 1)))
    if all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        msg = "the ruleset file is empty" + (" (only comments)" if text.strip() else "")
        hint = 'a ruleset starts with: ruleset my-scheme { title "..." ... }'
        raise RulesetSyntaxError(Diagnostic("DR004", msg, span=Span(file, 1, 1), hint=hint))
    return text


def _too_large(size: int, file: str) -> Diagnostic:
    msg = f"the ruleset is {size:,} bytes; the limit is {MAX_BYTES:,}"
    return Diagnostic("DR006", msg, file=file, hint="split the scheme into several rulesets")


@attrs.frozen
class Comment:
    """A ``#`` comment: where it is, its text, and whether code precedes it on its line."""

    line: int
    column: int
    text: str
    trailing: bool
    gap_after: bool = False  # a blank line follows it


def _scan(text: str) -> Iterator[tuple[str, int, int, str]]:
    """Brackets and comments outside strings, as (kind, line, column, text)."""
    line, col = 1, 0
    in_string = escaped = False
    code_on_line = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        col += 1
        if ch == "\n":
            line, col = line + 1, 0
            in_string = code_on_line = False  # strings cannot span lines; the parser says so
        elif in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
            yield ("comment" if not code_on_line else "trailing", line, col, text[i:end].rstrip())
            col += end - i - 1
            i = end
            continue
        elif ch == '"':
            in_string = code_on_line = True
        elif ch in "{()}":
            code_on_line = True
            yield (ch, line, col, ch)
        elif not ch.isspace():
            code_on_line = True
        i += 1


def comments(text: str) -> list[Comment]:
    """Every comment of a ruleset's text, in order (for the formatter)."""
    lines = text.splitlines()

    def gap(line: int) -> bool:
        return line < len(lines) and not lines[line].strip()

    return [
        Comment(line, col, body, kind == "trailing", gap(line))
        for kind, line, col, body in _scan(text)
        if kind in ("comment", "trailing")
    ]


def _prescan(text: str, file: str) -> None:
    """Reject nesting deeper than MAX_DEPTH before the parser recurses on it."""
    depth = 0
    for kind, line, col, _ in _scan(text):
        if kind in "{(":
            depth += 1
            if depth > MAX_DEPTH:
                msg = f"nesting is deeper than {MAX_DEPTH} levels"
                hint = "real schemes nest 4 or 5 levels; check for a runaway or generated file"
                source_line = text.splitlines()[line - 1]
                raise RulesetSyntaxError(
                    Diagnostic(
                        "DR005", msg, span=Span(file, line, col), hint=hint, source_line=source_line
                    )
                )
        elif kind in "})":
            depth -= 1


# ------------------------------------------------------------------ syntax errors


def _syntax_diagnostic(exc: lark.exceptions.UnexpectedInput, text: str, file: str) -> Diagnostic:
    lines = text.splitlines() or [""]
    line = max(exc.line, 1) if isinstance(exc.line, int) else len(lines)
    column = max(exc.column, 1) if isinstance(exc.column, int) else 1
    if isinstance(exc, lark.exceptions.UnexpectedToken) and exc.token.type == "$END":
        line = len(lines)
        column = len(lines[-1]) + 1
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    span = Span(file, line, column)
    hint: str | None
    if isinstance(exc, lark.exceptions.UnexpectedCharacters):
        ch = exc.char
        if ch == '"':
            msg = "unterminated string"
            hint = 'close the string with " on the same line (use \\n for a line break)'
            return Diagnostic("DR002", msg, span=span, hint=hint, source_line=source_line)
        if unicodedata.east_asian_width(ch) in "FW" and unicodedata.normalize("NFKC", ch) != ch:
            msg = f"full-width character {ch!r} outside a string"
            plain = unicodedata.normalize("NFKC", ch)
            hint = f"write {plain!r} instead; full-width forms are only allowed inside quotes"
            return Diagnostic("DR007", msg, span=span, hint=hint, source_line=source_line)
        msg = f"unexpected character {ch!r}"
        hint = _expected_hint(exc.allowed)
        return Diagnostic("DR001", msg, span=span, hint=hint, source_line=source_line)
    if isinstance(exc, lark.exceptions.UnexpectedToken):
        token = exc.token
        if token.type == "$END":
            msg = "unexpected end of file"
            expected = exc.expected or set()
            hint = (
                "a '}' is missing: every '{' needs its '}'"
                if "RBRACE" in expected
                else _expected_hint(expected)
            )
        else:
            msg = f"unexpected {_describe_token(token)}"
            end = Span(file, line, column, line, column + len(str(token)))
            span = end
            hint = _expected_hint(exc.expected)
        return Diagnostic("DR001", msg, span=span, hint=hint, source_line=source_line)
    msg = "the ruleset could not be parsed"
    return Diagnostic("DR001", msg, span=span, source_line=source_line)


def _describe_token(token: Token) -> str:
    text = str(token)
    if token.type in ("STRING",):
        return f"string {text}"
    if token.type in ("NAME", "RULESET_ID"):
        return f"name {text!r}"
    if token.type in ("NUMBER", "SIGNED_NUMBER", "PERCENT", "SIGNED_PERCENT", "INT"):
        return f"number {text}"
    return f"{text!r}"


def _expected_hint(expected: set[str] | frozenset[str] | None) -> str | None:
    if not expected:
        return None
    words = sorted({_word_for(name) for name in expected})
    if len(words) > 8:
        words = [*words[:8], "…"]
    return "expected " + ", ".join(words)


def _word_for(terminal: str) -> str:
    if terminal in _TOKEN_WORDS:
        return _TOKEN_WORDS[terminal]
    try:
        pattern = _lark().get_terminal(terminal).pattern
    except KeyError:  # Lark's own pseudo-terminals, such as the end of input
        return "the end of the file" if "END" in terminal else terminal.lower()
    if pattern.type == "str":
        return repr(pattern.value)
    return terminal.lower().replace("_", " ")


# ------------------------------------------------------------------ AST builder


def _span(file: str, meta: Any) -> Span:
    if getattr(meta, "empty", True):
        return Span(file, 1, 1)
    return Span(file, meta.line, meta.column, meta.end_line, meta.end_column)


def _tok_span(file: str, tok: Token) -> Span:
    return Span(file, tok.line or 1, tok.column or 1, tok.end_line, tok.end_column)


def _unquote(tok: Token) -> str:
    body = str(tok)[1:-1]
    out, i = [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


@v_args(meta=True)
class _Builder(Transformer[Token, Any]):
    """Turns Lark's parse tree into AST nodes; collects literal problems as it goes."""

    def __init__(self, file: str, text: str) -> None:
        super().__init__()
        self.file = file
        self.text = text
        self.lines = text.splitlines()
        self.problems: list[Diagnostic] = []

    # -- helpers

    def _sp(self, meta: Any) -> Span:
        return _span(self.file, meta)

    def _problem(self, code: str, msg: str, span: Span, hint: str | None = None) -> None:
        line = self.lines[span.line - 1] if 0 < span.line <= len(self.lines) else None
        self.problems.append(Diagnostic(code, msg, span=span, hint=hint, source_line=line))

    def _name(self, tok: Token) -> str:
        name = str(tok)
        normal = unicodedata.normalize("NFKC", name)
        if normal != name:
            msg = f"name {name!r} contains full-width or compatibility characters"
            self._problem("DR007", msg, _tok_span(self.file, tok), f"write it as {normal!r}")
        return name

    @staticmethod
    def _split_cite(children: list[Any]) -> tuple[list[Any], syntax.Cite | None]:
        if children and isinstance(children[-1], syntax.Cite):
            return children[:-1], children[-1]
        return children, None

    def _props_and_rules(
        self, body: list[Any]
    ) -> tuple[syntax.NodeProps, tuple[syntax.Rule, ...], tuple[syntax.Node, ...]]:
        owner = remark = None
        applies = na = resolve = None
        evidence: list[syntax.EvidencePolicy] = []
        bounds: list[syntax.Bound] = []
        rules: list[syntax.Rule] = []
        children: list[syntax.Node] = []
        for stmt in body:
            if isinstance(stmt, tuple) and stmt[0] == "owner":
                owner = stmt[1]
            elif isinstance(stmt, tuple) and stmt[0] == "remark":
                remark = stmt[1] if remark is None else f"{remark}\n{stmt[1]}"
            elif isinstance(stmt, syntax.AppliesTo):
                applies = stmt
            elif isinstance(stmt, syntax.NaPolicy):
                na = stmt
            elif isinstance(stmt, syntax.EvidencePolicy):
                evidence.append(stmt)
            elif isinstance(stmt, syntax.Bound):
                bounds.append(stmt)
            elif isinstance(stmt, syntax.Resolve):
                resolve = stmt
            elif isinstance(stmt, syntax.Item | syntax.Section | syntax.Bonus):
                children.append(stmt)
            else:
                rules.append(stmt)
        props = syntax.NodeProps(
            owner=owner,
            remark=remark,
            applies_to=applies,
            not_applicable=na,
            evidence=tuple(evidence),
            bounds=tuple(bounds),
            resolve=resolve,
        )
        return props, tuple(rules), tuple(children)

    # -- atoms

    def literal(self, meta: Any, children: list[Token]) -> syntax.Literal:
        return syntax.Literal(Decimal(str(children[0])), self._sp(meta))

    def percent(self, meta: Any, children: list[Token]) -> syntax.Literal:
        value = Decimal(str(children[0])[:-1]) / 100
        return syntax.Literal(value, self._sp(meta), percent=True)

    def param_ref(self, meta: Any, children: list[Token]) -> syntax.ParamRef:
        return syntax.ParamRef(self._name(children[0]), self._sp(meta))

    def cite(self, meta: Any, children: list[Token]) -> syntax.Cite:
        return syntax.Cite(_unquote(children[0]), self._sp(meta))

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

    evidence_mode = na_policy = resolve_mode = award_mode = time_unit

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
                f"{tok} is not a calendar date",
                _tok_span(self.file, tok),
                "write a real date as YYYY-MM-DD",
            )
            return dt.date(1970, 1, 1)

    def and_cond(self, meta: Any, children: list[Any]) -> syntax.AllOf:
        return syntax.AllOf(tuple(children), self._sp(meta))

    def or_cond(self, meta: Any, children: list[Any]) -> syntax.AnyOf:
        return syntax.AnyOf(tuple(children), self._sp(meta))

    # -- rules

    def award(self, meta: Any, children: list[Any]) -> syntax.Award:
        rest, cite = self._split_cite(children)
        return syntax.Award(str(rest[0]), self._sp(meta), cite)  # type: ignore[arg-type]

    def rate(self, meta: Any, children: list[Any]) -> syntax.Rate:
        rest, cite = self._split_cite(children)
        return syntax.Rate(rest[0], self._sp(meta), cite)

    def deduct_per(self, meta: Any, children: list[Any]) -> syntax.DeductPer:
        rest, cite = self._split_cite(children)
        cap = rest[2] if len(rest) > 2 else None
        return syntax.DeductPer(rest[0], rest[1], self._sp(meta), cap, cite)

    def deduct_missing(self, meta: Any, children: list[Any]) -> syntax.DeductMissing:
        rest, cite = self._split_cite(children)
        return syntax.DeductMissing(rest[0], rest[1], rest[2], self._sp(meta), cite)

    def deduct_when(self, meta: Any, children: list[Any]) -> syntax.DeductWhen:
        rest, cite = self._split_cite(children)
        return syntax.DeductWhen(rest[0], rest[1], self._sp(meta), cite)

    def deduct_late(self, meta: Any, children: list[Any]) -> syntax.DeductLate:
        rest, cite = self._split_cite(children)
        cap = rest[3] if len(rest) > 3 else None
        return syntax.DeductLate(rest[0], self._name(rest[1]), rest[2], self._sp(meta), cap, cite)

    def rate_on_time(self, meta: Any, children: list[Any]) -> syntax.RateOnTime:
        rest, cite = self._split_cite(children)
        return syntax.RateOnTime(self._name(rest[0]), rest[1], self._sp(meta), cite)

    def zero_when(self, meta: Any, children: list[Any]) -> syntax.ZeroWhen:
        rest, cite = self._split_cite(children)
        return syntax.ZeroWhen(rest[0], self._sp(meta), cite)

    # -- node statements

    def owner(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        return ("owner", _unquote(children[0]))

    def remark(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        return ("remark", _unquote(children[0]))

    def applies_to(self, meta: Any, children: list[Any]) -> syntax.AppliesTo:
        rest, cite = self._split_cite(children)
        return syntax.AppliesTo(rest[0], self._sp(meta), cite)

    def not_applicable(self, meta: Any, children: list[Any]) -> syntax.NaPolicy:
        rest, cite = self._split_cite(children)
        over = rest[1] if len(rest) > 1 else ()
        return syntax.NaPolicy(str(rest[0]), self._sp(meta), over, cite)  # type: ignore[arg-type]

    def evidence_required(self, meta: Any, children: list[Any]) -> syntax.EvidencePolicy:
        rest, cite = self._split_cite(children)
        return syntax.EvidencePolicy(str(rest[0]) == "required", self._sp(meta), (), cite)

    def evidence_rejected(self, meta: Any, children: list[Any]) -> syntax.EvidencePolicy:
        rest, cite = self._split_cite(children)
        return syntax.EvidencePolicy(None, self._sp(meta), rest[0], cite)

    def floor(self, meta: Any, children: list[Any]) -> syntax.Bound:
        rest, cite = self._split_cite(children)
        value = None if isinstance(rest[0], Token) and rest[0].type == "NONE" else rest[0]
        return syntax.Bound("floor", value, self._sp(meta), cite)

    def cap(self, meta: Any, children: list[Any]) -> syntax.Bound:
        rest, cite = self._split_cite(children)
        return syntax.Bound("cap", rest[0], self._sp(meta), cite)

    def resolve(self, meta: Any, children: list[Any]) -> syntax.Resolve:
        rest, cite = self._split_cite(children)
        return syntax.Resolve(str(rest[0]), self._sp(meta), cite)  # type: ignore[arg-type]

    # -- tree

    def _node_head(
        self, children: list[Any]
    ) -> tuple[str, str, Any, syntax.Cite | None, list[Any]]:
        ident, title, points, *rest = children
        cite = None
        if rest and isinstance(rest[0], syntax.Cite):
            cite, rest = rest[0], rest[1:]
        return self._name(ident), _unquote(title), points, cite, rest

    def node_body(self, meta: Any, children: list[Any]) -> list[Any]:
        return children

    def item(self, meta: Any, children: list[Any]) -> syntax.Item:
        ident, title, points, cite, rest = self._node_head(children)
        body = rest[0] if rest else []
        props, rules, kids = self._props_and_rules(body)
        return syntax.Item(ident, title, points, self._sp(meta), rules, props, cite, kids)

    def bonus(self, meta: Any, children: list[Any]) -> syntax.Bonus:
        ident, title, cap, cite, rest = self._node_head(children)
        body = rest[0] if rest else []
        props, rules, kids = self._props_and_rules(body)
        return syntax.Bonus(ident, title, cap, self._sp(meta), rules, props, cite, kids)

    def section(self, meta: Any, children: list[Any]) -> syntax.Section:
        if not isinstance(children[2], syntax.Literal | syntax.ParamRef):
            children = [*children[:2], None, *children[2:]]  # no points printed
        ident, title, points, cite, rest = self._node_head(children)
        props, rules, kids = self._props_and_rules(rest)
        return syntax.Section(ident, title, points, self._sp(meta), kids, rules, props, cite)

    def direct_score(self, meta: Any, children: list[Any]) -> syntax.DirectScore:
        rest, cite = self._split_cite(children)
        return syntax.DirectScore(rest[0], rest[1], self._sp(meta), cite)

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
        numbers, cite = self._split_cite(rest[:-1])
        points = numbers[0] if len(numbers) == 2 else None
        weight = numbers[-1]
        scored = [c for c in body if isinstance(c, syntax.DirectScore | syntax.Survey)]
        others = [c for c in body if not isinstance(c, syntax.DirectScore | syntax.Survey)]
        props, rules, kids = self._props_and_rules(others)
        direct = next((c for c in scored if isinstance(c, syntax.DirectScore)), None)
        survey = next((c for c in scored if isinstance(c, syntax.Survey)), None)
        return syntax.Component(
            self._name(ident),
            _unquote(title),
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
            self._name(ident), _unquote(title), condition, self._sp(meta), grade, score, cite
        )

    def date_item(self, meta: Any, children: list[Token]) -> list[dt.date]:
        first = self._date(children[0])
        last = self._date(children[-1])
        if last < first:
            self._problem(
                "DR008",
                f"range {children[0]}..{children[-1]} ends before it starts",
                self._sp(meta),
            )
            return []
        return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]

    def date_list(self, meta: Any, children: list[list[dt.date]]) -> tuple[dt.date, ...]:
        return tuple(day for days in children for day in days)

    def holidays(self, meta: Any, children: list[Any]) -> tuple[str, tuple[dt.date, ...]]:
        return ("holidays", children[0])

    def workdays(self, meta: Any, children: list[Any]) -> tuple[str, tuple[dt.date, ...]]:
        return ("workdays", children[0])

    def calendar(self, meta: Any, children: list[Any]) -> syntax.CalendarDecl:
        year, *parts = children
        holidays = tuple(d for kind, days in parts if kind == "holidays" for d in days)
        workdays = tuple(d for kind, days in parts if kind == "workdays" for d in days)
        return syntax.CalendarDecl(int(str(year)), holidays, workdays, self._sp(meta))

    def conversion(self, meta: Any, children: list[Any]) -> syntax.Conversion:
        rest, cite = self._split_cite(children)
        return syntax.Conversion(
            self._name(rest[0]), _unquote(rest[1]), rest[2], self._sp(meta), cite
        )

    # -- header and ruleset

    def param(self, meta: Any, children: list[Any]) -> syntax.Param:
        rest, cite = self._split_cite(children)
        name, default, *more = rest
        assumed = any(isinstance(t, Token) and t.type == "ASSUMED" for t in more)
        description = _unquote(more[-1])
        if not isinstance(default, syntax.Literal):
            self._problem(
                "DR116",
                "a parameter's default must be a number",
                default.span,
                "write a number such as 1 or 70%",
            )
            default = syntax.Literal(Decimal(0), default.span)
        return syntax.Param(self._name(name), default, description, self._sp(meta), assumed, cite)

    def _header(
        self, key: str, meta: Any, value: object, cite: syntax.Cite | None = None
    ) -> syntax.Header:
        return syntax.Header(key, value, self._sp(meta), cite)

    def title(self, meta: Any, children: list[Token]) -> syntax.Header:
        return self._header("title", meta, _unquote(children[0]))

    def issuer(self, meta: Any, children: list[Token]) -> syntax.Header:
        return self._header("issuer", meta, _unquote(children[0]))

    def source(self, meta: Any, children: list[Token]) -> syntax.Header:
        return self._header("source", meta, _unquote(children[0]))

    def issued(self, meta: Any, children: list[Token]) -> syntax.Header:
        try:
            value: object = dt.date.fromisoformat(str(children[0]))
        except ValueError:
            self._problem(
                "DR008",
                f"{children[0]} is not a calendar date",
                _tok_span(self.file, children[0]),
                "write a real date as YYYY-MM-DD",
            )
            value = None
        return self._header("issued", meta, value)

    def year(self, meta: Any, children: list[Token]) -> syntax.Header:
        return self._header("year", meta, int(str(children[0])))

    def rounding(self, meta: Any, children: list[Token]) -> syntax.Header:
        places = int(str(children[0]))
        if places > 10:
            self._problem(
                "DR125",
                f"rounding to {places} places is not sensible",
                _tok_span(self.file, children[0]),
                "use 0 to 4 places (default 2)",
            )
        return self._header("rounding", meta, places)

    def total(self, meta: Any, children: list[Any]) -> syntax.Header:
        rest, cite = self._split_cite(children)
        return self._header("total", meta, rest[0], cite)

    def tags_decl(self, meta: Any, children: list[Any]) -> syntax.Header:
        return self._header("tags", meta, children[0])

    def policy(self, meta: Any, children: list[Any]) -> syntax.Header:
        return self._header("policy", meta, children)

    def ruleset(self, meta: Any, children: list[Any]) -> syntax.Ruleset:
        ident, *stmts = children
        headers: dict[str, syntax.Header] = {}
        duplicates: list[syntax.Header] = []
        params, components, nodes, vetoes, conversions, calendars = [], [], [], [], [], []
        grades = None
        for stmt in stmts:
            if isinstance(stmt, syntax.Header):
                if stmt.key in headers:
                    duplicates.append(stmt)
                else:
                    headers[stmt.key] = stmt
            elif isinstance(stmt, syntax.Param):
                params.append(stmt)
            elif isinstance(stmt, syntax.Component):
                components.append(stmt)
            elif isinstance(stmt, syntax.Item | syntax.Section | syntax.Bonus):
                nodes.append(stmt)
            elif isinstance(stmt, syntax.Grades):
                if grades is not None:
                    duplicates.append(syntax.Header("grades", None, stmt.span))
                else:
                    grades = stmt
            elif isinstance(stmt, syntax.Veto):
                vetoes.append(stmt)
            elif isinstance(stmt, syntax.Conversion):
                conversions.append(stmt)
            elif isinstance(stmt, syntax.CalendarDecl):
                calendars.append(stmt)

        def value(key: str, default: Any = None) -> Any:
            return headers[key].value if key in headers else default

        policy_props, _, _ = self._props_and_rules(value("policy", []))
        tags = headers.get("tags")
        total = headers.get("total")
        lines = {key: h.span.line for key, h in headers.items()}
        return syntax.Ruleset(
            id=str(ident),
            span=self._sp(meta),
            title=value("title"),
            issuer=value("issuer"),
            issued=value("issued"),
            year=value("year"),
            source=value("source"),
            rounding=value("rounding", 2),
            total=total.value if total else None,  # type: ignore[arg-type]
            total_cite=total.cite if total else None,
            params=tuple(params),
            policy=policy_props,
            tags=tags.value if tags else (),  # type: ignore[arg-type]
            tags_span=tags.span if tags else None,
            components=tuple(components),
            children=tuple(nodes),
            grades=grades,
            vetoes=tuple(vetoes),
            conversions=tuple(conversions),
            calendars=tuple(calendars),
            duplicates=tuple(duplicates),
            text=self.text,
            lines=lines,
        )

    def start(self, meta: Any, children: list[Any]) -> syntax.Ruleset:
        result: syntax.Ruleset = children[0]
        return result
