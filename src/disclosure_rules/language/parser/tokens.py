"""Lexing a text that parses: the tokens of Lark's contextual lexer, made faster.

Part of parsing, used by :mod:`.reductions` for the parse of a text. Lark's contextual
lexer takes each token with the terminals the parser's state can take next (so that
``item`` is a keyword where a statement starts and a name where a name may stand).
It is the costliest part of a parse: a Python loop runs once for each token and once
more for the whitespace or comment before it. This lexer gives the same tokens, with
the same expressions (Lark's, compiled by Lark for each state), but steps over the
whitespace and comments before a token with one match, and reads a keyword off a
dictionary.

Only success is its business: where no terminal the state takes matches, it raises
:class:`Unlexed`, and the caller parses the text again with Lark's lexer, whose
account of the error is the one reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache, partial
from typing import Any

import lark
from lark import Token
from lark.lexer import PatternStr, UnlessCallback

__all__ = ["Unlexed", "tokens"]


class Unlexed(Exception):  # not an error users see: the caller parses again
    """Text where no terminal the parser's state takes matches."""


class _StateLexer:
    """The terminals one set of parser states takes, as Lark's lexer for those states
    has compiled them, and the keywords that a terminal's match may be (``item``
    matched by NAME)."""

    def __init__(self, basic: Any) -> None:
        expressions = basic.scanner._mres  # compiled by Lark at the state's first token
        self.match: Callable[[str, int], re.Match[str] | None] = (
            expressions[0].match if len(expressions) == 1 else partial(_first, expressions)
        )
        self.keywords: dict[str, dict[str, str]] = {}
        for name, callback in basic.callback.items():
            if not isinstance(callback, UnlessCallback):
                raise NotImplementedError(f"a lexer callback on {name}")
            words = callback.scanner.terminals
            if not all(isinstance(t.pattern, PatternStr) and not t.pattern.flags for t in words):
                raise NotImplementedError(f"keywords with flags matched by {name}")
            self.keywords[name] = {t.pattern.value: t.name for t in words}


def _first(expressions: list[re.Pattern[str]], text: str, pos: int) -> re.Match[str] | None:
    """The match of the first of ``expressions`` that matches (Lark splits the terminals
    of a state among several expressions only where Python limits an expression's groups)."""
    for expression in expressions:
        found = expression.match(text, pos)
        if found is not None:
            return found
    return None


class _Lexers(dict[int, _StateLexer]):
    """The lexer of each state of the parser, made at the state's first token (one for
    each set of terminals)."""

    def __init__(self, parser: lark.Lark) -> None:
        super().__init__()
        self.basic = parser.parser.lexer.lexers
        self.made: dict[int, _StateLexer] = {}

    def __missing__(self, state: int) -> _StateLexer:
        basic = self.basic[state]
        if id(basic) not in self.made:
            self.made[id(basic)] = _StateLexer(basic)
        self[state] = lexer = self.made[id(basic)]
        return lexer


@cache
def _lexers(parser: lark.Lark) -> tuple[_Lexers, re.Pattern[str]]:
    """The parser's lexers, and the expression of the whitespace and comments between
    tokens (never given back once matched)."""
    ignored = [parser.get_terminal(name).pattern.to_regexp() for name in parser.lexer_conf.ignore]
    skip = "(?:{})*+".format("|".join(f"(?:{pattern})" for pattern in ignored))
    return _Lexers(parser), re.compile(skip)


def tokens(parser: lark.Lark, text: str, stack: list[int]) -> Iterator[Token]:
    """The tokens of ``text``, each lexed for the state atop the parser's ``stack`` (its
    list of states) as it then is."""
    lexers, skip = _lexers(parser)
    pos, line, line_start, end = 0, 1, 0, len(text)
    while True:
        start = skip.match(text, pos).end()  # type: ignore[union-attr]  # matches ""
        if start == end:
            return
        lexer = lexers[stack[-1]]
        found = lexer.match(text, start)
        if found is None:
            raise Unlexed(start)
        skipped = text.count("\n", pos, start)
        if skipped:
            line += skipped
            line_start = text.rindex("\n", pos, start) + 1
        kind, value, pos = found.lastgroup, found.group(), found.end()
        assert kind is not None  # some terminal matched
        words = lexer.keywords.get(kind)
        if words is not None:
            kind = words.get(value, kind)
        column = start - line_start + 1
        newlines = value.count("\n")
        if newlines:
            line_start = start + value.rindex("\n") + 1
        token = Token(kind, value, start, line, column, line + newlines, pos - line_start + 1, pos)
        line += newlines
        yield token
