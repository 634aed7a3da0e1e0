"""Case files as YAML with lines: composed within limits, read without floats.

A case file is read as a YAML node tree (not plain data) so that every expectation
keeps the line it is written on; :func:`plain` turns a node into Python data with
numbers as :class:`~decimal.Decimal`. Composing refuses what a hostile file could do:
nesting deeper than :data:`MAX_YAML_DEPTH` and aliases that expand the document beyond
:data:`MAX_ALIAS_NODES` (a “billion laughs”).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from ..errors import Diagnostic, FactsError
from ..i18n import _

__all__ = ["MAX_ALIAS_NODES", "MAX_CASE_FILE_BYTES", "MAX_YAML_DEPTH", "CaseFileError"]


class CaseFileError(FactsError):
    """A case file that cannot be read or does not have the expected shape."""


MAX_CASE_FILE_BYTES = 16 * 1024 * 1024
"""The largest case file read."""

MAX_YAML_DEPTH = 64
"""How deeply a case file's YAML may nest (a case file needs about eight levels)."""

MAX_ALIAS_NODES = 100_000
"""How many nodes aliases (``*name``) may add to a case file beyond those written in it:
enough for shared defaults, far below a “billion laughs” that expands a few hundred
bytes into billions of nodes."""


class _BoundedLoader(yaml.SafeLoader):
    """The safe loader, refusing nesting deeper than :data:`MAX_YAML_DEPTH` as it composes."""

    def __init__(self, stream: str, file: str) -> None:
        super().__init__(stream)
        self.file = file
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_YAML_DEPTH:
                msg = _("the case file nests deeper than {max_depth} levels").format(
                    max_depth=MAX_YAML_DEPTH
                )
                raise CaseFileError(Diagnostic("DR603", msg, file=self.file))
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _expanded_size(root: yaml.Node, file: str) -> int:
    """Nodes the document holds once every alias is expanded, counted without expanding
    (each distinct node once, remembered); an alias that contains itself is refused."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            msg = _("an alias in the case file contains itself")
            raise CaseFileError(Diagnostic("DR602", msg, file=file))
        active.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        active.discard(key)
        sizes[key] = total
        return total

    return size(root) - len(sizes)  # the nodes aliases add


def compose(text: str, file: str) -> yaml.Node:
    loader = _BoundedLoader(text, file)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _(" at line {line}").format(line=mark.line + 1) if mark is not None else ""
        msg = _("not valid YAML{where}: {problem}").format(
            where=where, problem=getattr(exc, "problem", exc)
        )
        raise CaseFileError(Diagnostic("DR311", msg, file=file)) from None
    finally:
        loader.dispose()
    if node is None:
        raise CaseFileError(Diagnostic("DR311", _("the case file is empty"), file=file))
    added = _expanded_size(node, file)
    if added > MAX_ALIAS_NODES:
        msg = _(
            "aliases expand the case file by {added:,} nodes; the limit "
            "is {max_nodes:,} (a “billion laughs” document?)"
        ).format(added=added, max_nodes=MAX_ALIAS_NODES)
        raise CaseFileError(Diagnostic("DR602", msg, file=file))
    return node


def plain(node: yaml.Node) -> Any:
    """The node as Python data: numbers as Decimal (never float), merge keys applied."""
    if isinstance(node, yaml.ScalarNode):
        tag = node.tag.rsplit(":", 1)[-1]
        if tag == "null":
            return None
        if tag == "bool":
            return node.value.lower() in ("true", "yes", "on")
        if tag in ("int", "float"):
            try:
                return Decimal(node.value.replace("_", ""))
            except InvalidOperation:
                return node.value
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [plain(item) for item in node.value]
    out: dict[str, Any] = {}
    for key, value in node.value:
        if key.tag.endswith(":merge"):
            merged = value.value if isinstance(value, yaml.SequenceNode) else [value]
            for source in merged:
                for k, v in plain(source).items():
                    out.setdefault(k, v)
            continue
        out[str(plain(key))] = plain(value)
    return out


def entries(node: yaml.Node) -> dict[str, Any]:
    """For a mapping node: each key → (line, child node)."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(plain(k)): (k.start_mark.line + 1, v) for k, v in node.value}
