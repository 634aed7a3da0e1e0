"""Every syntax error at once: an error-recovering run of the LALR parser.

Part of parsing, used only when the ordinary parse has failed. It drives Lark's
interactive parser token by token. At an error it reports a diagnostic, then
recovers as yacc's ``error`` rules do: it skips tokens until one that starts a
statement (``item``, ``deduct`` …) or closes a block, and pops the parser back to
the enclosing block that can take it. Three rules keep one mistake from being
reported several times: a block opened inside the skipped text is skipped whole,
an error within a few tokens of the last one is taken as part of it, and an
unterminated string takes the rest of its line with it. At most
:data:`MAX_ERRORS` are reported, then one diagnostic says how many more there are.
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from collections.abc import Iterator, Sequence
from functools import cache

import lark
from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from ...errors import Diagnostic, Span
from ...i18n import _, n_
from .messages import is_full_width, keyword_terminals, syntax_diagnostic

__all__ = ["MAX_ERRORS", "recover"]

MAX_ERRORS = 20
"""Syntax errors reported in full; the rest are counted ("and 5 more")."""

_QUIET = 2  # tokens to take after an error before another error is reported
_STATEMENTS = (  # the grammar's lists of statements: where recovery starts again
    "_ruleset_stmt",
    "_policy_stmt",
    "_component_stmt",
    "_node",
    "_node_stmt",
    "_survey_stmt",
    "_overlay_stmt",
    "_change_stmt",
    "calendar_days",
    "grade_else",
)
_OPEN = frozenset({"LBRACE", "LPAR"})
_CLOSE = frozenset({"RBRACE", "RPAR"})


def recover(parser: lark.Lark, text: str, file: str) -> list[Diagnostic]:
    """The syntax errors of ``text``, each reported once, in order."""
    run = _Recovery(parser, text, file)
    run.parse()
    return run.diagnostics()


@cache
def _statement_starts(parser: lark.Lark) -> frozenset[str]:
    """The keywords that begin a statement (``item``, ``deduct`` …), and ``}``."""
    expansions: dict[str, list[Sequence[lark.grammar.Symbol]]] = {}
    for rule in parser.rules:
        expansions.setdefault(rule.origin.name, []).append(rule.expansion)
    keywords = set(keyword_terminals(parser).values())
    found = {"RBRACE"}
    seen: set[str] = set()
    todo = list(_STATEMENTS)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for expansion in expansions.get(name, []):
            first = expansion[0]
            if not first.is_term:
                todo.append(first.name)
            elif first.name in keywords:
                found.add(first.name)
    return frozenset(found)


class _Recovery:
    """One recovering parse of one text: the parser, where it stands, what it found."""

    def __init__(self, parser: lark.Lark, text: str, file: str) -> None:
        self.parser = parser
        self.text = text
        self.file = file
        self.ip = parser.parse_interactive(text)
        self.keywords = keyword_terminals(parser)
        self.keyword_types = frozenset(self.keywords.values())
        self.punctuation = {
            t.pattern.value: t.name
            for t in parser.terminals
            if t.pattern.type == "str" and len(t.pattern.value) == 1
        }
        self.sync = _statement_starts(parser)
        self.found: list[Diagnostic] = []
        self.more = 0  # errors after the first one beyond MAX_ERRORS
        self.recovering = False
        self.skipped_depth = 0  # blocks opened in the skipped text and not yet closed
        self.quiet = 0
        self.last: Token | None = None
        self.history: deque[Token] = deque(maxlen=2)  # the tokens last taken

    def parse(self) -> None:
        for token in self.tokens():
            self.last = token
            if self.recovering:
                self.skip_or_resync(token)
            else:
                self.feed(token)
        if not self.recovering:
            try:
                self.ip.feed_eof(self.last)  # type: ignore[no-untyped-call]
            except UnexpectedToken as exc:
                if not self.quiet:
                    self.report(exc)

    def tokens(self) -> Iterator[Token]:
        """The text's tokens; characters that make no token are reported and skipped."""
        lexer = self.ip.lexer_thread
        while True:
            try:
                yield from lexer.lex(self.ip.parser_state)  # type: ignore[no-untyped-call]
                return
            except UnexpectedToken as exc:  # a token of the language this place cannot take
                yield exc.token
            except UnexpectedCharacters as exc:
                yield from self.bad_character(exc)

    def feed(self, token: Token) -> None:
        try:
            self.ip.feed_token(token)
        except UnexpectedToken as exc:
            if not self.quiet:
                self.report(self.glued_keyword() or exc)
            self.recovering = True
            self.skipped_depth = 0
            self.skip_or_resync(token)
        else:
            self.history.append(token)
            self.quiet = max(self.quiet - 1, 0)

    def glued_keyword(self) -> Diagnostic | None:
        """A keyword run together with the letters after it: ``deducts 1 per x``.

        Where no name may stand, the lexer reads ``deducts`` as the keyword ``deduct``
        and a name ``s``, and the error only shows at the next token. Name the word
        as written, and the keyword it starts with.
        """
        for token in self.history:
            end = token.end_pos
            if token.type not in self.keyword_types or end is None or end >= len(self.text):
                continue
            if not (self.text[end].isalnum() or self.text[end] == "_"):
                continue
            word = re.match(r"\w+", self.text[token.start_pos or 0 :])
            assert word is not None  # the keyword itself is a word
            line, column = token.line or 1, token.column or 1
            span = Span(self.file, line, column, line, column + len(word.group()))
            msg = _("unexpected name {group!r}").format(group=word.group())
            hint = _("did you mean {token!r}?").format(token=str(token))
            start = token.start_pos or 0
            first, last = self.text.rfind("\n", 0, start) + 1, self.text.find("\n", start)
            source_line = self.text[first : None if last < 0 else last]
            return Diagnostic("DR001", msg, span=span, hint=hint, source_line=source_line)
        return None

    def skip_or_resync(self, token: Token) -> None:
        """Skip ``token``, or start again with it where an enclosing block can take it."""
        token = self.as_keyword(token)
        if token.type in _OPEN:
            self.skipped_depth += 1
        elif token.type in _CLOSE and self.skipped_depth:
            self.skipped_depth -= 1
        elif token.type in self.sync and self.resync(token):
            self.recovering = False
            self.quiet = _QUIET

    def as_keyword(self, token: Token) -> Token:
        # The contextual lexer reads a keyword as a name where a name may stand, so
        # `item` after an error can arrive as NAME; recovery needs to see the keyword.
        if token.type in ("NAME", "RULESET_ID") and str(token) in self.keywords:
            return Token.new_borrow_pos(self.keywords[str(token)], str(token), token)
        return token

    def resync(self, token: Token) -> bool:
        """Pop the parser to the innermost open block that takes ``token``, and feed it."""
        state = self.ip.parser_state
        for depth in range(len(state.state_stack), 0, -1):
            trial = state.copy(deepcopy_values=False)
            del trial.state_stack[depth:]
            del trial.value_stack[depth - 1 :]
            try:
                trial.feed_token(token)
            except UnexpectedToken:
                continue
            del state.state_stack[depth:]
            del state.value_stack[depth - 1 :]
            state.feed_token(token)
            return True
        return False

    def bad_character(self, exc: UnexpectedCharacters) -> Iterator[Token]:
        """Report a character no token starts with, step over it, and go on."""
        state = self.ip.lexer_thread.state
        assert state is not None  # an interactive parser always has its text
        counter = state.line_ctr
        start = counter.char_pos
        char = self.text[start]
        if not self.recovering and not self.quiet:
            self.report(exc)
        self.quiet = _QUIET
        if char == '"':  # an unterminated string: the rest of its line is inside it
            end = self.text.find("\n", start)
            counter.feed(self.text[start : len(self.text) if end < 0 else end])
            self.recovering = True
            self.skipped_depth = 0
            return
        counter.feed(char)
        plain = unicodedata.normalize("NFKC", char)
        if is_full_width(char) and plain in self.punctuation and not self.recovering:
            # read `｛` as the `{` it stands for, so the text after it parses as meant
            yield Token(
                self.punctuation[plain],
                plain,
                start_pos=start,
                line=exc.line,
                column=exc.column,
                end_line=exc.line,
                end_column=exc.column + 1,
                end_pos=start + 1,
            )

    def report(self, exc: UnexpectedInput | Diagnostic) -> None:
        self.quiet = _QUIET
        if len(self.found) > MAX_ERRORS:  # only counted: wording each would cost time
            self.more += 1
            return
        found = (
            exc
            if isinstance(exc, Diagnostic)
            else syntax_diagnostic(exc, self.text, self.file, self.parser)
        )
        self.found.append(found)  # one beyond the cap: where "and N more" points

    def diagnostics(self) -> list[Diagnostic]:
        if len(self.found) <= MAX_ERRORS:
            return list(self.found)
        first = self.found[MAX_ERRORS]
        many = self.more + 1
        msg = n_(
            "and {many} more syntax error, the first of them here",
            "and {many} more syntax errors, the first of them here",
            many,
        ).format(many=many)
        hint = _("correct the errors above and check again")
        more = Diagnostic("DR009", msg, span=first.span, hint=hint, source_line=first.source_line)
        return [*self.found[:MAX_ERRORS], more]
