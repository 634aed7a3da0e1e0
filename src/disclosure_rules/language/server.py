"""The language server: the pipeline's first steps, run as you type, for an editor.

Beside the pipeline, at the top like the command line: ``disclosure-rules lsp`` speaks
the Language Server Protocol on standard input and output (pygls, the ``editor``
extra). Each time a ruleset is opened or changed it is parsed and checked
(:func:`disclosure_rules.api.check_text`) and every diagnostic is published with its
code and range; on that same syntax tree it answers hover (a node's points, maximum,
cite and rules; a parameter's value, description and whether it is assumed), go to
definition (of a parameter, or of the node in a ``node.field`` fact), completion
(keywords, node ids, parameter names) and formatting (the ``fmt`` layout, through
:func:`~disclosure_rules.language.formatter.format_text`).

Positions: the project counts 1-based lines and columns in characters; the protocol
counts 0-based lines and columns in the code units of the encoding agreed at
``initialize`` (UTF-16 unless the client offers another), so a Chinese character is one
unit and an emoji two. :func:`to_units` and :func:`from_units` convert between them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache, cached_property
from typing import Any
from urllib.parse import unquote, urlparse

import attrs
from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from .. import api
from ..errors import Diagnostic, DisclosureRulesError, Span
from ..i18n import gettext, localized
from ..version import __version__
from . import syntax
from .formatter import format_text
from .parser import grammar_text, parse

__all__ = ["Analysis", "build_server", "from_units", "keywords", "main", "to_units"]

_WORD = re.compile(r"[^\W\d]\w*")
_PROSE = re.compile(r'"(?:[^"\\\n]|\\.)*"?|#.*')  # strings and comments: no names in there
_SOURCE = "disclosure-rules"

Declaration = (
    syntax.Item | syntax.Section | syntax.Bonus | syntax.Component | syntax.Param | syntax.Reading
)


# ---------------------------------------------------------------- positions


def _units(text: str, encoding: str) -> int:
    """How many code units ``text`` takes in the protocol's position encoding."""
    if encoding == lsp.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8"))
    if encoding == lsp.PositionEncodingKind.Utf32:
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def to_units(lines: Sequence[str], line: int, column: int, encoding: str) -> lsp.Position:
    """The protocol position of 0-based ``line`` and character ``column``."""
    if line >= len(lines):
        return lsp.Position(line=len(lines), character=0)
    text = lines[line]
    return lsp.Position(line=line, character=_units(text[: max(column, 0)], encoding))


def from_units(lines: Sequence[str], position: lsp.Position, encoding: str) -> tuple[int, int]:
    """The 0-based line and character column of a protocol position."""
    if position.line >= len(lines):
        return len(lines), 0
    text = lines[position.line]
    count = 0
    for column, char in enumerate(text):
        if count >= position.character:
            return position.line, column
        count += _units(char, encoding)
    return position.line, len(text)


def _split(text: str) -> tuple[str, ...]:
    # The parser counts lines at "\n" alone; a "\r" before it is the line's last character.
    return tuple(text.split("\n"))


def _range(lines: Sequence[str], span: Span, encoding: str) -> lsp.Range:
    """A span as a protocol range; a span without an end covers one character."""
    line, column = span.line - 1, span.column - 1
    if span.end_line is not None and span.end_column is not None:
        end_line, end_column = span.end_line - 1, span.end_column - 1
    else:
        width = 1 if line < len(lines) and column < len(lines[line]) else 0
        end_line, end_column = line, column + width
    return lsp.Range(
        start=to_units(lines, line, column, encoding),
        end=to_units(lines, end_line, end_column, encoding),
    )


def _contains(span: Span, line: int, column: int) -> bool:
    """Whether 0-based ``line``/``column`` falls inside ``span`` (its end included, so
    that a cursor just after a name still points at it)."""
    start = (span.line - 1, span.column - 1)
    end = (
        (span.end_line - 1, span.end_column - 1)
        if span.end_line is not None and span.end_column is not None
        else start
    )
    return start <= (line, column) <= end


