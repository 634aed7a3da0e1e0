"""Verifying citations: every ``cite`` is a verbatim passage of the ruleset's sources.

A step of checking (the checker calls :func:`verify` after its own checks): a
ruleset names the texts it quotes with ``source "…" files "a.txt", "b.txt"``,
each resolved relative to the ruleset file (a shipped ruleset's inside the
package, see :func:`~disclosure_rules.catalog.source_file`), and every cite on
any clause, header, parameter, grade, veto or conversion must be found in one
of them:

- whitespace is ignored on both sides: spaces, full-width spaces, tabs, line
  breaks (a cite may run over a line break of the source, as a heading and the
  paragraph under it);
- ``…`` (or ``...``) joins fragments of one passage: each fragment is found
  after the one before it, all in the same passage — a paragraph of the source,
  which the copies give as one line;
- nothing else is forgiven: punctuation, half- and full-width forms, simplified
  and traditional characters are compared as they stand.

A cite that is not found is a DR206 warning with the closest passage as a hint (a
DR210 warning when it sits on a thing marked ``assumed``: a passage the assumption
rests on must be in the source like any other, and one that is not claims a source
the thing does not have);
a named source that cannot be read is a DR207 warning (and no cite is verified,
since the missing text could hold any of them). A ruleset that names no source
files is not verified. Both are warnings, not errors: a cite documents where a
rule comes from and changes no score, so a misquoted cite must not stop a
ruleset from compiling. The tests hold the shipped rulesets to none.

Each source is read into an index once per process (keyed by its bytes): the
text without whitespace and where each passage starts in it, so a cite costs a
substring search. The hint's similarity search runs only for a cite that fails.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
import typing

import attrs

from ..catalog import names_a_file_inside, source_file
from ..errors import Diagnostic, Severity, Span
from ..i18n import Message, _, alternatives
from . import syntax

__all__ = ["SourceIndex", "cites", "normalise", "verify"]

MAX_SOURCE_BYTES = 4 * 1024 * 1024
_ELLIPSIS = re.compile(r"[…⋯]+|\.{3,}")
_INVISIBLE = str.maketrans("", "", "\u200b\ufeff")  # zero-width space, byte-order mark
_SHOWN = 60  # characters of a cite or a passage shown in a message or hint
_CONTEXT = 10  # characters of a hint's passage shown before what it shares with the cite
_CLOSE = 0.3  # the share of a cite's character pairs a passage needs to be shown as a hint


def normalise(text: str) -> str:
    """``text`` without whitespace (and invisible zero-width characters)."""
    return "".join(text.translate(_INVISIBLE).split())


@attrs.define
class SourceIndex:
    """A source text prepared for verification: no whitespace, passages marked."""

    flat: str  # the whole text without whitespace
    starts: tuple[int, ...]  # where each passage starts in ``flat``
    lines: tuple[int, ...]  # the source line of each passage
    _grams: tuple[frozenset[str], ...] | None = None  # per passage, built for hints only

    @classmethod
    def build(cls, text: str) -> SourceIndex:
        parts: list[str] = []
        starts: list[int] = []
        lines: list[int] = []
        offset = 0
        for number, line in enumerate(text.splitlines(), start=1):
            flat = normalise(line)
            if flat:
                parts.append(flat)
                starts.append(offset)
                lines.append(number)
                offset += len(flat)
        return cls("".join(parts), tuple(starts), tuple(lines))

    def passage(self, i: int) -> str:
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.flat)
        return self.flat[self.starts[i] : end]

    def contains(self, fragments: list[str]) -> bool:
        """Whether the fragments stand in this text: one anywhere, several in one passage."""
        first, rest = fragments[0], fragments[1:]
        if not rest:
            return first in self.flat
        at = self.flat.find(first)
        while at >= 0:
            i = bisect.bisect_right(self.starts, at) - 1
            end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.flat)
            if self._in_order(rest, at + len(first), end):
                return True
            at = self.flat.find(first, at + 1)
        return False

    def _in_order(self, fragments: list[str], cursor: int, end: int) -> bool:
        if cursor > end:
            return False
        for fragment in fragments:
            found = self.flat.find(fragment, cursor, end)
            if found < 0:
                return False
            cursor = found + len(fragment)
        return True

    def closest(self, cite: str) -> tuple[float, int]:
        """(share of the cite's character pairs the passage has, passage index)."""
        if self._grams is None:
            self._grams = tuple(_bigrams(self.passage(i)) for i in range(len(self.starts)))
        wanted = _bigrams(cite)
        best = (0.0, 0)
        for i, grams in enumerate(self._grams):
            score = len(wanted & grams) / len(wanted) if wanted else 0.0
            if score > best[0]:
                best = (score, i)
        return best


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset({text})


@functools.lru_cache(maxsize=32)
def _index(data: bytes) -> SourceIndex | None:
    """The index of a source file's bytes; None if they are not UTF-8 text."""
    try:
        return SourceIndex.build(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None


def cites(tree: object) -> list[syntax.Cite]:
    """Every cite in a syntax tree, whatever construct it sits on."""
    return [cite for cite, _ in _cites(tree)]


def _cites(tree: object) -> list[tuple[syntax.Cite, syntax.Assumption | None]]:
    """Every cite in a syntax tree, each with the assumption it rests under (if any).

    The passage an assumption rests on is also the cite of the thing it marks: the same
    object, reached twice, listed once."""
    found: dict[int, tuple[syntax.Cite, syntax.Assumption | None]] = {}
    stack: list[tuple[object, syntax.Assumption | None]] = [(tree, None)]
    while stack:
        node, under = stack.pop()
        if isinstance(node, syntax.Cite):
            if under is not None or id(node) not in found:
                found[id(node)] = (node, under)
        elif isinstance(node, syntax.Assumption):
            if node.cite is not None:
                stack.append((node.cite, node))
        elif isinstance(node, tuple | list):
            stack.extend((part, under) for part in node)
        else:
            for name in _branches(type(node)):
                value = getattr(node, name)
                if value:  # None and () are most of a tree's fields
                    stack.append((value, under))
    return list(found.values())


def _branches(cls: type) -> tuple[str, ...]:
    """The fields of a syntax class whose declared types can hold a cite, at any depth."""
    known = _BRANCHES.get(cls)
    if known is None:
        hints = _hints(cls) if attrs.has(cls) else {}
        known = tuple(name for name, hint in hints.items() if _holds_cite(hint, {cls}))
        _BRANCHES[cls] = known
    return known


_BRANCHES: dict[type, tuple[str, ...]] = {}


def _holds_cite(hint: object, seen: set[type]) -> bool:
    if hint is syntax.Cite:
        return True
    if typing.get_origin(hint) is not None:  # a union, a tuple, a Literal[...]
        return any(_holds_cite(arg, seen) for arg in typing.get_args(hint))
    if not isinstance(hint, type) or not attrs.has(hint) or hint in seen:
        return False
    return any(_holds_cite(h, seen | {hint}) for h in _hints(hint).values())


@functools.cache
def _hints(cls: type) -> dict[str, typing.Any]:
    """A syntax class's field types, resolved once (resolving them is the costly part)."""
    return typing.get_type_hints(cls)


def verify(ruleset: syntax.Ruleset) -> list[Diagnostic]:
    """DR206 for each cite not in the ruleset's sources, DR207 for each unreadable source."""
    if not ruleset.source_files:
        return []
    lines = ruleset.text.splitlines()

    def warn(code: str, msg: str, span: Span, hint: str) -> Diagnostic:
        own = span.file == ruleset.span.file  # not a line of the base an overlay extends
        line = lines[span.line - 1] if own and 0 < span.line <= len(lines) else None
        return Diagnostic(code, msg, Severity.WARNING, span, hint, source_line=line)

    sources: list[tuple[str, SourceIndex]] = []
    unread: list[Diagnostic] = []
    for named in ruleset.source_files:
        loaded = _load(named.span.file, named.name)  # beside the file that names it
        if isinstance(loaded, str):
            unread.append(warn("DR207", loaded, named.span, _UNREAD))
        else:
            sources.append((named.name, loaded))
    if unread:
        return unread
    where = alternatives(name for name, _index in sources)
    out = []
    found = sorted(_cites(ruleset), key=lambda c: (c[0].span.line, c[0].span.column))
    for cite, assumption in found:
        fragments = [f for f in map(normalise, _ELLIPSIS.split(cite.text)) if f]
        if fragments and any(index.contains(fragments) for _source, index in sources):
            continue
        quoted = f"“{_shorten(' '.join(cite.text.split()))}”"
        hint = _hint("".join(fragments), sources)
        if assumption is not None:
            msg = _(
                "a thing marked assumed cites {quoted}, which is not a "
                "passage of {where}: it claims a source it does not have"
            ).format(quoted=quoted, where=where)
            hint = _("{why_assumed}; {hint}").format(why_assumed=_ASSUMED_HINT, hint=hint)
            out.append(warn("DR210", msg, cite.span, hint))
            continue
        msg = _("cite {quoted} is not a verbatim passage of {where}").format(
            quoted=quoted, where=where
        )
        if len(fragments) > 1:
            msg = _(
                "{msg} (the parts it joins with … must stand in this order in one paragraph)"
            ).format(msg=msg)
        out.append(warn("DR206", msg, cite.span, hint))
    return out


_ASSUMED_HINT = _(
    "the reason after `assumed` says why the thing is there: drop the cite, or quote the "
    "passage the assumption rests on"
)


_UNREAD = _(
    "a source file is UTF-8 text named relative to the ruleset file, inside its folder "
    "(a ruleset compiled from text has none); until every source is read, no cite is verified"
)


def _load(ruleset_file: str, name: str) -> SourceIndex | Message:
    """The index of a named source, or why it cannot be read."""
    if not names_a_file_inside(name):
        return _("source file {name!r} is not a relative path inside the ruleset's folder").format(
            name=name
        )
    found = source_file(ruleset_file, name)
    if found is None:
        return _("source file {name!r} not found beside {ruleset_file}").format(
            name=name, ruleset_file=ruleset_file
        )
    try:
        data = found.read_bytes()
    except OSError as exc:
        return _("source file {name!r} cannot be read: {reason}").format(
            name=name, reason=exc.strerror or exc
        )
    if len(data) > MAX_SOURCE_BYTES:
        return _("source file {name!r} is larger than {mib} MiB").format(
            name=name, mib=MAX_SOURCE_BYTES // 2**20
        )
    index = _index(data)
    return _("source file {name!r} is not UTF-8 text").format(name=name) if index is None else index


def _hint(cite: str, sources: list[tuple[str, SourceIndex]]) -> str:
    """The closest passage of the sources, shown from just before it first shares the cite."""
    if not cite:
        return _("quote the words of the source that the clause comes from")
    ranked = [(index.closest(cite), name, index) for name, index in sources]
    (score, i), name, index = max(ranked, key=lambda found: found[0][0])
    if score < _CLOSE:
        return _("no passage of the sources is close: quote the source's own words and characters")
    passage = index.passage(i)
    matcher = difflib.SequenceMatcher(None, cite, passage, autojunk=False)
    shared = [b.b for b in matcher.get_matching_blocks() if b.size >= 2]
    start = max(shared[0] - _CONTEXT, 0) if shared else 0
    shown = passage[start : start + _SHOWN]
    before = "…" if start else ""
    after = "…" if start + len(shown) < len(passage) else ""
    return _("closest passage ({name} line {line}): “{before}{shown}{after}”").format(
        name=name, line=index.lines[i], before=before, shown=shown, after=after
    )


def _shorten(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
