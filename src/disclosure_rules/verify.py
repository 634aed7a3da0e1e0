"""Verifying a saved results file: the step after scoring, for results passed around.

A results file (``score --format json``) decides ranks and grades, and is read again
later by ``explain --results`` and by other systems. :func:`read_results` reads one
within its limits and checks its shape (every field of its type, numbers exact and
finite), so that nothing downstream meets a malformed value; :func:`verify` then
re-checks what can be re-checked:

- every unit's audit reconciles (:func:`~disclosure_rules.evaluation.audit.reconcile`),
  and its presented numbers are its exact ones rounded;
- ranks, grades and conversions are the engine's for the recorded totals and vetoes,
  when the ruleset is at hand (given, or shipped and with the recorded hash);
- the ruleset's and the facts' hashes match the files, when they are given;
- re-scoring the facts gives the same results, when both are at hand.

A compact results file (schema 4) does not record the references of the evidence
accepted (they are in the facts file): read, its pieces' ``ref`` is null until
:func:`with_facts` reads them from the facts, as ``explain --results --facts`` and
``verify --facts`` do.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from . import api
from .catalog import shipped_paths
from .decimals import round_half_up
from .decimals import text as exact
from .errors import Diagnostic, DisclosureRulesError, FactsError, ParameterError
from .evaluation.audit import decimal_text, reconcile
from .evaluation.cohort import standings
from .evaluation.compact import COMPACT_SCHEMAS, CompactError, expand, with_references
from .facts import Cohort, load_facts
from .facts.read import MAX_FACTS_BYTES
from .files import FileProblem, read_input
from .i18n import _, gettext, localized
from .model.graph import readings_hash
from .results_shape import SHOWN, document_problems
from .workdays import Calendar

__all__ = [
    "MAX_RESULTS_BYTES",
    "ResultsError",
    "Verification",
    "read_results",
    "verify",
    "with_facts",
]

MAX_RESULTS_BYTES = 256 * 1024 * 1024
"""The largest results file read (a cohort of a few thousand units with full audits)."""

_MAX_SHAPE_PROBLEMS = 20  # a file that is wrong everywhere is named by its first problems


class ResultsError(DisclosureRulesError, ValueError):
    """A results file that cannot be read, or is not a results file."""


@attrs.frozen
class Verification:
    """What verifying a results file found: problems (empty when intact) and what was checked."""

    file: str
    problems: tuple[Diagnostic, ...]
    checked: tuple[str, ...]
    not_checked: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """What was checked and what was found, in the active language."""
        count = len(self.problems)
        verdict = (
            gettext("intact")
            if self.ok
            else gettext("does not verify ({count} problem(s))").format(count=count)
        )
        checked = gettext(", ").join(localized(c) for c in self.checked)
        lines = [f"{self.file}: {verdict}", "  " + gettext("checked: {what}").format(what=checked)]
        if self.not_checked:
            not_checked = gettext("; ").join(localized(c) for c in self.not_checked)
            lines.append("  " + gettext("not checked: {what}").format(what=not_checked))
        return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- reading


def read_results(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A results file's document, its shape checked; a ResultsError names what is wrong.

    A compact results file (schema 3 or 4) is returned expanded to the full layout
    (schema 2) it stands for, so that every reader of results reads them all; the
    evidence references a schema 4 file leaves to the facts are null (:func:`with_facts`)."""
    name = os.fspath(path)
    data = read_input(name, limit=MAX_RESULTS_BYTES, what=_("results file"))
    try:
        doc = json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant)
    except RecursionError:
        msg = _("the results file nests deeper than JSON can be read here")
        raise ResultsError(Diagnostic("DR603", msg, file=name)) from None
    except (UnicodeDecodeError, ValueError) as exc:
        msg = _("not a results file: not valid UTF-8 JSON ({exc})").format(exc=exc)
        raise ResultsError(Diagnostic("DR701", msg, file=name)) from None
    if isinstance(doc, dict) and doc.get("schema") in COMPACT_SCHEMAS:
        try:
            doc = expand(doc)
        except CompactError as exc:
            msg = _("not a readable compact results file (schema {schema}): {exc}").format(
                schema=doc["schema"], exc=exc
            )
            raise ResultsError(Diagnostic("DR701", msg, file=name)) from None
    if _looks_like_facts(doc):
        msg = _("this is a facts file, not a results file")
        hint = _(
            "score it first: disclosure-rules score RULESET FACTS --format json -o results.json"
        )
        raise ResultsError(Diagnostic("DR702", msg, file=name, hint=hint))
    problems = document_problems(doc)
    if problems:
        raise ResultsError(
            [Diagnostic("DR701", p, file=name) for p in problems[:_MAX_SHAPE_PROBLEMS]]
        )
    return doc  # type: ignore[no-any-return]


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _looks_like_facts(doc: Any) -> bool:
    if not isinstance(doc, dict) or "schema" in doc or not isinstance(doc.get("units"), list):
        return False
    return any(isinstance(u, dict) and "facts" in u for u in doc["units"])


