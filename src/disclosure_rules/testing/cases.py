"""Ruleset test cases: expected scores pinned next to a ruleset, without Python.

A case file (YAML, modelled on OpenFisca's tests) names a ruleset and lists cases,
each a small cohort and what its units must score::

    ruleset: yifeng-2020-townships      # a shipped id, or a path relative to this file
    cases:
      - name: lost lawsuits cost the appeals item
        units:
          - id: 新昌镇
            tags: [township]
            full_marks: true             # every item at full points, with evidence …
            facts:                       # … then these facts replace those items' facts
              process: 90
              appeals: {overturned_reviews: 1, lost_lawsuits: 1, evidence: [证明.pdf]}
            without: [training_held]     # and these items have no facts at all
        expect:
          新昌镇:
            total: 96.3                  # compared at the precision written
            grade: null
            rank: 1
            nodes: {appeals: 0, work: 98}
            status: {appeals: scored}

:func:`run` checks every expectation and reports, for each one that fails, the file
and line of the expectation, expected against actual, and the audit entries behind
the actual value; with ``coverage``, which rules, clamps, N/A policies and grade bands
the cases exercised and which they never did.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import yaml

from .. import api
from ..decimals import round_half_up
from ..decimals import text as exact
from ..errors import (
    Diagnostic,
    DisclosureRulesError,
    FactsError,
    RulesetNotFoundError,
    expect_argument,
)
from ..evaluation.engine import Results
from ..files import read_input
from ..i18n import _
from ..model.graph import BASE_TYPES, EvaluationGraph, GraphNode
from ..model.rules import DeductMissing
from .case_yaml import MAX_ALIAS_NODES as MAX_ALIAS_NODES
from .case_yaml import MAX_CASE_FILE_BYTES, CaseFileError, compose, entries, plain
from .case_yaml import MAX_YAML_DEPTH as MAX_YAML_DEPTH

__all__ = ["CaseFailure", "CaseReport", "Coverage", "full_marks", "load_cases", "run"]


@attrs.frozen
class CaseFailure:
    """One expectation that did not hold."""

    file: str
    line: int
    case: str
    unit: str
    what: str
    expected: Any
    actual: Any
    audit: tuple[str, ...] = ()

    def render(self) -> str:
        lines = [
            f"{self.file}:{self.line}: case {self.case!r}: unit {self.unit!r}: {self.what}",
            f"  expected {self.expected}",
            f"  actual   {self.actual}",
        ]
        lines += [f"    {entry}" for entry in self.audit]
        return "\n".join(lines)


@attrs.define
class Coverage:
    """What the cases exercised, against what the ruleset has."""

    rules: dict[tuple[str, int, str], int] = attrs.field(factory=dict)
    clamps: dict[tuple[str, str], int] = attrs.field(factory=dict)
    na: dict[tuple[str, str], int] = attrs.field(factory=dict)
    grades: dict[str, int] = attrs.field(factory=dict)
    # what the material must hold, by the line that says it: evidence kinds and deadline,
    # a statement for N/A, what an empty list of records means
    requirements: dict[tuple[str, str], int] = attrs.field(factory=dict)

    @classmethod
    def of(cls, graph: EvaluationGraph) -> Coverage:
        """Everything a case could exercise: each rule; each declared floor or cap, and the
        floor of each item that deducts; each N/A policy where it is declared; each grade."""
        cov = cls()
        for node in graph.nodes:
            for clause in node.clauses:
                cov.rules[(node.id, clause.line, clause.type)] = 0
            if node.scoring == "item" and not any(c.type in BASE_TYPES for c in node.clauses):
                cov.rules[(node.id, node.line, node.base.type)] = 0
            deducts = any(c.type.startswith(("deduct", "zero")) for c in node.clauses)
            if node.floor.declared or (deducts and node.floor.value is not None):
                cov.clamps[(node.id, "floor")] = 0
            if node.cap.declared:
                cov.clamps[(node.id, "cap")] = 0
            if node.na is not None:
                cov.na[(node.na.declared_on, node.na.policy)] = 0
            for key in _requirements(node):
                cov.requirements[key] = 0
        for band in graph.grades:
            cov.grades[band.name] = 0
        return cov

    def record(self, results: Results) -> None:
        declared = {n.id: n.na.declared_on for n in results.graph.nodes if n.na is not None}
        for unit in results.units:
            if unit.grade in self.grades:
                self.grades[unit.grade] += 1
            for node in unit.nodes():
                declared_on = declared.get(node.id)
                for entry in node.entries:
                    if entry.kind == "clamp" and (node.id, entry.rule or "") in self.clamps:
                        self.clamps[(node.id, entry.rule or "")] += 1
                    elif entry.kind == "na" and (declared_on, entry.rule) in self.na:
                        self.na[(declared_on or "", entry.rule or "")] += 1
                    elif entry.rule in _REQUIREMENT_RULES and entry.line is not None:
                        required = (f"line {entry.line}", entry.rule)
                        if required in self.requirements:
                            self.requirements[required] += 1
                    elif entry.rule and entry.line is not None:
                        key = (node.id, entry.line, entry.rule)
                        if key in self.rules:
                            self.rules[key] += 1

    def render(self) -> str:
        out = []
        for title, table in (
            ("rules", self.rules),
            ("clamps", self.clamps),
            ("N/A policies", self.na),
            ("grade bands", self.grades),
            ("requirements", self.requirements),
        ):
            used = sum(1 for n in table.values() if n)
            out.append(f"{title}: {used} of {len(table)} exercised")
            for key, n in table.items():
                if not n:
                    out.append(f"  never: {_key(key)}")
        return "\n".join(out)


_REQUIREMENT_RULES = frozenset(
    {"evidence_kinds", "evidence_deadline", "statement_required", "no_records"}
)


def _requirements(node: GraphNode) -> list[tuple[str, str]]:
    """The requirements in force on a scored node, by the line that states them (a policy
    line counts once, wherever it is in force): ("line N", the rule its entries name)."""
    lines: list[tuple[int | None, str]] = []
    if node.scoring == "item" and node.evidence_required:
        needs = node.evidence_needs
        if needs.kinds:
            lines.append((needs.kinds_line, "evidence_kinds"))
        if needs.by is not None:
            lines.append((needs.by_line, "evidence_deadline"))
    if node.is_leaf and node.na_statement is not None:
        lines.append((node.na_statement.line, "statement_required"))
    lines.extend((rule.line, "no_records") for rule in node.empty)
    return [(f"line {line}", rule) for line, rule in lines if line is not None]


def _key(key: Any) -> str:
    if isinstance(key, tuple) and len(key) == 3:
        return f"{key[0]} line {key[1]} ({key[2]})"
    if isinstance(key, tuple):
        return f"{key[0]} ({key[1]})"
    return str(key)


@attrs.define
class CaseReport:
    """The outcome of running case files."""

    cases: int = 0
    expectations: int = 0
    failures: list[CaseFailure] = attrs.field(factory=list)
    coverage: dict[str, Coverage] = attrs.field(factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures

    def render(self, coverage: bool = False) -> str:
        lines = [f.render() for f in self.failures]
        if coverage:
            for ruleset_id, cov in self.coverage.items():
                lines.append(f"coverage of {ruleset_id}:")
                lines.append(cov.render())
        passed = self.expectations - len(self.failures)
        lines.append(
            f"{passed} passed, {len(self.failures)} failed "
            f"({self.cases} case(s), {self.expectations} expectation(s))"
        )
        return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- facts


def full_marks(ruleset: api.Ruleset | EvaluationGraph, tags: Iterable[str] = ()) -> dict[str, Any]:
    """Facts giving every item the unit is assessed on its full points, with evidence:
    dated facts on their last good day, rates at 1, no incidents, no late records."""
    g = ruleset.graph if isinstance(ruleset, api.Ruleset) else ruleset
    tagset = set(tags)
    facts: dict[str, Any] = {}
    for node in g.nodes:
        if node.kind not in ("item", "bonus"):
            continue
        if node.applies_to is not None and not node.applies_to & tagset:
            continue
        entry: dict[str, Any] = {"evidence": _full_evidence(node)}
        due = _due_dates(node)
        records_due = _one_record_each(node)
        for field, kind in node.fields:
            if field == "awarded":
                entry[field] = str(node.points)
            elif field == "met":
                entry[field] = True
            elif kind == "records":
                entry[field] = records_due.get(field, [])
            elif kind in ("date", "datetime"):
                entry[field] = due.get(field, "2020-01-02")
            elif kind == "rate":
                entry[field] = 1
            elif kind == "bool":
                entry[field] = False
            else:
                entry[field] = 0
        for clause in node.clauses:
            if isinstance(clause, DeductMissing):
                entry[clause.fact] = str(clause.of)
        facts[node.id] = entry
    return facts


def _full_evidence(node: GraphNode) -> Any:
    """Evidence that meets the item's requirements: a link, or the first alternative of
    kinds it requires, submitted on the last day it counts."""
    ref = f"https://example.gov.cn/gk/{node.id}"
    needs = node.evidence_needs
    if not needs:
        return [ref]
    kinds = sorted(needs.kinds[0]) if needs.kinds else ["link"]
    typed: dict[str, str] = {kind: f"{ref}/{kind}" for kind in kinds}
    if needs.by is not None:
        typed["submitted"] = needs.by.isoformat()
    return typed


def _one_record_each(node: GraphNode) -> dict[str, list[dict[str, str]]]:
    """One record on time for each list whose emptiness the ruleset does not score full
    (``no RECORDS means not_applicable|zero``): an empty list there is not full points."""
    wanted = {rule.records for rule in node.empty if rule.meaning != "full"}
    out: dict[str, list[dict[str, str]]] = {}
    for records, deadline in node.deadlines():
        if records not in wanted:
            continue
        record = out.setdefault(records, [{}])[0]
        if deadline.by is not None:
            record[deadline.end] = deadline.by.isoformat()
        else:
            start = "2020-01-02 09:00" if deadline.unit == "hours" else "2020-01-02"
            record.setdefault(deadline.start or "start", start)
            record[deadline.end] = record[deadline.start or "start"]
    return out


def _due_dates(node: GraphNode) -> dict[str, str]:
    """END → its fixed date, for the item's own ``END by DATE`` deadlines."""
    return {
        d.end: d.by.isoformat()
        for records, d in node.deadlines()
        if records is None and d.by is not None
    }