def _word_at(lines: Sequence[str], line: int, column: int) -> str | None:
    """The name the cursor is on or just after; none inside a string or a comment."""
    if line >= len(lines):
        return None
    if any(m.start() < column <= m.end() for m in _PROSE.finditer(lines[line])):
        return None
    for match in _WORD.finditer(lines[line]):
        if match.start() <= column <= match.end():
            return match.group()
    return None


# ---------------------------------------------------------------- analysis


@cache
def keywords() -> tuple[str, ...]:
    """The language's keywords: every quoted word of the grammar."""
    grammar = re.sub(r"//[^\n]*", "", grammar_text())
    return tuple(sorted(set(re.findall(r'"([a-z_]+)"', grammar))))


def _walk(value: object) -> Iterator[object]:
    """Every syntax object inside ``value``, depth first, in source order."""
    kind: Any = type(value)  # attrs.has() narrows nothing for mypy
    if attrs.has(kind):
        yield value
        for field in attrs.fields(kind):
            yield from _walk(getattr(value, field.name))
    elif isinstance(value, tuple):
        for part in value:
            yield from _walk(part)


def _here(d: Diagnostic, file: str) -> Diagnostic:
    """A diagnostic in a base an overlay extends, shown at the top of the overlay with
    its own place in its message (its line is not a line of this document)."""
    if d.span is None or d.span.file == file:
        return d
    return attrs.evolve(d, message=f"{d.span}: {d.message}", span=None, source_line=None)


@attrs.frozen
class Analysis:
    """One version of a document: its diagnostics and, if it parses, its syntax tree."""

    text: str
    file: str
    diagnostics: tuple[Diagnostic, ...]
    tree: syntax.Ruleset | None

    @classmethod
    def of(cls, text: str, file: str) -> Analysis:
        try:
            tree: syntax.Ruleset | None = parse(text, file)
        except DisclosureRulesError:
            tree = None
        found = tuple(_here(d, file) for d in api.check_text(text, file=file))
        return cls(text, file, found, tree)

    @cached_property
    def lines(self) -> tuple[str, ...]:
        return _split(self.text)

    @cached_property
    def nodes(self) -> dict[str, syntax.Item | syntax.Section | syntax.Bonus | syntax.Component]:
        found: dict[str, syntax.Item | syntax.Section | syntax.Bonus | syntax.Component] = {}
        for obj in _walk(self.tree):
            if isinstance(obj, syntax.Item | syntax.Section | syntax.Bonus | syntax.Component):
                found.setdefault(obj.id, obj)
        return found

    @cached_property
    def params(self) -> dict[str, syntax.Param]:
        return {p.name: p for p in self.tree.params} if self.tree else {}

    @cached_property
    def readings(self) -> dict[str, syntax.Reading]:
        return {r.name: r for r in self.tree.readings} if self.tree else {}

    @cached_property
    def maxima(self) -> dict[str, str]:
        """Each node's maximum as compiled (empty while the ruleset has errors)."""
        try:
            described = api.compile(self.text, file=self.file).describe()
        except DisclosureRulesError:
            return {}
        return {str(n["id"]): str(n["points"]) for n in described["nodes"] if "points" in n}

    def source(self, span: Span) -> str:
        """The text a span covers."""
        first, last = span.line - 1, (span.end_line or span.line) - 1
        chunk = "\n".join(self.lines[first : last + 1])
        end = span.end_column if span.end_column is not None else len(self.lines[last]) + 1
        cut = len(chunk) - len(self.lines[last]) + end - 1
        return chunk[span.column - 1 : cut]

    def declaration_at(self, line: int, column: int) -> Declaration | None:
        """What the name under the cursor refers to: a parameter, a node or a reading."""
        word = _word_at(self.lines, line, column)
        if word is None or self.tree is None:
            return None
        for obj in _walk(self.tree):
            span = getattr(obj, "span", None)
            if isinstance(obj, syntax.ParamRef) and span and _contains(span, line, column):
                return self.params.get(obj.name)
            if isinstance(obj, syntax.FactRef) and span and _contains(span, line, column):
                return self.nodes.get(obj.node) if obj.node == word else None
        return self.nodes.get(word) or self.params.get(word) or self.readings.get(word)

    def name_range(self, declaration: Declaration, encoding: str) -> lsp.Range:
        """The range of a declaration's name (its whole first line if the name is not there)."""
        if isinstance(declaration, syntax.Param | syntax.Reading):
            name = declaration.name
        else:
            name = declaration.id
        line = declaration.span.line - 1
        text = self.lines[line]
        for match in _WORD.finditer(text, declaration.span.column - 1):
            if match.group() == name:
                return lsp.Range(
                    start=to_units(self.lines, line, match.start(), encoding),
                    end=to_units(self.lines, line, match.end(), encoding),
                )
        return _range(self.lines, declaration.span, encoding)


