"""The Python API: load, compile, list and evaluate rulesets.

This is the surface other systems call (see docs/api.md)::

    import disclosure_rules as dr

    ruleset = dr.load("yifeng-2020-townships")
    results = ruleset.evaluate("facts.json")
    for unit in results.ranking():
        print(unit.rank, unit.id, unit.rounded_total, unit.grade)
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs

from .catalog import shipped_paths, shipped_text
from .errors import (
    Diagnostic,
    ParameterError,
    RulesetNotFoundError,
    did_you_mean,
)
from .evaluation.engine import Results, evaluate
from .facts import Cohort, load_facts
from .files import read_input
from .language import syntax as tree
from .language.checker import analyse
from .language.parser import MAX_BYTES, parse
from .model.graph import EvaluationGraph, compile_ruleset
from .workdays import Calendar

__all__ = [
    "CatalogEntry",
    "Ruleset",
    "catalog",
    "check",
    "check_text",
    "compile",
    "load",
    "parse_param_value",
]

ParamValues = Mapping[str, Decimal | int | str]


@attrs.define(eq=False)
class Ruleset:
    """A checked, compiled ruleset, ready to score cohorts."""

    graph: EvaluationGraph
    syntax: tree.Ruleset = attrs.field(repr=False)

    @property
    def id(self) -> str:
        return self.graph.id

    @property
    def title(self) -> str:
        return self.graph.title

    @property
    def max(self) -> Decimal:
        return self.graph.root.points

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """The checker's warnings (a compiled ruleset has no errors)."""
        return self.graph.diagnostics

    def load_facts(self, source: str | os.PathLike[str] | Mapping[str, Any]) -> Cohort:
        """Load and validate facts (path to JSON/CSV, or a JSON-shaped mapping)."""
        return load_facts(source, self.graph)

    def evaluate(
        self,
        cohort_or_facts: Cohort | str | os.PathLike[str] | Mapping[str, Any],
        *,
        detail: bool = True,
        strict: bool = False,
        calendar: Calendar | str | os.PathLike[str] | None = None,
    ) -> Results:
        """Score a cohort. ``detail=False`` skips the audit ledger (faster, no explain).

        ``calendar`` adds working-day schedules for years the official calendar does not
        cover yet: a :class:`~disclosure_rules.workdays.Calendar` or a schedule file.
        """
        cohort = load_facts(cohort_or_facts, self.graph)
        if calendar is not None and not isinstance(calendar, Calendar):
            calendar = Calendar.from_file(calendar)
        return evaluate(self.graph, cohort, detail=detail, strict=strict, calendar=calendar)

    def describe(self) -> dict[str, Any]:
        """The compiled ruleset as JSON-ready data (``describe --format json``)."""
        return self.graph.to_dict()


@attrs.frozen
class CatalogEntry:
    """A shipped ruleset, as ``disclosure-rules list`` shows it."""

    id: str
    title: str
    issuer: str | None
    year: int | None
    indicators: int
    max: Decimal
    assumed: int
    path: str


def parse_param_value(name: str, raw: Decimal | int | str) -> Decimal:
    """``70%`` → 0.70, ``1.5`` → 1.5; anything else is a ParameterError."""
    if isinstance(raw, Decimal | int) and not isinstance(raw, bool):
        return Decimal(raw)
    text = str(raw).strip()
    try:
        value = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        msg = f"parameter {name}: {raw!r} is not a number"
        raise ParameterError(Diagnostic("DR113", msg, hint="e.g. --param name=2 or name=70%"))
    return value


def _params(parsed: tree.Ruleset, params: ParamValues | None) -> dict[str, Decimal]:
    if not params:
        return {}
    known = {p.name for p in parsed.params}
    problems = []
    values: dict[str, Decimal] = {}
    for name, raw in params.items():
        if name not in known:
            hint = did_you_mean(name, known) or (
                f"this ruleset's parameters: {', '.join(sorted(known))}"
                if known
                else "this ruleset has no parameters"
            )
            problems.append(
                Diagnostic(
                    "DR113",
                    f"unknown parameter {name!r} for ruleset {parsed.id}",
                    file=parsed.span.file,
                    hint=hint,
                )
            )
            continue
        values[name] = parse_param_value(name, raw)
    if problems:
        raise ParameterError(problems)
    return values


def _read(name_or_path: str | os.PathLike[str]) -> tuple[str, bytes]:
    text = os.fspath(name_or_path)
    path = Path(text)
    if path.is_file():  # read within the parser's limit (DR006), so a huge file is not read
        return text, read_input(
            path, limit=MAX_BYTES, what="ruleset file", too_large="DR006", unreadable="DR000"
        )
    shipped = shipped_text(text)
    if shipped is not None:
        return shipped
    ids = list(shipped_paths())
    msg = f"{text!r} is neither a ruleset file nor a shipped ruleset id"
    hint = did_you_mean(text, ids) or f"shipped rulesets: {', '.join(ids) or 'none'}"
    raise RulesetNotFoundError(Diagnostic("DR000", msg, file=text, hint=hint))


def compile(
    text: str | bytes,
    params: ParamValues | None = None,
    *,
    file: str = "<string>",
) -> Ruleset:
    """Parse, check and compile ruleset text; raise on any error (all of them, together)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    syntax = parse(data, file)
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    graph = compile_ruleset(syntax, analyse(syntax, _params(syntax, params)), digest)
    return Ruleset(graph, syntax)


def load(name_or_path: str | os.PathLike[str], params: ParamValues | None = None) -> Ruleset:
    """A shipped ruleset by id (see :func:`catalog`) or a ``.dr`` file by path."""
    file, data = _read(name_or_path)
    return compile(data, params, file=file)


def check(
    name_or_path: str | os.PathLike[str], params: ParamValues | None = None
) -> list[Diagnostic]:
    """Every diagnostic (errors and warnings) for a ruleset file or shipped id; never raises
    for problems in the ruleset itself."""
    from .errors import DisclosureRulesError

    try:
        file, data = _read(name_or_path)
        syntax = parse(data, file)
        return list(analyse(syntax, _params(syntax, params)).diagnostics)
    except DisclosureRulesError as exc:
        return list(exc.diagnostics)


def check_text(
    text: str | bytes, params: ParamValues | None = None, *, file: str = "<string>"
) -> list[Diagnostic]:
    """Every diagnostic for ruleset text; never raises for problems in the text itself."""
    from .errors import DisclosureRulesError

    try:
        syntax = parse(text.encode("utf-8") if isinstance(text, str) else text, file)
        return list(analyse(syntax, _params(syntax, params)).diagnostics)
    except DisclosureRulesError as exc:
        return list(exc.diagnostics)


def catalog() -> list[CatalogEntry]:
    """The shipped rulesets, with their headline figures."""
    entries = []
    for ruleset_id in shipped_paths():
        ruleset = load(ruleset_id)
        g = ruleset.graph
        entries.append(
            CatalogEntry(
                id=g.id,
                title=g.title,
                issuer=g.issuer,
                year=g.year,
                indicators=sum(1 for n in g.nodes if n.kind in ("item", "bonus")),
                max=g.root.points,
                assumed=len(g.assumed_params),
                path=f"rulesets/{ruleset_id}.dr",
            )
        )
    return entries