# ---------------------------------------------------------------- running


@attrs.frozen
class _Case:
    name: str
    line: int
    units: list[dict[str, Any]]
    expect: Any  # the YAML node of `expect`


def load_cases(
    path: str | os.PathLike[str], readings: Mapping[str, str] | None = None
) -> tuple[api.Ruleset, list[_Case], str]:
    """Read a case file: its ruleset (compiled, under the file's ``readings:`` with
    ``readings`` over them) and its cases."""
    expect_argument(path, (str, os.PathLike), "path", "the path of a case file")
    name = os.fspath(path)
    data = read_input(
        name, limit=MAX_CASE_FILE_BYTES, what=_("case file"), too_large="DR601", unreadable="DR311"
    )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = _("cannot read case file: not UTF-8 ({reason} at byte {start})").format(
            reason=exc.reason, start=exc.start
        )
        raise CaseFileError(Diagnostic("DR311", msg, file=name)) from None
    root = compose(text, name)
    top = entries(root)
    if "ruleset" not in top or "cases" not in top:
        msg = _("a case file needs `ruleset:` and `cases:`")
        raise CaseFileError(Diagnostic("DR311", msg, file=name))
    ruleset_ref = str(plain(top["ruleset"][1]))
    local = Path(name).parent / ruleset_ref
    params = plain(top["params"][1]) if "params" in top else None
    written = plain(top["readings"][1]) if "readings" in top else None
    chosen = {str(k): str(v) for k, v in (written or {}).items()} | dict(readings or {})
    try:
        ruleset = api.load(
            local if local.is_file() else ruleset_ref,
            {k: str(v) for k, v in (params or {}).items()} or None,
            readings=chosen or None,
        )
    except RulesetNotFoundError as exc:  # say which case file names it, and where
        line = top["ruleset"][1].start_mark.line + 1
        named = [
            attrs.evolve(d, message=f"`ruleset:` (line {line}): {d.message}", file=name)
            for d in exc.diagnostics
        ]
        raise RulesetNotFoundError(named) from None
    cases_node = top["cases"][1]
    if not isinstance(cases_node, yaml.SequenceNode):
        raise CaseFileError(Diagnostic("DR311", _("`cases:` is a list"), file=name))
    cases = []
    for i, node in enumerate(cases_node.value, start=1):
        fields = entries(node)
        if "units" not in fields or "expect" not in fields:
            msg = _("case #{i} (line {line}) needs `units:` and `expect:`").format(
                i=i, line=node.start_mark.line + 1
            )
            raise CaseFileError(Diagnostic("DR311", msg, file=name))
        case_name = str(plain(fields["name"][1])) if "name" in fields else f"case #{i}"
        units = [_unit(u, ruleset) for u in plain(fields["units"][1])]
        cases.append(_Case(case_name, node.start_mark.line + 1, units, fields["expect"][1]))
    return ruleset, cases, name