# ---------------------------------------------------------------- answers


def to_diagnostic(d: Diagnostic, lines: Sequence[str], encoding: str) -> lsp.Diagnostic:
    """A project diagnostic as the protocol's, with its code, range and hint."""
    if d.span is not None:
        where = _range(lines, d.span, encoding)
    else:  # a problem with the whole file (too large, not UTF-8): its first character
        start = lsp.Position(line=0, character=0)
        where = lsp.Range(start=start, end=to_units(lines, 0, 1, encoding))
    return lsp.Diagnostic(
        range=where,
        message=localized(d.message)
        + ("\n" + gettext("hint: {hint}").format(hint=localized(d.hint)) if d.hint else ""),
        severity=lsp.DiagnosticSeverity.Error if d.is_error else lsp.DiagnosticSeverity.Warning,
        code=d.code,
        source=_SOURCE,
    )


def hover_text(analysis: Analysis, declaration: Declaration) -> str:
    """Markdown for a hover over a node, a parameter or a reading."""
    if isinstance(declaration, syntax.Reading):
        lines = [f"**reading** `{declaration.name}` {declaration.title}"]
        for alt in declaration.alternatives:
            mark = " *(default)*" if alt.name == declaration.default else ""
            lines.append(f"- `{alt.name}`{mark}: {alt.meaning}")
        if declaration.reason:
            lines.append(f"default: {declaration.reason}")
    elif isinstance(declaration, syntax.Param):
        value = analysis.source(declaration.default.span)
        lines = [f"**param** `{declaration.name}` = {value}"]
        if declaration.range is not None:  # "range 20%..40%", as written
            lines[0] += f", {analysis.source(declaration.range.span)}"
        if declaration.assumed:
            lines[0] += " *(assumed: the source document does not give it)*"
        lines.append(declaration.description)
    else:
        kind = type(declaration).__name__.lower()
        lines = [f"**{kind}** `{declaration.id}` {declaration.title}"]
        if declaration.assumption is not None:
            lines[0] += f" *(assumed: {declaration.assumption.reason})*"
        figures = [f"{label} {analysis.source(n.span)}" for label, n in _figures(declaration)]
        if declaration.id in analysis.maxima:
            figures.append(f"max {analysis.maxima[declaration.id]}")
        lines.append(" · ".join(figures))
        rules = getattr(declaration, "rules", ())
        if rules:
            lines.append("```dr\n" + "\n".join(analysis.source(r.span) for r in rules) + "\n```")
    if declaration.cite is not None:
        lines.append(f"cite: 「{declaration.cite.text}」")
    return "\n\n".join(line for line in lines if line)


def _figures(node: Declaration) -> Iterator[tuple[str, syntax.Number]]:
    if isinstance(node, syntax.Bonus):
        yield "cap", node.cap
    elif not isinstance(node, syntax.Param | syntax.Reading) and node.points is not None:
        yield "points", node.points
    if isinstance(node, syntax.Component):
        yield "weight", node.weight


def completions(analysis: Analysis | None) -> list[lsp.CompletionItem]:
    """Keywords, then the node ids and parameter names of the last ruleset that parsed."""
    items = [lsp.CompletionItem(label=k, kind=lsp.CompletionItemKind.Keyword) for k in keywords()]
    if analysis is not None:
        items += [
            lsp.CompletionItem(label=i, kind=lsp.CompletionItemKind.Class, detail=n.title)
            for i, n in analysis.nodes.items()
        ]
        items += [
            lsp.CompletionItem(label=n, kind=lsp.CompletionItemKind.Variable, detail=p.description)
            for n, p in analysis.params.items()
        ]
        items += [
            lsp.CompletionItem(label=n, kind=lsp.CompletionItemKind.Enum, detail=r.title)
            for n, r in analysis.readings.items()
        ]
    return items