# ---------------------------------------------------------------- verifying

_Report = Callable[[str, str], None]


def verify(
    doc: Mapping[str, Any],
    file: str,
    *,
    ruleset: str | None = None,
    facts: str | None = None,
    calendar: Calendar | None = None,
) -> Verification:
    """Re-check a results document read by :func:`read_results` (see the module's notes)."""
    found: list[Diagnostic] = []
    checked: list[str] = [_("audits")]
    not_checked: list[str] = []

    def problem(code: str, message: str, unit: str | None = None) -> None:
        found.append(Diagnostic(code, message, file=file, unit=unit))

    for unit in doc["units"]:
        if "audit" not in unit:
            not_checked.append(
                _("unit {id!r} has no audit (scored with --no-detail)").format(id=unit["id"])
            )
            continue
        for p in reconcile(unit, facts_hash=doc["facts"]["hash"]):
            problem("DR703", p)
    if facts is None and _references_left_to_facts(doc):
        not_checked.append(
            _("the evidence references, which the results leave to the facts file (--facts)")
        )
    places: int = doc["ruleset"]["rounding"]
    for unit in doc["units"]:
        for p in _presentation(unit, places):
            problem("DR704", p, unit["id"])
    checked.append(_("presented numbers"))
    graph, note = _graph(doc, ruleset, problem)
    if graph is None:
        not_checked.append(_("ranks, grades and conversions ({note})").format(note=note))
    else:
        checked.append(_("ranks, grades and conversions ({note})").format(note=note))
        for code, p, unit_id in _cohort(doc, graph.graph):
            problem(code, p, unit_id)
    if facts is not None:
        if graph is None:
            not_checked.append(_("the facts (no ruleset to read them with)"))
        else:
            cohort = _recorded_facts(doc, facts, graph)
            checked.append(_("the facts hash"))
            if isinstance(cohort, str):
                problem("DR708", cohort)
            else:
                checked.append(_("a re-scoring"))
                for code, message in _rescored(doc, graph, cohort, facts, calendar):
                    problem(code, message)
    return Verification(file, tuple(found), tuple(checked), tuple(not_checked))


def _references_left_to_facts(doc: Mapping[str, Any]) -> bool:
    """Whether some accepted evidence is recorded without its reference (a compact file
    of schema 4 read without its facts: the references are in the facts file)."""
    return any(
        isinstance(piece, dict) and piece.get("ref", "") is None
        for unit in doc["units"]
        for node in _listed(unit.get("audit"))
        for entry in _listed(node.get("entries") if isinstance(node, dict) else None)
        for piece in _listed(_accepted(entry))
    )


def _listed(value: Any) -> list[Any]:
    """``value`` when it is a list (an audit's shape is checked apart, by reconcile)."""
    return value if isinstance(value, list) else []


def _accepted(entry: Any) -> Any:
    inputs = entry.get("inputs") if isinstance(entry, dict) else None
    return inputs.get("accepted") if isinstance(inputs, dict) else None


def _recorded_facts(doc: Mapping[str, Any], facts: str, graph: api.Ruleset) -> Cohort | str:
    """The cohort of ``facts`` when they are the facts the results record, else what
    DR708 says. The file's bytes are hashed before a unit is validated: facts of
    another cohort (or for another ruleset) are named as such, not as hundreds of
    facts the ruleset does not know."""
    recorded = doc["facts"]["hash"]
    try:
        data = read_input(facts, limit=MAX_FACTS_BYTES, what="facts file", unreadable="DR301")
    except FileProblem as exc:  # what loading them would raise: bad facts
        raise FactsError(exc.diagnostics) from None
    found = "sha256:" + hashlib.sha256(data).hexdigest()
    if found == recorded:
        cohort = load_facts(facts, graph.graph)
        found = cohort.hash
        if found == recorded:
            return cohort
    return _("the facts hash {hash} is not the hash of {facts} ({expected})").format(
        hash=recorded, facts=facts, expected=found
    )


