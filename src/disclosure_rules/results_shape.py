"""The shape of a results document: what every reader of results relies on.

Part of reading results (:mod:`disclosure_rules.verify`): before a results file is
verified or explained, each field its readers use is checked for its JSON type and
form (hashes, exact decimal text, lists of text), and every problem is named, so
that a hand-edited or truncated file is refused with what is wrong rather than
failing later somewhere inside.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .evaluation.audit import READABLE_SCHEMA_VERSIONS, decimal_text
from .i18n import _

__all__ = ["HASH", "SHOWN", "document_problems"]

HASH = re.compile(r"sha256:[0-9a-f]{64}")
"""A hash as results record them."""


def document_problems(doc: Any) -> list[str]:
    """The results document's shape: what every reader of it relies on."""
    if not isinstance(doc, dict):
        return [f"not a results file: the document is a {_json_type(doc)}, not an object"]
    if doc.get("schema") not in READABLE_SCHEMA_VERSIONS:
        *earlier, last = READABLE_SCHEMA_VERSIONS
        versions = f"{', '.join(earlier)} and {last}"
        return [f"schema {doc.get('schema')!r}: this version reads results of schema {versions}"]
    problems: list[str] = []
    ruleset, facts, units = doc.get("ruleset"), doc.get("facts"), doc.get("units")
    if not isinstance(ruleset, dict):
        problems.append(_("ruleset is not an object"))
    else:
        problems += _fields("ruleset", ruleset, {"id": str, "title": str, "hash": str})
        if isinstance(ruleset.get("hash"), str) and not HASH.fullmatch(ruleset["hash"]):
            problems.append(
                _("ruleset.hash {hash!r} is not a 'sha256:' hash").format(hash=ruleset["hash"])
            )
        readings = ruleset.get("readings", {})
        if not isinstance(readings, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in readings.items()
        ):
            problems.append(_("ruleset.readings is not an object of reading names to alternatives"))
        rounding = ruleset.get("rounding")
        if not isinstance(rounding, int) or isinstance(rounding, bool) or not 0 <= rounding <= 20:
            problems.append(
                _("ruleset.rounding {rounding!r} is not a number of places (0..20)").format(
                    rounding=rounding
                )
            )
    if not isinstance(facts, dict):
        problems.append(_("facts is not an object"))
    else:
        problems += _fields("facts", facts, {"hash": str})
        if isinstance(facts.get("hash"), str) and not HASH.fullmatch(facts["hash"]):
            problems.append(
                _("facts.hash {hash!r} is not a 'sha256:' hash").format(hash=facts["hash"])
            )
    params = doc.get("params", [])
    if not isinstance(params, list) or not all(_param_ok(p) for p in params):
        problems.append(_("params is not a list of {name, value, overridden}"))
    grades = doc.get("grades", [])
    if not isinstance(grades, list) or not all(isinstance(g, str) for g in grades):
        problems.append(_("grades is not a list of grade names"))
    if not isinstance(units, list) or not units:
        return [*problems, "units is not a non-empty list"]
    for i, unit in enumerate(units):
        problems += _unit_shape(unit, i)
    return problems


SHOWN = (str, int, float)
"""A presented number: decimal text (a JSON number in results saved by earlier versions)."""


def _unit_shape(unit: Any, i: int) -> list[str]:
    if not isinstance(unit, dict) or not isinstance(unit.get("id"), str):
        return [f"units[{i}] is not a unit with an id"]
    where = _("unit {id!r}").format(id=unit["id"])
    problems = _fields(where, unit, {"total": SHOWN, "max": SHOWN, "rank": int})
    if decimal_text(unit.get("total_exact")) is None:
        problems.append(
            _("{where}: total_exact {total_exact!r} is not exact").format(
                where=where, total_exact=unit.get("total_exact")
            )
        )
    if unit.get("grade") is not None and not isinstance(unit["grade"], str):
        problems.append(
            _("{where}: grade {grade!r} is not a grade name").format(
                where=where, grade=unit["grade"]
            )
        )
    tags = unit.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        problems.append(_("{where}: tags is not a list of text").format(where=where))
    vetoes = unit.get("vetoes", [])
    if not isinstance(vetoes, list) or not all(
        isinstance(v, dict) and isinstance(v.get("id"), str) for v in vetoes
    ):
        problems.append(_("{where}: vetoes is not a list of vetoes with ids").format(where=where))
    conversions = unit.get("conversions", {})
    if not isinstance(conversions, dict) or not all(
        isinstance(c, dict) and decimal_text(c.get("exact")) is not None
        for c in conversions.values()
    ):
        problems.append(
            _("{where}: conversions is not an object of exact values").format(where=where)
        )
    nodes = unit.get("nodes")
    if not isinstance(nodes, dict) or not all(
        isinstance(n, dict)
        and decimal_text(n.get("exact")) is not None
        and isinstance(n.get("score"), SHOWN)
        for n in nodes.values()
    ):
        problems.append(_("{where}: nodes is not an object of node scores").format(where=where))
    warnings = unit.get("warnings", [])
    if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
        problems.append(_("{where}: warnings is not a list of text").format(where=where))
    return problems


def _fields(where: str, obj: Mapping[str, Any], types_: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    for key, kind in types_.items():
        value = obj.get(key)
        if key not in obj:
            problems.append(_("{where}: {key} is missing").format(where=where, key=key))
        elif isinstance(value, bool) or not isinstance(value, kind):
            problems.append(
                _("{where}: {key} is a {json_type}").format(
                    where=where, key=key, json_type=_json_type(value)
                )
            )
    return problems


def _param_ok(p: Any) -> bool:
    return (
        isinstance(p, dict)
        and isinstance(p.get("name"), str)
        and decimal_text(p.get("value")) is not None
        and isinstance(p.get("overridden", False), bool)
    )


def _json_type(value: Any) -> str:
    names = {bool: "boolean", int: "number", float: "number", str: "string", list: "list"}
    return "null" if value is None else names.get(type(value), "object")