def formatting(analysis: Analysis, encoding: str) -> list[lsp.TextEdit]:
    """One edit replacing the document by its ``fmt`` layout; none if it does not parse."""
    try:
        formatted = format_text(analysis.text, analysis.file)
    except DisclosureRulesError:
        return []
    if formatted == analysis.text:
        return []
    lines = analysis.lines
    end = to_units(lines, len(lines) - 1, len(lines[-1]), encoding)
    whole = lsp.Range(start=lsp.Position(line=0, character=0), end=end)
    return [lsp.TextEdit(range=whole, new_text=formatted)]


# ---------------------------------------------------------------- the server


class RulesetServer(LanguageServer):
    """A pygls server that keeps each open document's latest analysis."""

    def __init__(self) -> None:
        super().__init__(_SOURCE, __version__)
        self.analyses: dict[str, Analysis] = {}
        self.parsed: dict[str, Analysis] = {}  # the latest version that parsed, for completion

    @property
    def encoding(self) -> str:
        """The position encoding agreed at ``initialize`` ("utf-16", "utf-8" or "utf-32")."""
        agreed = self.workspace.position_encoding or lsp.PositionEncodingKind.Utf16
        return agreed.value if isinstance(agreed, lsp.PositionEncodingKind) else agreed

    def analyse(self, uri: str) -> None:
        text = self.workspace.get_text_document(uri).source
        analysis = Analysis.of(text, _file_of(uri))
        self.analyses[uri] = analysis
        if analysis.tree is not None:
            self.parsed[uri] = analysis
        found = [to_diagnostic(d, analysis.lines, self.encoding) for d in analysis.diagnostics]
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=found)
        )

    def forget(self, uri: str) -> None:
        self.analyses.pop(uri, None)
        self.parsed.pop(uri, None)
        cleared = lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        self.text_document_publish_diagnostics(cleared)

    def declaration(self, uri: str, position: lsp.Position) -> tuple[Analysis, Declaration] | None:
        analysis = self.analyses.get(uri)
        if analysis is None:
            return None
        line, column = from_units(analysis.lines, position, self.encoding)
        found = analysis.declaration_at(line, column)
        return (analysis, found) if found is not None else None


def _file_of(uri: str) -> str:
    """The file name diagnostics carry: the path of a ``file:`` URI, else the URI."""
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri


def build_server() -> RulesetServer:
    """A server with every feature registered."""
    server = RulesetServer()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: RulesetServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.analyse(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: RulesetServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.analyse(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: RulesetServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: RulesetServer, params: lsp.HoverParams) -> lsp.Hover | None:
        found = ls.declaration(params.text_document.uri, params.position)
        if found is None:
            return None
        content = lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=hover_text(*found))
        return lsp.Hover(contents=content)

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: RulesetServer, params: lsp.DefinitionParams) -> lsp.Location | None:
        found = ls.declaration(params.text_document.uri, params.position)
        if found is None:
            return None
        analysis, declaration = found
        where = analysis.name_range(declaration, ls.encoding)
        return lsp.Location(uri=params.text_document.uri, range=where)

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION)
    def completion(ls: RulesetServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        items = completions(ls.parsed.get(params.text_document.uri))
        return lsp.CompletionList(is_incomplete=False, items=items)

    @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    def format_document(
        ls: RulesetServer, params: lsp.DocumentFormattingParams
    ) -> list[lsp.TextEdit]:
        uri = params.text_document.uri
        text = ls.workspace.get_text_document(uri).source
        return formatting(Analysis(text, _file_of(uri), (), None), ls.encoding)

    return server


def main() -> int:
    """Serve on standard input and output until the client says ``exit``."""
    build_server().start_io()
    return 0