def _unit(spec: Mapping[str, Any], ruleset: api.Ruleset) -> dict[str, Any]:
    tags = list(spec.get("tags", []))
    facts: dict[str, Any] = full_marks(ruleset, tags) if spec.get("full_marks") else {}
    for node_id, value in (spec.get("facts") or {}).items():
        facts[node_id] = copy.deepcopy(value)
    for node_id in spec.get("without", []):
        facts.pop(node_id, None)
    return {"id": spec["id"], "tags": tags, "facts": _jsonish(facts)}


def _jsonish(value: Any) -> Any:
    """YAML's Decimals as the strings the facts loader reads exactly."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: _jsonish(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonish(v) for v in value]
    return value


def run(
    paths: Sequence[str | os.PathLike[str]], readings: Mapping[str, str] | None = None
) -> CaseReport:
    """Run every case of every file (a directory: its ``*.yaml`` files, recursively);
    ``readings`` are selected in every file, over the file's own ``readings:``."""
    expect_argument(paths, (list, tuple), "paths", "a list of case files or folders")
    report = CaseReport()
    for path in _files(paths):
        ruleset, cases, name = load_cases(path, readings)
        # each reading compiles its own clauses: covered apart (`id under NAME=ALT`)
        other = [r.choice for r in ruleset.readings if r.alternative != r.default]
        label = f"{ruleset.id} under {', '.join(other)}" if other else ruleset.id
        coverage = report.coverage.setdefault(label, Coverage.of(ruleset.graph))
        for case in cases:
            report.cases += 1
            try:
                results = ruleset.evaluate({"units": case.units})
            except DisclosureRulesError as exc:
                report.expectations += 1
                report.failures.append(
                    CaseFailure(
                        name,
                        case.line,
                        case.name,
                        "-",
                        "the case could not be scored",
                        "results",
                        exc.render(),
                    )
                )
                continue
            coverage.record(results)
            for failure in _compare(name, case, results):
                report.failures.append(failure)
            report.expectations += _count(case.expect)
    return report


