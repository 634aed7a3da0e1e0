"""The audit as a reader reads it: one unit's explanation, from the audit's JSON form.

``explain`` prints this text, from a fresh run or a saved results file alike (both
give the JSON form :mod:`.audit` describes). The labels are in the active language
(:mod:`~disclosure_rules.i18n`); the ruleset's titles, rules and cites are shown as
they are written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..decimals import round_half_up
from ..errors import display_width
from ..i18n import _, gettext, localized

__all__ = ["render_text"]


def render_text(unit: Mapping[str, Any], ruleset: Mapping[str, Any] | None = None) -> str:
    """One unit's audit as readable text (from its JSON form), in the active language
    (:mod:`~disclosure_rules.i18n`): the labels are translated, the ruleset's titles,
    rules and cites are shown as written."""
    places = int((ruleset or {}).get("rounding", 2))
    out: list[str] = []
    title = (ruleset or {}).get("title", "")
    out.append(f"{unit['id']}  {title}".rstrip())
    grade = unit.get("grade") or "—"
    rank = unit.get("rank")
    out.append(
        gettext("总分 total {total} / {max}   等次 grade {grade}   排名 rank {rank}").format(
            total=_show(unit["total_exact"], places),
            max=unit["max"],
            grade=grade,
            rank=rank if rank is not None else "—",
        )
        + (gettext(" in 组 group {group}").format(group=unit["group"]) if unit.get("group") else "")
    )
    for conv_id, conv in (unit.get("conversions") or {}).items():
        out.append(
            gettext("折算 {title} ({id}): {value} / {points}").format(
                title=conv["title"],
                id=conv_id,
                value=_show(conv["exact"], places),
                points=conv["points"],
            )
            + _assumed(conv)
        )
    for veto in unit.get("vetoes") or []:
        out.append(
            gettext("单项否决 veto {id} “{title}” (line {line})").format(
                id=veto["id"], title=veto["title"], line=veto["line"]
            )
        )
    if ruleset is not None:
        out.append(
            gettext("ruleset {id} {hash}").format(
                id=ruleset.get("id"), hash=ruleset.get("hash", "")
            )
        )
        assumed = ruleset.get("assumed_params") or []
        if assumed:
            out.append(
                gettext("built on assumed parameters: {names}").format(names=", ".join(assumed))
            )
        readings = ruleset.get("readings") or {}
        if readings:
            shown = ", ".join(f"{name}={alt}" for name, alt in readings.items())
            out.append(gettext("readings in force: {readings}").format(readings=shown))
        structure = ruleset.get("assumed_structure") or []
        if structure:
            shown = ", ".join(f"{a['kind']} {a['id']}" for a in structure)
            out.append(gettext("built on assumed structure: {things}").format(things=shown))
    if unit.get("facts_hash"):
        out.append(gettext("facts {hash}").format(hash=unit["facts_hash"]))
    out.append("")
    for node in unit.get("audit") or []:
        indent = "  " * int(node.get("depth", 0))
        head = f"{indent}{node.get('title', '')} [{node['node']}]"
        score = f"{_show(node['score'], places)} / {node['max']}"
        status = "" if node.get("status") == "scored" else f"  ({_status_label(node['status'])})"
        pad = max(2, 64 - display_width(head))
        out.append(f"{head}{' ' * pad}{score}{status}{_assumed(node)}")
        for entry in node["entries"]:
            if entry["kind"] == "child":
                continue
            out.append(f"{indent}    {_entry_text(entry)}")
    if any(_unrecorded(node) for node in unit.get("audit") or []):
        out.append(
            gettext(
                "the references of the evidence accepted are in the facts file, not in the "
                "results: explain --results FILE --facts FACTS shows them"
            )
        )
    for warning in unit.get("warnings") or []:
        out.append(gettext("warning: {warning}").format(warning=localized(warning)))
    return "\n".join(out) + "\n"


_STATUS = {
    "na": _("不适用 not applicable"),
    "missing": _("未提供 no fact supplied"),
    "not_credited": _("不予认定 not credited"),
    "skipped": _("上级不适用 parent not applicable"),
}

# The ledger's entry kinds (docs/audit.md), named in the reader's language.
_KINDS = {
    "base": _("base"),
    "deduct": _("deduct"),
    "zero": _("zero"),
    "clamp": _("clamp"),
    "bonus": _("bonus"),
    "resolve": _("resolve"),
    "na": _("na"),
    "redistribute": _("redistribute"),
    "rescale": _("rescale"),
    "evidence": _("evidence"),
    "empty": _("empty"),
    "missing": _("missing"),
    "default": _("default"),
    "veto": _("veto"),
    "grade": _("grade"),
    "note": _("note"),
}


def _status_label(status: str) -> str:
    return localized(_STATUS[status]) if status in _STATUS else status


def _show(value: str, places: int) -> str:
    return str(round_half_up(Decimal(value), places))


def _signed(value: str) -> str:
    return value if value.startswith("-") else f"+{value}"


def _entry_text(entry: Mapping[str, Any]) -> str:
    kind = entry["kind"]
    inputs = entry.get("inputs") or {}
    shown_kind = localized(_KINDS[kind]) if kind in _KINDS else kind
    parts = [f"{_signed(entry['delta']):>8}  {shown_kind}"]
    if entry.get("rule") and entry["rule"] != kind:
        parts.append(entry["rule"])
    if inputs:
        parts.append(", ".join(f"{k}={_inline(v)}" for k, v in inputs.items()))
    if entry.get("note"):
        parts.append(f"— {localized(entry['note'])}")
    where = []
    if entry.get("line") is not None:
        if entry.get("file"):
            where.append(
                gettext("line {line} of {file}").format(line=entry["line"], file=entry["file"])
            )
        else:
            where.append(gettext("line {line}").format(line=entry["line"]))
    if entry.get("id"):
        where.append(gettext("id {id}").format(id=entry["id"]))
    if where:
        parts.append(gettext("({details})").format(details=gettext(", ").join(where)))
    if entry.get("reading"):
        parts.append(gettext("[reading {reading}]").format(reading=entry["reading"]))
    text = "  ".join(parts)
    if entry.get("cite"):
        text += f"  「{entry['cite']}」"
    return text + _assumed(entry)


def _assumed(shown: Mapping[str, Any]) -> str:
    """The mark of a node, entry or conversion the source document does not state."""
    reason = shown.get("assumption")
    return "  " + gettext("[假定 assumed: {reason}]").format(reason=reason) if reason else ""


def _unrecorded(node: Mapping[str, Any]) -> bool:
    """Some evidence the node accepted is shown without its reference (a compact results
    file leaves references to the facts file)."""
    return any(
        isinstance(piece, Mapping) and piece.get("ref", "") is None
        for entry in node.get("entries") or []
        if entry.get("kind") == "evidence"
        for piece in (entry.get("inputs") or {}).get("accepted") or []
    )


def _inline(value: Any) -> str:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    if isinstance(value, Mapping) and "ref" in value and value["ref"] is None:
        # a piece of evidence whose reference is in the facts: its kind and day
        shown = [f"{k}: {_inline(v)}" for k, v in value.items() if k != "ref"]
        return "{" + ", ".join(shown) + "}" if shown else "—"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_inline(v)}" for k, v in value.items()) + "}"
    return str(value)
