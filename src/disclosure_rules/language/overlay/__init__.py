"""Overlays: a ruleset stated as changes to another, its base.

``ruleset county-2021 extends yifeng-2020-townships { … }`` names its base (a shipped
ruleset's id, or a path relative to the overlay's file) and states each change: a
parameter's value (``set``), a node dropped (``drop``), what a node's block says
(``change``: points, weight, title, owner, remark, policies, rules), rules or nodes
added (``add to NODE``, or ``add`` at the top level). Headers, tags, groups, the policy
block and grades written in the overlay replace the base's.

:func:`resolve` is a step between parsing and checking: it reads and parses the base
(resolving it first when it is an overlay too, so overlays stack), applies the changes
to the base's syntax tree and returns the *effective* syntax tree, a plain ruleset the
ordinary checker and compiler take as they take any other. Nodes taken from a base keep
their spans, whose lines name their file (a base is parsed with every line a
:class:`~disclosure_rules.errors.FileLine`), so everything downstream (audit, describe)
can name it; what the overlay writes points at the overlay. The sections above a node
whose points changed are recomputed (the parts' new sum); a component's points and the
ruleset's ``total`` are not, so a change that leaves them unbalanced is the checker's
DR103, which :func:`relocate` turns into DR183 at the overlay's changes.

Codes: DR180–DR184 for the changes themselves, DR640–DR643 for finding the base.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from ...catalog import shipped_paths, shipped_text, source_file
from ...errors import (
    Diagnostic,
    RulesetSyntaxError,
    Span,
    did_you_mean,
    line_file,
)
from ...files import read_input
from ...i18n import _
from .. import syntax
from ..parser import MAX_BYTES, parse
from .apply import WEIGHTS, Apply, Note, walk

__all__ = ["MAX_CHAIN", "Note", "Overlay", "Resolved", "read_base", "relocate", "resolve"]

MAX_CHAIN = 8
"""Overlays one above another at most (a province, a city, a county … is three)."""


@attrs.frozen
class Overlay:
    """What resolving an overlay learnt: its bases (nearest first) and, by node id (a
    parameter as ``param NAME``), what the overlays did, oldest first."""

    file: str
    bases: tuple[str, ...]
    notes: Mapping[str, tuple[Note, ...]]
    # for each change that moves points: the ids above the node it moves, and its span
    moves: tuple[tuple[tuple[str, ...], Span], ...] = ()

    def origin(self, key: str, line: int) -> dict[str, Any]:
        """Where a node (a parameter: ``param NAME``) comes from: the file and line that
        declare it, and what the overlays did to it, oldest first."""
        out: dict[str, Any] = {"file": line_file(line) or self.file, "line": int(line)}
        changes = [n.to_dict() for n in self.notes.get(key, ()) if n.what != "dropped"]
        if changes:
            out["changes"] = changes
        return out

    def dropped(self) -> list[dict[str, Any]]:
        """The base's nodes the overlays drop."""
        return [
            {"id": key, **note.to_dict()}
            for key, notes in self.notes.items()
            for note in notes
            if note.what == "dropped"
        ]

    def describe(self, doc: dict[str, Any]) -> dict[str, Any]:
        """``describe`` JSON with the bases, each node's and parameter's origin, and the
        nodes dropped."""
        doc["ruleset"]["extends"] = list(self.bases)
        for node in doc["nodes"]:
            if node["kind"] != "ruleset":
                node["origin"] = self.origin(node["id"], node["line"])
        for param in doc["params"]:
            param["origin"] = self.origin(f"param {param['name']}", param["line"])
        doc["dropped"] = self.dropped()
        return doc


@attrs.frozen
class Resolved:
    """The effective ruleset, what the overlay did (None: not an overlay), and the
    problems of the changes."""

    ruleset: syntax.Ruleset
    overlay: Overlay | None = None
    diagnostics: tuple[Diagnostic, ...] = ()


Reader = Callable[[syntax.Extends, str], tuple[str, bytes]]
"""Reads the base an overlay names: (its display name, its bytes)."""


# ---------------------------------------------------------------- finding the base


def read_base(extends: syntax.Extends, overlay_file: str) -> tuple[str, bytes]:
    """The base of an overlay: a shipped ruleset by id, or a file by a path relative to
    the overlay's file (a shipped overlay's base inside the shipped folder)."""
    if not extends.is_path:
        found = shipped_text(extends.base)
        if found is not None:
            return found
        ids = list(shipped_paths())
        msg = _("the base {base!r} is not a shipped ruleset").format(base=extends.base)
        hint = did_you_mean(extends.base, ids) or (
            _('name a shipped ruleset, or a file by its path in quotes: extends "../city.dr"')
        )
        raise _not_found(msg, extends, hint)
    on_disk = Path(overlay_file)
    if on_disk.is_file():
        path = os.path.normpath(on_disk.parent / extends.base)
        if not Path(path).is_file():
            raise _not_found(
                _("the base {base!r} is not a file").format(base=extends.base), extends
            )
        data = read_input(
            path, limit=MAX_BYTES, what=_("ruleset file"), too_large="DR006", unreadable="DR640"
        )
        return path, data
    shipped = source_file(overlay_file, extends.base)
    if shipped is not None:
        folder = overlay_file.rpartition("/")[0]
        return f"{folder}/{extends.base}", shipped.read_bytes()
    msg = _("the base {base!r} cannot be found beside {overlay_file}").format(
        base=extends.base, overlay_file=overlay_file
    )
    raise _not_found(msg, extends, _("a ruleset given as text names its base by id"))


