"""``describe --format text``: a compiled ruleset as an indented outline for people."""

from __future__ import annotations

from typing import Any

from ..api import Ruleset
from ..decimals import text as exact
from ..errors import line_text
from ..i18n import gettext, localized
from .text import printable

__all__ = ["describe_text", "origin_text", "param_range", "param_value", "reading_lines"]


def param_value(p: Any) -> str:
    """A parameter's value as the ruleset writes it (70%, not 0.7)."""
    return f"{exact(p.value * 100)}%" if p.percent else exact(p.value)


def param_range(p: Any) -> str:
    """A parameter's declared range as the ruleset writes it (``range 20%..40%``), or ''."""
    if p.range is None:
        return ""
    low, high = (f"{exact(v * 100)}%" if p.percent else exact(v) for v in p.range)
    return f" range {low}..{high}"


def reading_lines(r: Any) -> list[str]:
    """A reading: the clause, each alternative (the one in force marked), the default."""
    cite = f" (cite “{r.cite}”)" if r.cite else ""
    how = "selected" if r.selected else "the default"
    out = [f"  reading {r.name} “{r.title}”{cite}: {r.alternative} in force ({how})"]
    for name, meaning, alt_cite in r.alternatives:
        mark = "*" if name == r.alternative else " "
        quoted = f" (cite “{alt_cite}”)" if alt_cite else ""
        out.append(f"   {mark} {name}: {meaning}{quoted}")
    reason = f": {r.reason}" if r.reason else ""
    out.append(f"    default {r.default}{reason}")
    return out


def origin_text(origin: dict[str, Any]) -> str:
    """Where an overlay's node comes from, and what the overlays did to it."""
    parts = [f"from {origin['file']} line {origin['line']}"] if "file" in origin else []
    for change in origin.get("changes", ()):
        reason = f" ({change['reason']})" if "reason" in change else ""
        parts.append(f"{change['change']} at {change['file']} line {change['line']}{reason}")
    return "; ".join(parts)


def describe_text(ruleset: Ruleset) -> str:
    """The ruleset's header, parameters, then every node with its points and rules (and
    the ``absent`` declarations made on it)."""
    g = ruleset.graph
    overlay = ruleset.overlay
    out = [f"{g.id}: {g.title}"]
    if overlay is not None:
        out.append(f"  extends {' which extends '.join(overlay.bases)}")
    if g.issuer:
        out.append(f"  issuer {g.issuer}, issued {g.issued or '—'}")
    out.append(f"  max {exact(g.root.points)}, {sum(1 for n in g.nodes if n.kind == 'item')} items")
    for p in g.params:
        mark = " (ASSUMED: not in the source document)" if p.assumed else ""
        if p.span.line in g.decided:
            mark += f" (under reading {g.decided[p.span.line]})"
        out.append(f"  param {p.name} = {param_value(p)}{param_range(p)}{mark}: {p.description}")
        if overlay is not None:
            out.append(f"    {origin_text(overlay.origin(f'param {p.name}', p.span.line))}")
    for r in g.readings:
        out.extend(reading_lines(r))
    if g.groups:
        cite = f" (cite “{g.groups_cite}”)" if g.groups_cite else ""
        out.append(f"  ranked and graded within groups: {', '.join(g.group_names)}{cite}")
    out.append("")
    depth = {0: 0}
    for n in g.nodes:
        if n.parent is not None:
            depth[n.index] = depth[n.parent] + 1
        indent = "  " * depth[n.index]
        extra = f" weight {exact(n.weight * 100)}%" if n.weight is not None else ""
        rules = (
            ", ".join(c.type for c in n.clauses)
            if n.clauses
            else (n.base.type if n.scoring == "item" else n.scoring)
        )
        rules += "".join(f"; no {e.records} → {e.meaning}" for e in n.empty)
        if n.na_statement is not None and n.is_leaf:
            rules += "; N/A needs a statement"
        mark = f" (ASSUMED: {n.assumption})" if n.assumption else ""
        out.append(
            f"{indent}{n.id} “{n.title}” {exact(n.points)}{extra}  [{n.kind}: {rules}]{mark}"
        )
        if overlay is not None and n.parent is not None:
            out.append(f"{indent}  {origin_text(overlay.origin(n.id, n.line))}")
        if n.direct_assumption:
            out.append(f"{indent}  score range ASSUMED: {n.direct_assumption}")
        for clause in n.clauses:
            if clause.assumption:
                where = line_text(clause.line)
                out.append(f"{indent}  {clause.type} ({where}) ASSUMED: {clause.assumption}")
        for a in n.absent:  # what an absent fact means, declared here (the root: the policy)
            cite = f", cite “{a.cite}”" if a.cite else ""
            out.append(f"{indent}  {a} ({line_text(a.line)}{cite})")
    for conv in g.conversions:
        mark = f" (ASSUMED: {conv.assumption})" if conv.assumption else ""
        out.append(f"convert {conv.id} “{conv.title}” to {exact(conv.points)} points{mark}")
    for dropped in overlay.dropped() if overlay is not None else ():
        out.append(f"dropped {dropped['id']}: {origin_text({'changes': [dropped]})}")
    for d in g.diagnostics:
        out.append(gettext("warning: {warning}").format(warning=f"{d.code} {localized(d.message)}"))
    return printable("\n".join(out) + "\n")