def _files(paths: Sequence[str | os.PathLike[str]]) -> Iterator[Path]:
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(p.rglob("*.yaml"))
        else:
            yield p


def _count(expect: yaml.Node) -> int:
    n = 0
    for _unit_line, unit_node in entries(expect).values():
        for key, (_l, node) in entries(unit_node).items():
            n += len(entries(node)) if key in ("nodes", "status") else 1
    return n


def _matches(expected: Any, actual: Any) -> bool:
    """Numbers compare at the precision written (92.31 matches 92.308…); others exactly."""
    if isinstance(expected, Decimal) and isinstance(actual, Decimal):
        places = max(-expected.as_tuple().exponent, 0)  # type: ignore[operator]
        return bool(round_half_up(actual, places) == expected) or actual == expected
    return bool(expected == actual)


def _compare(file: str, case: _Case, results: Results) -> Iterator[CaseFailure]:
    for unit_id, (line, unit_node) in entries(case.expect).items():
        try:
            unit = results.unit(unit_id)
        except FactsError:
            yield CaseFailure(
                file,
                line,
                case.name,
                unit_id,
                "unit",
                "a unit of that id",
                "no such unit in the case",
            )
            continue
        for key, (kline, node) in entries(unit_node).items():
            if key in ("nodes", "status"):
                for node_id, (nline, value) in entries(node).items():
                    if node_id not in results.graph.by_id:
                        yield CaseFailure(
                            file,
                            nline,
                            case.name,
                            unit_id,
                            f"node {node_id}",
                            plain(value),
                            "no such node in the ruleset",
                        )
                        continue
                    got = unit.node(node_id)
                    actual = got.score if key == "nodes" else got.status
                    if not _matches(plain(value), actual):
                        yield CaseFailure(
                            file,
                            nline,
                            case.name,
                            unit_id,
                            f"{'score' if key == 'nodes' else 'status'} of {node_id}",
                            _show(plain(value)),
                            _show(actual),
                            tuple(_entry(e) for e in got.entries),
                        )
                continue
            expected = plain(node)
            facts: dict[str, Any] = {
                "total": unit.total,
                "grade": unit.grade,
                "rank": Decimal(unit.rank),
                "vetoes": list(unit.vetoes),
            }
            actual = facts.get(key, _MISSING)
            if actual is _MISSING:
                yield CaseFailure(
                    file,
                    kline,
                    case.name,
                    unit_id,
                    key,
                    expected,
                    "not something a case can expect (total, grade, rank, vetoes, nodes, status)",
                )
            elif not _matches(expected, actual):
                root = unit.node(results.graph.root.id)
                yield CaseFailure(
                    file,
                    kline,
                    case.name,
                    unit_id,
                    key,
                    _show(expected),
                    _show(actual),
                    tuple(_entry(e) for e in root.entries),
                )


_MISSING = object()


def _show(value: Any) -> str:
    return exact(value) if isinstance(value, Decimal) else repr(value)


def _entry(entry: Any) -> str:
    data = entry.to_dict()
    parts = [f"{data['kind']} {data['delta']}"]
    for key in ("rule", "child", "note"):
        if key in data:
            parts.append(f"{key}={data[key]}")
    if "line" in data:
        parts.append(f"(line {data['line']})")
    return " ".join(parts)
