"""Pre-scan: what is refused before Lark sees the text, and the comment scanner.

The first step of parsing. A cheap scan rejects what would make later stages slow
or recursive: files over :data:`MAX_BYTES`, text that is not UTF-8, and nesting
deeper than :data:`MAX_DEPTH` braces, parentheses or chained ``not``. The same
scanner finds the comments, which the formatter keeps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import attrs

from ...errors import Diagnostic, RulesetSyntaxError, Span
from ...i18n import _

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_DIGITS", "Comment", "comments", "decode", "prescan"]

MAX_BYTES = 4 * 1024 * 1024
"""A ruleset larger than this is refused (the largest real scheme is ~30 KB)."""

MAX_DEPTH = 64
"""Deepest nesting of ``{`` and ``(`` accepted (real schemes use 4-5 levels)."""

MAX_DIGITS = 40
"""Digits a number in a ruleset may have: the limit of numbers in facts files
(``disclosure_rules.facts.read.MAX_DIGITS``), so every sum and product of scores stays
exact in the engine's 80-digit arithmetic. A ruleset writes no exponents, so 40 digits
also bound a number's size as the facts' ``MAX_EXPONENT`` does."""


def decode(source: str | bytes, file: str) -> str:
    """The text of ``source``, or a diagnostic: too large, not UTF-8, not text, empty."""
    if isinstance(source, bytes):
        if len(source) > MAX_BYTES:
            raise RulesetSyntaxError(_too_large(len(source), file))
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = source[: exc.start].count(b"\n") + 1
            column = exc.start - (source.rfind(b"\n", 0, exc.start) + 1) + 1
            byte = source[exc.start]
            msg = _("the file is not valid UTF-8 (byte 0x{byte:02x} at offset {start})").format(
                byte=byte, start=exc.start
            )
            hint = _("save the ruleset as UTF-8; GBK/GB18030 files must be converted first")
            raise RulesetSyntaxError(
                Diagnostic("DR003", msg, span=Span(file, line, column), hint=hint)
            ) from None
    else:
        text = source
    if len(text) > MAX_BYTES:
        raise RulesetSyntaxError(_too_large(len(text), file))
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        msg = _("the file contains NUL bytes: it is not a text file")
        raise RulesetSyntaxError(Diagnostic("DR003", msg, span=Span(file, line, 1)))
    if all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        msg = (
            _("the ruleset file is empty (only comments)")
            if text.strip()
            else _("the ruleset file is empty")
        )
        hint = _('a ruleset starts with: ruleset my-scheme { title "..." ... }')
        raise RulesetSyntaxError(Diagnostic("DR004", msg, span=Span(file, 1, 1), hint=hint))
    return text


def _too_large(size: int, file: str) -> Diagnostic:
    msg = _("the ruleset is {size:,} bytes; the limit is {limit:,}").format(
        size=size, limit=MAX_BYTES
    )
    return Diagnostic("DR006", msg, file=file, hint=_("split the scheme into several rulesets"))


@attrs.frozen
class Comment:
    """A ``#`` comment: where it is, its text, and whether code precedes it on its line."""

    line: int
    column: int
    text: str
    trailing: bool
    gap_after: bool = False  # a blank line follows it


def _word_at(text: str, i: int, length: int) -> bool:
    """Whether ``text[i : i + length]`` is a whole word (not part of a longer name)."""

    def name_char(at: int) -> bool:
        return 0 <= at < len(text) and (text[at].isalnum() or text[at] in "_-")

    return not name_char(i - 1) and not name_char(i + length)


_PLAIN = re.compile(r'(?:[^\n"\\#{}()n]|n(?!ot))+')
_QUOTED = re.compile(r'[^\n"\\]+')
"""Characters :func:`_scan` has nothing to do with but count, outside a string (all but
line ends, quotes, backslashes, comment marks, brackets and the ``n`` of a ``not``)
and in one (all but line ends, quotes and backslashes)."""


def _scan(text: str) -> Iterator[tuple[str, int, int, str]]:
    """Brackets and comments outside strings, as (kind, line, column, text)."""
    line, col = 1, 0
    in_string = escaped = False
    code_on_line = after_not = False  # after_not: the last word was a `not`
    i, n = 0, len(text)
    while i < n:
        plain = (_QUOTED if in_string else _PLAIN).match(text, i)
        if plain is not None:  # a run of characters that only move the column on
            run = plain.group()
            col += len(run)
            if in_string:
                escaped = False  # the run's first character was the escaped one
            elif not run.isspace():
                code_on_line = True
                after_not = False
            i = plain.end()
            continue
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
            after_not = False
            yield (ch, line, col, ch)
        elif ch == "n" and text.startswith("not", i) and _word_at(text, i, 3):
            code_on_line = True
            yield ("not", line, col, "not not" if after_not else "not")
            after_not = True
            col += 2
            i += 3
            continue
        elif not ch.isspace():
            code_on_line = True
            after_not = False
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


def prescan(text: str, file: str) -> None:
    """Reject nesting deeper than MAX_DEPTH before the parser recurses on it.

    Braces, parentheses and chained ``not`` (``not not not …``, which nests without a
    bracket) each count as a level."""
    depth = chain = 0
    for kind, line, col, body in _scan(text):
        if kind == "not":
            chain = chain + 1 if body == "not not" else 1
        elif kind in "{(":
            depth += 1
            chain = 0
        elif kind in "})":
            depth -= 1
            chain = 0
        if kind in ("not", "{", "(") and depth + chain > MAX_DEPTH:
            msg = _("nesting is deeper than {max_depth} levels").format(max_depth=MAX_DEPTH)
            hint = _("real schemes nest 4 or 5 levels; check for a runaway or generated file")
            source_line = text.splitlines()[line - 1]
            raise RulesetSyntaxError(
                Diagnostic(
                    "DR005", msg, span=Span(file, line, col), hint=hint, source_line=source_line
                )
            )
