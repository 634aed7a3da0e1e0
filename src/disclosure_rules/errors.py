"""Errors and diagnostics: the first module of the pipeline.

Every problem the library reports, from a stray brace in a ruleset to a
negative count in a facts file, is a :class:`Diagnostic` with a stable code,
a place (:class:`Span` in a ruleset, or facts file + unit + fact) and a hint.
Exceptions carry one or more diagnostics and render them as::

    FILE:LINE:COL: error: DR103 message
      <the source line>
      <caret under the column, placed by display width>
      hint: what to do about it

Chinese characters are two columns wide on a terminal, so carets are placed
with :func:`display_width`, not by counting characters.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable, Sequence

import attrs

from .i18n import Message, _, alternatives, gettext, localized

__all__ = [
    "CalendarError",
    "CheckError",
    "Diagnostic",
    "DisclosureRulesError",
    "EvaluationError",
    "FactsError",
    "FileLine",
    "ParameterError",
    "RulesetNotFoundError",
    "RulesetSyntaxError",
    "Severity",
    "Span",
    "did_you_mean",
    "display_width",
    "expect_argument",
    "line_file",
    "line_text",
]


_EXCERPT = 100  # characters of a source line shown around a diagnostic's column


@attrs.frozen
class Span:
    """A place in a ruleset file: 1-based line and column, end exclusive."""

    file: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class FileLine(int):
    """A line number that also names its file: the line of a clause an overlay takes
    from its base, so an audit entry or a description citing it is not read as a line of
    the overlay. It is an ``int`` everywhere else (compares, hashes, prints as one)."""

    file: str

    def __new__(cls, line: int, file: str) -> FileLine:
        self = super().__new__(cls, line)
        self.file = file
        return self

    def __getnewargs__(self) -> tuple[int, str]:  # type: ignore[override]
        return int(self), self.file


def line_file(line: int | None) -> str | None:
    """The file a line names, when it is a :class:`FileLine` (else None: the ruleset's own)."""
    return line.file if isinstance(line, FileLine) else None


def line_text(line: int) -> str:
    """``line N``, with ``of FILE`` when it is a line of a base an overlay extends."""
    file = line_file(line)
    return f"line {line}" if file is None else f"line {line} of {file}"


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class Diagnostic:
    """One problem, with a stable code (see docs/diagnostics.md)."""

    code: str
    message: str
    severity: Severity = Severity.ERROR
    span: Span | None = None
    hint: str | None = None
    # Facts diagnostics name their place by file, unit and fact instead of a span.
    file: str | None = None
    unit: str | None = None
    fact: str | None = None
    source_line: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        if self.span is not None:
            return str(self.span)
        parts = [self.file or "<input>"]
        if self.unit is not None:
            parts.append(gettext("unit {unit!r}").format(unit=self.unit))
        if self.fact is not None:
            parts.append(gettext("fact {fact!r}").format(fact=self.fact))
        return ": ".join(parts)

    def render(self) -> str:
        """The diagnostic as a user reads it, in the active language (:mod:`.i18n`):
        location, message, excerpt, hint. Its code, place and JSON form never change
        with the language."""
        severity = gettext("error") if self.is_error else gettext("warning")
        lines = [f"{self.location()}: {severity}: {self.code} {localized(self.message)}"]
        if self.span is not None and self.source_line is not None:
            text = self.source_line.rstrip("\r\n").expandtabs(1)
            start = max(self.span.column - 1, 0)
            if len(text) > _EXCERPT:  # show a window around the column of a very long line
                first = max(start - _EXCERPT // 2, 0)
                text = text[first : first + _EXCERPT]
                start -= first
            lines.append(f"  {text}")
            prefix = text[:start]
            width = 1
            if self.span.end_line == self.span.line and self.span.end_column:
                covered = text[start : start + self.span.end_column - self.span.column]
                width = max(display_width(covered), 1)
            lines.append("  " + " " * display_width(prefix) + "^" * min(width, 60))
        if self.hint:
            label = gettext("hint")
            lines.append(f"  {label}: {localized(self.hint)}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
        }
        if self.span is not None:
            out.update(file=self.span.file, line=self.span.line, column=self.span.column)
        else:
            out.update(
                {
                    k: v
                    for k, v in (("file", self.file), ("unit", self.unit), ("fact", self.fact))
                    if v
                }
            )
        if self.hint:
            out["hint"] = self.hint
        return out


def display_width(text: str) -> int:
    """Columns a terminal gives ``text``: wide and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def did_you_mean(name: str, candidates: Iterable[str]) -> Message | None:
    """A ``did you mean …?`` hint for an unknown name, or None if nothing is close."""
    import difflib  # here, not at start-up: only a diagnostic needs it

    close = difflib.get_close_matches(name, sorted(set(candidates)), n=3, cutoff=0.6)
    if not close:
        return None
    return _("did you mean {names}?").format(names=alternatives(repr(c) for c in close))


def expect_argument(
    value: object, types: type | tuple[type, ...], argument: str, expected: str
) -> None:
    """Raise TypeError naming ``argument`` and what was expected unless ``value`` is one of
    ``types`` (a bool is never taken for a number): the public API checks its arguments
    with this where they enter, so a wrong type never fails deep inside."""
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in _tuple(types)):
        msg = _("{argument}: expected {expected}, got {type} {short}").format(
            argument=argument, expected=expected, type=type(value).__name__, short=_short(value)
        )
        raise TypeError(msg)


def _tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


def _short(value: object) -> str:
    try:
        text = repr(value)
    except Exception:
        return ""
    return text if len(text) <= 40 else f"{text[:37]}..."


class DisclosureRulesError(Exception):
    """The root of every error this library raises on purpose."""

    def __init__(self, diagnostics: Sequence[Diagnostic] | Diagnostic) -> None:
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)


class RulesetSyntaxError(DisclosureRulesError, ValueError):
    """The ruleset text could not be read: encoding, lexing, parsing, nesting."""


class CheckError(DisclosureRulesError, ValueError):
    """The ruleset parsed but the checker found errors (all of them, together)."""


class ParameterError(DisclosureRulesError, ValueError):
    """A parameter override names an unknown parameter or has a bad value."""


class FactsError(DisclosureRulesError, ValueError):
    """A facts file is malformed or does not fit the ruleset."""


class EvaluationError(DisclosureRulesError, ArithmeticError):
    """Scoring could not go on (strict mode, or a cohort-level impossibility)."""


class CalendarError(DisclosureRulesError, LookupError):
    """A working-day question for a year the calendar does not cover, or a bad schedule."""


class RulesetNotFoundError(DisclosureRulesError, LookupError):
    """Neither a shipped ruleset id nor a readable file."""