def _not_found(msg: str, extends: syntax.Extends, hint: str | None = None) -> RulesetSyntaxError:
    return RulesetSyntaxError(Diagnostic("DR640", msg, span=_head(extends), hint=hint))


def _head(extends: syntax.Extends) -> Span:
    """The overlay's first line, where ``extends`` stands."""
    s = extends.span
    return Span(s.file, s.line, s.column, s.line, None)


def resolve(
    ruleset: syntax.Ruleset, read: Reader = read_base, *, _chain: tuple[str, ...] = ()
) -> Resolved:
    """The effective ruleset of ``ruleset``: itself, or (an overlay) its base with its
    changes applied. A base that cannot be read or parsed raises (DR640–DR644)."""
    extends = ruleset.extends
    if extends is None:
        return Resolved(ruleset)
    chain = (*_chain, ruleset.span.file)
    if len(chain) > MAX_CHAIN:
        msg = _("overlays stack {chain} deep; the limit is {limit}").format(
            chain=len(chain), limit=MAX_CHAIN
        )
        hint = _("a province, a city and a county are three: check the chain of bases")
        raise RulesetSyntaxError(Diagnostic("DR643", msg, span=_head(extends), hint=hint))
    name, data = read(extends, ruleset.span.file)
    if name in chain:
        cycle = " → ".join((*chain[chain.index(name) :], name))
        msg = _("the chain of bases comes back to itself: {cycle}").format(cycle=cycle)
        raise RulesetSyntaxError(Diagnostic("DR642", msg, span=_head(extends)))
    try:
        base = resolve(parse(data, name, base=True), read, _chain=chain)
    except RulesetSyntaxError as exc:
        if exc.diagnostics[0].code.startswith("DR64"):  # said once, where the chain breaks
            raise
        msg = _("the base {base!r} ({name}) has errors; they follow").format(
            base=extends.base, name=name
        )
        first = Diagnostic("DR641", msg, span=_head(extends))
        raise RulesetSyntaxError([first, *exc.diagnostics]) from None
    applied = Apply(base.ruleset, ruleset)
    effective = applied.run()
    older = base.overlay
    bases = (name, *(older.bases if older else ()))
    notes = {key: list(found) for key, found in (older.notes if older else {}).items()}
    for key, found in applied.notes.items():
        notes.setdefault(key, []).extend(found)
    overlay = Overlay(
        ruleset.span.file,
        bases,
        {key: tuple(found) for key, found in notes.items()},
        (*(older.moves if older else ()), *applied.moves),
    )
    return Resolved(effective, overlay, (*base.diagnostics, *applied.problems))


# ---------------------------------------------------------------- the checker's findings


def relocate(
    diagnostics: Iterable[Diagnostic], ruleset: syntax.Ruleset, overlay: Overlay | None
) -> list[Diagnostic]:
    """The checker's DR103 on a base's points and DR105 on its weights, when the
    overlay's changes moved them, as DR183 at the first such change; the rest as they are."""
    if overlay is None:
        return list(diagnostics)
    sums = _sum_spans(ruleset)
    out = []
    for d in diagnostics:
        if d.span is None or d.span.file == overlay.file or d.code not in _SUMS:
            out.append(d)
            continue
        owner = WEIGHTS if d.code == "DR105" else sums.get(d.span)
        causes = [span for above, span in overlay.moves if owner == "" or owner in above]
        if owner is None or not causes:
            out.append(d)
            continue
        msg = _("after the overlay's changes, {message} ({file} line {line})").format(
            message=d.message, file=d.span.file, line=d.span.line
        )
        relocated = attrs.evolve(
            d, code="DR183", message=msg, span=causes[0], hint=_SUMS[d.code], source_line=None
        )
        out.append(relocated)
    return out


_SUMS = {
    "DR103": "move points between nodes so the parts still add up, or state the new points "
    "with change ID { points N }",
    "DR105": "change the other components' weights too, so that they add up to 100%",
}
"""The checker's codes for sums that do not add up, and what to do in an overlay."""


def _sum_spans(ruleset: syntax.Ruleset) -> dict[Span, str]:
    """The span of every points the checker sums against → its node id ('' the total)."""
    out: dict[Span, str] = {}
    if ruleset.total is not None:
        out[ruleset.total.span] = ""
    for node, _depth in walk((*ruleset.components, *ruleset.children)):
        points = node.cap if isinstance(node, syntax.Bonus) else node.points
        if points is not None:
            out[points.span] = node.id
            out[node.span] = node.id
    return out
