"""Building the syntax tree during the parse: each LALR reduction calls the builder.

Part of parsing, between Lark's LALR parser and the builder (:mod:`.build_rules`,
:mod:`.build_tree`). Lark's own way is to build a parse tree and have a transformer
walk it afterwards; a ruleset's text was then held three times (tokens, Lark's tree,
the syntax tree) and walked twice. Here the parser calls, at each reduction, the
builder's method for the grammar rule it has just recognised, so the syntax nodes
come straight from the tokens.

The callbacks shape each rule's children as Lark's tree builder would have: the
keywords and punctuation dropped (except in ``!`` rules), the statements of inlined
``_rule``\\ s spliced in, the single child of a ``?rule`` passed up as it is. And they
give each method the positions ``propagate_positions`` gives: a node spans from the
start of its first token to the end of its last, the dropped ones included, and a
child passed up through a ``?rule`` keeps its own span while its parent counts the
text around it (the brackets of ``( condition )``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import lark
from lark import Token

from .tokens import tokens

__all__ = ["parse_with"]

_Place = tuple[int | None, int | None]  # a line and column, as a token gives them
_Children = list[Any]  # Tokens and _Built values, as the parser's value stack holds them


class _Built:
    """A value a reduction built, with where its text is: its own span (the ``meta``
    the builder's methods read) and its container's, which its parent's span counts."""

    __slots__ = (
        "column",
        "empty",
        "end_column",
        "end_line",
        "line",
        "outer_end",
        "outer_start",
        "value",
    )

    def __init__(self, start: _Place | None, end: _Place | None, value: Any = None) -> None:
        self.value = value
        self.empty = start is None
        if start is not None and end is not None:
            self.line, self.column = start
            self.end_line, self.end_column = end
        self.outer_start = start
        self.outer_end = end

    def widened(self, start: _Place | None, end: _Place | None) -> _Built:
        """The same value in the larger container of a ``?rule``: its own span kept
        (an empty one takes the container's, as Lark's does)."""
        if self.empty:
            return _Built(start, end, self.value)
        built = _Built(start or self.outer_start, end or self.outer_end, self.value)
        built.line, built.column = self.line, self.column
        built.end_line, built.end_column = self.end_line, self.end_column
        return built


def _start(children: _Children) -> _Place | None:
    for child in children:
        if isinstance(child, Token):
            return (child.line, child.column)
        if child.outer_start is not None:
            return child.outer_start  # type: ignore[no-any-return]
    return None


def _end(children: _Children) -> _Place | None:
    for child in reversed(children):
        if isinstance(child, Token):
            return (child.end_line, child.end_column)
        if child.outer_end is not None:
            return child.outer_end  # type: ignore[no-any-return]
    return None


_Shape = tuple[str, tuple[tuple[int, bool], ...], bool, bool]
"""A rule's method name, its children kept (index, spliced?), whether a lone child is
passed up (``?rule``), and whether the rule is itself spliced into its parent."""


@cache
def _shapes(parser: lark.Lark) -> dict[Any, _Shape]:
    """Every rule of the grammar, and how its children are shaped (as Lark's tree
    builder shapes them, see ``lark.parse_tree_builder``)."""
    shapes: dict[Any, _Shape] = {}
    for rule in parser.rules:
        keep_all = rule.options.keep_all_tokens
        kept = tuple(
            (i, not sym.is_term and sym.name.startswith("_"))
            for i, sym in enumerate(rule.expansion)
            if keep_all or not (sym.is_term and sym.filter_out)  # type: ignore[attr-defined]
        )
        name = rule.alias or rule.options.template_source or rule.origin.name
        lone_up = bool(rule.options.expand1) and not rule.alias
        shapes[rule] = (name, kept, lone_up, name.startswith("_"))
    return shapes


def _reduction(shape: _Shape, method: Callable[[_Built, list[Any]], Any] | None) -> Any:
    name, kept, lone_up, spliced = shape

    def reduce(children: _Children) -> Any:
        shaped: _Children = []
        for i, splice in kept:
            if not splice:
                shaped.append(children[i])
            elif shaped:
                shaped += children[i].value
            else:  # a list grown one statement a reduction: taken over, not copied
                shaped = children[i].value
        start, end = _start(children), _end(children)
        if lone_up and len(shaped) == 1:
            lone = shaped[0]
            return lone if isinstance(lone, Token) else lone.widened(start, end)
        if spliced:
            return _Built(start, end, shaped)
        if method is None:
            raise AssertionError(f"the builder has no method for grammar rule {name}")
        built = _Built(start, end)
        built.value = method(built, [c if isinstance(c, Token) else c.value for c in shaped])
        return built

    return reduce


def parse_with(parser: lark.Lark, builder: object, text: str, *, lark_lexer: bool = False) -> Any:
    """Parse ``text``, building with ``builder`` (whose methods, named for the grammar's
    rules, take the node's positions and its children); raise Lark's UnexpectedInput at
    the first syntax error, or :class:`~.tokens.Unlexed` where :mod:`.tokens` finds no
    token (``lark_lexer``: lex with Lark's own lexer, whose errors say what is wrong)."""
    callbacks = {
        rule: _reduction(shape, getattr(builder, shape[0], None))
        for rule, shape in _shapes(parser).items()
    }
    interactive = parser.parse_interactive(text)
    state = interactive.parser_state
    state.parse_conf.callbacks = callbacks
    if lark_lexer:
        return interactive.resume_parse().value  # type: ignore[no-untyped-call]
    last = None
    for last in tokens(parser, text, state.state_stack):
        state.feed_token(last)
    end = Token.new_borrow_pos("$END", "", last) if last else Token("$END", "", 0, 1, 1)
    return state.feed_token(end, True).value