def _rescored(
    doc: Mapping[str, Any],
    graph: api.Ruleset,
    cohort: Cohort,
    facts: str,
    calendar: Calendar | None,
) -> list[tuple[str, str]]:
    """Where re-scoring ``cohort`` differs from the file, its evidence references read
    from the facts first (a schema 4 file leaves them there)."""
    try:
        doc = with_references(doc, cohort)
    except CompactError as exc:
        return [("DR740", _evidence_not_recorded(facts, exc))]
    detail = all("audit" in u for u in doc["units"])
    again = graph.evaluate(cohort, detail=detail, calendar=calendar).to_dict()
    return [
        ("DR709", _("re-scoring {facts}: {problem}").format(facts=facts, problem=p))
        for p in _differences(doc, again)
    ]


def _evidence_not_recorded(facts: str, exc: CompactError) -> str:
    return _("{facts} does not hold the evidence the results record: {exc}").format(
        facts=facts, exc=exc
    )


def with_facts(doc: Mapping[str, Any], file: str, facts: str) -> dict[str, Any]:
    """A results document read by :func:`read_results` with the references of its
    evidence read from ``facts``, the facts file it was scored from (``explain --results
    FILE --facts FACTS``). The facts are read with the shipped ruleset the results name
    (its hash the recorded one), and must be the ones the results record: a
    ResultsError says what is not."""
    problems: list[Diagnostic] = []

    def problem(code: str, message: str) -> None:
        problems.append(Diagnostic(code, message, file=file))

    graph, _note = _graph(doc, None, problem)
    if graph is None:
        msg = _(
            "the facts cannot be read without the ruleset the results were scored with, "
            "and {id!r} of hash {hash} is not a shipped one"
        ).format(id=doc["ruleset"]["id"], hash=doc["ruleset"]["hash"])
        hint = _("explain RULESET FACTS --unit ID re-scores them and shows every reference")
        raise ResultsError([*problems, Diagnostic("DR741", msg, file=file, hint=hint)])
    cohort = _recorded_facts(doc, facts, graph)
    if isinstance(cohort, str):
        raise ResultsError(Diagnostic("DR708", cohort, file=file))
    try:
        return with_references(doc, cohort)
    except CompactError as exc:
        raise ResultsError(
            Diagnostic("DR740", _evidence_not_recorded(facts, exc), file=file)
        ) from None


def _presentation(unit: Mapping[str, Any], places: int) -> list[str]:
    """The presented (rounded) numbers are the exact ones rounded."""
    problems: list[str] = []
    total = Decimal(unit["total_exact"])
    if _number(unit["total"]) != round_half_up(total, places):
        problems.append(
            _("total {total} is not total_exact {total_exact} rounded").format(
                total=unit["total"], total_exact=unit["total_exact"]
            )
        )
    for name, node in unit["nodes"].items():
        if _number(node["score"]) != round_half_up(Decimal(node["exact"]), places):
            problems.append(
                _("node {name}: score {score} is not {exact} rounded").format(
                    name=name, score=node["score"], exact=node["exact"]
                )
            )
    for name, conv in unit.get("conversions", {}).items():
        shown = conv.get("value")
        if not isinstance(shown, SHOWN) or _number(shown) != round_half_up(
            Decimal(conv["exact"]), places
        ):
            problems.append(
                _("conversion {name}: value {shown} is not {exact} rounded").format(
                    name=name, shown=shown, exact=conv["exact"]
                )
            )
    return problems


def _number(value: str | int | float) -> Decimal | None:
    if isinstance(value, str):
        return decimal_text(value)
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _graph(
    doc: Mapping[str, Any], path: str | None, problem: _Report
) -> tuple[api.Ruleset | None, str]:
    """The ruleset the results were scored with: the given one, or the shipped one of the
    recorded id, with the recorded parameter overrides and readings, if its hash is the
    recorded one."""
    recorded = doc["ruleset"]
    params = {p["name"]: p["value"] for p in doc.get("params", []) if p.get("overridden")}
    in_force = recorded.get("readings") or None
    readings = in_force
    listed = [r for r in doc.get("readings", []) if isinstance(r, dict)]
    if listed:  # the readings selected, as they were (the rest were left to their defaults)
        readings = {r["name"]: r["in_force"] for r in listed if r.get("selected")} or None
    try:
        found, note = _scored_with(recorded, path, params or None, readings, problem)
    except ParameterError as exc:  # a recorded reading or parameter the ruleset lacks
        for d in exc.diagnostics:
            problem(d.code, d.message)
        return None, "the recorded parameters or readings are not the ruleset's"
    if found is not None and in_force != (found.graph.metadata().get("readings")):
        problem(
            "DR707",
            _("the readings recorded, {in_force}, are not the ones in force").format(
                in_force=in_force
            ),
        )
        return None, "the readings recorded are not the ones in force"
    if in_force and recorded.get("readings_hash") != readings_hash(recorded["hash"], in_force):
        problem("DR707", _("the readings hash is not the hash of the readings recorded"))
        return None, "the readings recorded do not match their hash"
    return found, note


