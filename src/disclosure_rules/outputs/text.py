"""Text for people: control characters escaped, columns aligned, diagnostics capped.

Unit ids, titles and notes come from facts and rulesets written by others. Printed
raw, an ESC starts a terminal escape sequence, a BEL rings, a carriage return or a
bidirectional override makes a line read differently from what it holds. Every
human-readable output of the command line (tables, explanations, describe text,
diagnostics) passes through :func:`printable`, which shows such characters as
Python-style escapes (``\\x1b``, ``\\u202e``) and leaves all other text alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..errors import Diagnostic, display_width
from ..i18n import gettext

__all__ = ["MAX_DIAGNOSTICS_PER_FILE", "capped", "printable", "table"]

MAX_DIAGNOSTICS_PER_FILE = 50
"""Diagnostics printed per file; the rest are counted (“… and N more”, DR604)."""

# C0 controls but tab and newline, DEL, C1 controls, bidirectional embeddings, overrides
# and isolates, and lone surrogates (which no encoding can write)
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_IN_CELL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, cell: bool = False) -> str:
    """``text`` with control characters escaped; with ``cell``, tabs and newlines too."""
    return (_UNSAFE_IN_CELL if cell else _UNSAFE).sub(_escape, text)


def table(rows: Sequence[Sequence[str]]) -> str:
    """Rows as aligned columns (by display width: a Chinese character takes two)."""
    safe = [[printable(c, cell=True) for c in r] for r in rows]
    widths = [max(display_width(r[i]) for r in safe) for i in range(len(safe[0]))]
    lines = []
    for r in safe:
        cells = [c + " " * (widths[i] - display_width(c)) for i, c in enumerate(r)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def capped(diagnostics: Sequence[Diagnostic], limit: int = MAX_DIAGNOSTICS_PER_FILE) -> str:
    """Rendered diagnostics, at most ``limit`` per file, then one line counting the rest."""
    shown: dict[str | None, int] = {}
    hidden: dict[str | None, int] = {}
    lines = []
    for d in diagnostics:
        file = d.span.file if d.span is not None else d.file
        if shown.get(file, 0) >= limit:
            hidden[file] = hidden.get(file, 0) + 1
            continue
        shown[file] = shown.get(file, 0) + 1
        lines.append(printable(d.render()))
    for file, count in hidden.items():
        more = gettext(
            "… and {count:,} more diagnostic(s) not shown (at most {limit} are printed per file)"
        ).format(count=count, limit=limit)
        note = gettext("note")
        lines.append(printable(f"{file or '<input>'}: {note}: DR604 {more}"))
    return "\n".join(lines)
