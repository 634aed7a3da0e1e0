"""Syntax errors in plain words: a Lark exception → a :class:`~disclosure_rules.errors.Diagnostic`.

Part of parsing; Lark's exceptions never leave the parser package. Each becomes a
diagnostic with a stable code, the offending line, a caret and a hint that says
what was expected there, in words (``a number``, ``'}'``), or, for a misspelt
keyword, which keyword was meant ("did you mean 'deduct'?").
"""

from __future__ import annotations

import unicodedata

import lark
from lark import Token

from ...errors import Diagnostic, Span, did_you_mean
from ...i18n import _, joined

__all__ = ["keyword_terminals", "syntax_diagnostic"]

_TOKEN_WORDS = {
    "STRING": _("a quoted string"),
    "NAME": _("a name"),
    "RULESET_ID": _("a ruleset id"),
    "NUMBER": _("a number"),
    "SIGNED_NUMBER": _("a number"),
    "PERCENT": _("a percentage"),
    "SIGNED_PERCENT": _("a percentage"),
    "INT": _("a whole number"),
    "DATE": _("a date (YYYY-MM-DD)"),
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LPAR": "'('",
    "RPAR": "')'",
    "COMMA": "','",
    "DOT": "'.'",
    "EQUAL": "'='",
    "COMPARE": _("a comparison (>=, >, <=, <, ==, !=)"),
    "MORETHAN": "'>'",
    "$END": _("the end of the file"),
}

_NUMBERS = ("NUMBER", "SIGNED_NUMBER", "PERCENT", "SIGNED_PERCENT", "INT")


def keyword_terminals(parser: lark.Lark) -> dict[str, str]:
    """The grammar's keywords (``deduct``, ``item`` …) and their terminal names."""
    return {
        t.pattern.value: t.name
        for t in parser.terminals
        if t.pattern.type == "str" and t.pattern.value.isidentifier()
    }


def syntax_diagnostic(
    exc: lark.exceptions.UnexpectedInput, text: str, file: str, parser: lark.Lark
) -> Diagnostic:
    """The diagnostic for one syntax error, with its place, its line and a hint."""
    lines = text.splitlines() or [""]
    line = max(exc.line, 1) if isinstance(exc.line, int) else len(lines)
    column = max(exc.column, 1) if isinstance(exc.column, int) else 1
    if isinstance(exc, lark.exceptions.UnexpectedToken) and exc.token.type == "$END":
        line = len(lines)
        column = len(lines[-1]) + 1
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    span = Span(file, line, column)
    if isinstance(exc, lark.exceptions.UnexpectedCharacters):
        return _bad_character(exc, span, source_line, parser)
    if isinstance(exc, lark.exceptions.UnexpectedToken):
        return _bad_token(exc, span, source_line, parser)
    msg = _("the ruleset could not be parsed")
    return Diagnostic("DR001", msg, span=span, source_line=source_line)


def _bad_character(
    exc: lark.exceptions.UnexpectedCharacters, span: Span, source_line: str, parser: lark.Lark
) -> Diagnostic:
    ch = exc.char
    if ch == '"':
        msg = _("unterminated string")
        hint = _('close the string with " on the same line (use \\n for a line break)')
        return Diagnostic("DR002", msg, span=span, hint=hint, source_line=source_line)
    if is_full_width(ch):
        msg = _("full-width character {char!r} outside a string").format(char=ch)
        plain = unicodedata.normalize("NFKC", ch)
        hint = _("write {plain!r} instead; full-width forms are only allowed inside quotes").format(
            plain=plain
        )
        return Diagnostic("DR007", msg, span=span, hint=hint, source_line=source_line)
    msg = _("unexpected character {char!r}").format(char=ch)
    expected = _expected_hint(exc.allowed, parser)
    return Diagnostic("DR001", msg, span=span, hint=expected, source_line=source_line)


def is_full_width(ch: str) -> bool:
    """A full-width form of a plain character (``；``, ``３``), not a Chinese character."""
    return unicodedata.east_asian_width(ch) in "FW" and unicodedata.normalize("NFKC", ch) != ch


def _bad_token(
    exc: lark.exceptions.UnexpectedToken, span: Span, source_line: str, parser: lark.Lark
) -> Diagnostic:
    token = exc.token
    expected = exc.expected or set()
    if token.type == "$END":
        msg = _("unexpected end of file")
        hint = (
            _("a '}' is missing: every '{' needs its '}'")
            if "RBRACE" in expected
            else _expected_hint(expected, parser)
        )
        return Diagnostic("DR001", msg, span=span, hint=hint, source_line=source_line)
    msg = _("unexpected {token}").format(token=_describe_token(token))
    span = Span(span.file, span.line, span.column, span.line, span.column + len(str(token)))
    hint = _suggestion(token, expected, parser) or _expected_hint(expected, parser)
    return Diagnostic("DR001", msg, span=span, hint=hint, source_line=source_line)


def _suggestion(token: Token, expected: set[str], parser: lark.Lark) -> str | None:
    """ "did you mean 'deduct'?" for a word close to a keyword that may stand here."""
    word = str(token)
    if not word.isidentifier():
        return None
    allowed = {keyword for keyword, name in keyword_terminals(parser).items() if name in expected}
    return did_you_mean(word, allowed - {word})


def _describe_token(token: Token) -> str:
    text = str(token)
    if token.type == "STRING":
        return _("string {text}").format(text=text)
    if token.type in ("NAME", "RULESET_ID"):
        return _("name {text!r}").format(text=text)
    if token.type in _NUMBERS:
        return _("number {text}").format(text=text)
    return repr(text)


def _expected_hint(expected: set[str] | frozenset[str] | None, parser: lark.Lark) -> str | None:
    if not expected:
        return None
    words = sorted({_word_for(name, parser) for name in expected})
    if len(words) > 8:
        words = [*words[:8], "…"]
    return _("expected {words}").format(words=joined(words, _(", ")))


def _word_for(terminal: str, parser: lark.Lark) -> str:
    if terminal in _TOKEN_WORDS:
        return _TOKEN_WORDS[terminal]
    try:
        pattern = parser.get_terminal(terminal).pattern
    except KeyError:  # Lark's own pseudo-terminals, such as the end of input
        return _("the end of the file") if "END" in terminal else terminal.lower()
    if pattern.type == "str":
        return repr(pattern.value)
    return terminal.lower().replace("_", " ")