def _scored_with(
    recorded: Mapping[str, Any],
    path: str | None,
    params: dict[str, Any] | None,
    readings: dict[str, str] | None,
    problem: _Report,
) -> tuple[api.Ruleset | None, str]:
    if path is not None:
        ruleset = api.load(path, params, readings=readings)
        if ruleset.graph.ruleset_hash != recorded["hash"]:
            problem(
                "DR707",
                _("the ruleset hash {hash} is not the hash of {path} ({ruleset_hash})").format(
                    hash=recorded["hash"], path=path, ruleset_hash=ruleset.graph.ruleset_hash
                ),
            )
            return None, f"{path} is not the ruleset the results were scored with"
        return ruleset, f"with {path}"
    if recorded["id"] not in shipped_paths():
        return None, f"ruleset {recorded['id']!r} is not shipped: give --ruleset FILE"
    ruleset = api.load(recorded["id"], params, readings=readings)
    if ruleset.graph.ruleset_hash != recorded["hash"]:
        # another version of the shipped ruleset, or an edited hash: either way the
        # results cannot be vouched for without the ruleset they name
        problem(
            "DR707",
            _(
                "the ruleset hash {hash} is not the hash of the shipped {id} "
                "({ruleset_hash}); if it was scored with another version, "
                "give that file with --ruleset"
            ).format(
                hash=recorded["hash"], id=recorded["id"], ruleset_hash=ruleset.graph.ruleset_hash
            ),
        )
        return None, f"the shipped {recorded['id']} is not the ruleset the results name"
    return ruleset, f"with the shipped {recorded['id']}"


def _cohort(doc: Mapping[str, Any], graph: Any) -> list[tuple[str, str, str | None]]:
    """Ranks, grades and conversions as the engine gives them for the recorded totals."""
    units = doc["units"]
    problems: list[tuple[str, str, str | None]] = []
    if str(doc["ruleset"].get("max")) != exact(graph.root.points):
        problems.append(
            (
                "DR704",
                _("ruleset max {max} is not the ruleset's").format(max=doc["ruleset"].get("max")),
                None,
            )
        )
    totals = [Decimal(u["total_exact"]) for u in units]
    fired = [[v["id"] for v in u.get("vetoes", [])] for u in units]
    groups = [u.get("group") for u in units] if graph.groups else None
    for unit, again in zip(units, standings(graph, totals, fired, groups), strict=True):
        uid = unit["id"]
        if unit["rank"] != again.rank:
            problems.append(
                (
                    "DR705",
                    _("rank {rank}, but the totals give {again}").format(
                        rank=unit["rank"], again=again.rank
                    ),
                    uid,
                )
            )
        if unit.get("grade") != again.grade:
            problems.append(
                (
                    "DR706",
                    _("grade {grade}, but the totals give {again}").format(
                        grade=unit.get("grade"), again=again.grade
                    ),
                    uid,
                )
            )
        recorded = {k: Decimal(v["exact"]) for k, v in unit.get("conversions", {}).items()}
        if recorded != again.conversions:
            shown = {k: exact(v) for k, v in again.conversions.items()}
            problems.append(
                (
                    "DR704",
                    _("conversions differ from the totals' ({shown})").format(shown=shown),
                    uid,
                )
            )
    return problems


def _differences(doc: Mapping[str, Any], again: Mapping[str, Any], limit: int = 10) -> list[str]:
    """Where a re-scoring differs from the file (its facts' path and engine aside)."""
    out: list[str] = []

    def walk(a: Any, b: Any, where: str) -> None:
        if len(out) >= limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b), key=str):
                walk(a.get(key), b.get(key), f"{where}.{key}" if where else str(key))
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                label = x.get("id") or x.get("node") if isinstance(x, dict) else None
                walk(x, y, f"{where}[{label!r}]" if isinstance(label, str) else f"{where}[{i}]")
        elif a != b:
            out.append(
                _("{where} is {recorded} in the file, {again} re-scored").format(
                    where=where, recorded=_short(a), again=_short(b)
                )
            )

    walk(_comparable(doc), _comparable(again), "")
    return out


def _comparable(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The document without what names where and by what it was scored, not what it says:
    the engine's version and the facts file's path (in the facts and in each warning)."""
    out = {k: v for k, v in doc.items() if k != "engine"}
    out["facts"] = {k: v for k, v in doc["facts"].items() if k != "source"}
    out["warnings"] = [
        {k: v for k, v in w.items() if k != "file"} if isinstance(w, dict) else w
        for w in doc.get("warnings", [])
    ]
    return out


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "…"
