"""The Python API: load, compile, list and evaluate rulesets.

This is the surface other systems call (see docs/api.md)::

    import disclosure_rules as dr

    ruleset = dr.load("yifeng-2020-townships")
    results = ruleset.evaluate("facts.json")
    for unit in results.ranking():
        print(unit.rank, unit.id, unit.rounded_total, unit.grade)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .catalog import CatalogEntry, shipped_catalog, shipped_paths, shipped_text
from .decimals import ARITHMETIC
from .errors import (
    Diagnostic,
    ParameterError,
    RulesetNotFoundError,
    RulesetSyntaxError,
    Span,
    did_you_mean,
    expect_argument,
)
from .evaluation.engine import Results, evaluate
from .facts import Cohort, load_facts
from .facts.read import MAX_DIGITS, MAX_EXPONENT
from .files import read_input
from .i18n import _
from .language import syntax as tree
from .language.checker import analyse, check_every_reading
from .language.overlay import Overlay, Resolved, relocate, resolve
from .language.parser import MAX_BYTES, parse
from .language.readings import choose
from .language.symbols import ReadingValue
from .model.graph import EvaluationGraph, compile_ruleset

if TYPE_CHECKING:
    from .ruleset_diff import RulesetDiff
from .workdays import Calendar

if TYPE_CHECKING:
    from .alternatives.compare import Comparison
    from .alternatives.sensitivity import Sensitivity

__all__ = [
    "CatalogEntry",
    "Ruleset",
    "catalog",
    "check",
    "check_text",
    "compare",
    "compile",
    "diff",
    "load",
    "parse_param_value",
    "sensitivity",
]

ParamValues = Mapping[str, Decimal | int | str]
Readings = Mapping[str, str]
"""Readings selected by name: ``{"floor_scope": "whole_100"}``."""


@attrs.define(eq=False)
class Ruleset:
    """A checked, compiled ruleset, ready to score cohorts."""

    graph: EvaluationGraph
    syntax: tree.Ruleset = attrs.field(repr=False)  # an overlay's: the effective ruleset
    overlay: Overlay | None = attrs.field(default=None, repr=False)  # where its nodes come from

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
    def readings(self) -> tuple[ReadingValue, ...]:
        """Every reading the ruleset declares, with the alternative in force."""
        return self.graph.readings

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """The checker's warnings (a compiled ruleset has no errors)."""
        return self.graph.diagnostics

    def load_facts(self, source: str | os.PathLike[str] | Mapping[str, Any]) -> Cohort:
        """Load and validate facts (path to JSON/CSV, or a JSON-shaped mapping)."""
        _check_facts(source, "source")
        return load_facts(source, self.graph)

    def evaluate(
        self,
        cohort_or_facts: Cohort | str | os.PathLike[str] | Mapping[str, Any],
        *,
        detail: bool = True,
        strict: bool = False,
        calendar: Calendar | str | os.PathLike[str] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Results:
        """Score a cohort. ``detail=False`` skips the audit ledger (faster, no explain).

        ``calendar`` adds working-day schedules for years the official calendar does not
        cover yet: a :class:`~disclosure_rules.workdays.Calendar` or a schedule file.
        ``progress`` is called with the number of units scored since its last call.
        """
        _check_facts(cohort_or_facts, "cohort_or_facts")
        expect_argument(detail, bool, "detail", "True or False")
        expect_argument(strict, bool, "strict", "True or False")
        schedules = _calendar(calendar)  # a bad schedule file fails before the facts are read
        cohort = load_facts(cohort_or_facts, self.graph)
        return evaluate(
            self.graph, cohort, detail=detail, strict=strict, calendar=schedules, progress=progress
        )

    def describe(self) -> dict[str, Any]:
        """The compiled ruleset as JSON-ready data (``describe --format json``); an
        overlay's also says where each node comes from."""
        doc = self.graph.to_dict()
        return doc if self.overlay is None else self.overlay.describe(doc)


def _check_facts(source: object, argument: str) -> None:
    expected = "a Cohort, a path to a facts file, or a facts document (a mapping)"
    expect_argument(source, (Cohort, str, os.PathLike, Mapping), argument, expected)
    if isinstance(source, os.PathLike) and isinstance(os.fspath(source), bytes):
        raise TypeError(f"{argument}: expected a str path, got a bytes path")
    if isinstance(source, Mapping) and not all(isinstance(key, str) for key in source):
        raise TypeError(f"{argument}: a facts document's keys are str")


def _calendar(value: Calendar | str | os.PathLike[str] | None) -> Calendar | None:
    """The ``calendar`` argument as a :class:`Calendar` (a path is read), or None."""
    expect_argument(
        value, (Calendar, str, os.PathLike, type(None)), "calendar", "a Calendar or a path"
    )
    if value is None or isinstance(value, Calendar):
        return value
    return Calendar.from_file(value)


def parse_param_value(name: str, raw: Decimal | int | str) -> Decimal:
    """``70%`` → 0.70, ``1.5`` → 1.5; anything else is a ParameterError.

    A value is a finite number within the limits of numbers in facts files
    (:data:`~disclosure_rules.facts.read.MAX_DIGITS` digits, a size within
    ``1e±MAX_EXPONENT``), so a parameter cannot overflow the engine's arithmetic.
    """
    expect_argument(
        raw, (Decimal, int, str, float), f"parameter {name!r}", "a Decimal, an int or a str"
    )
    value: Decimal | None
    if isinstance(raw, Decimal | int):
        value = Decimal(raw)
    else:
        text = str(raw).strip()
        try:
            value = Decimal(text[:-1]) if text.endswith("%") else Decimal(text)
        except InvalidOperation:
            value = None
    if value is None or not value.is_finite():
        msg = _("parameter {name}: {raw!r} is not a number").format(name=name, raw=raw)
        raise ParameterError(Diagnostic("DR113", msg, hint=_("e.g. --param name=2 or name=70%")))
    digits = len(value.as_tuple().digits)
    if digits > MAX_DIGITS or not (value.is_zero() or abs(value.adjusted()) <= MAX_EXPONENT):
        shown = f"a number of {digits:,} digits" if digits > 60 else str(value)
        msg = _(
            "parameter {name}: {shown} is out of range: a parameter has "
            "at most {max_digits} digits and a size between "
            "1e-{exponent} and 1e{top_exponent}"
        ).format(
            name=name,
            shown=shown,
            max_digits=MAX_DIGITS,
            exponent=MAX_EXPONENT,
            top_exponent=MAX_EXPONENT + 1,
        )
        raise ParameterError(Diagnostic("DR113", msg, hint=_("e.g. --param name=2 or name=70%")))
    if isinstance(raw, str) and raw.strip().endswith("%"):
        return ARITHMETIC.divide(value, Decimal(100))  # exact: at most 40 digits
    return value


def _check_params(params: object) -> None:
    expect_argument(params, (Mapping, type(None)), "params", "a mapping of names to values")
    assert params is None or isinstance(params, Mapping)
    for name in params or ():
        expect_argument(name, str, "params", "parameter names as str")


def _check_readings(readings: object) -> None:
    expected = "a mapping of reading names to alternatives"
    expect_argument(readings, (Mapping, type(None)), "readings", expected)
    assert readings is None or isinstance(readings, Mapping)
    for name, alternative in (readings or {}).items():
        expect_argument(name, str, "readings", "reading names as str")
        expect_argument(alternative, str, f"reading {name!r}", "an alternative's name (str)")


def _readings(parsed: tree.Ruleset, readings: Readings | None) -> dict[str, str]:
    """The selection, every name checked against the ruleset (DR154 names what it has)."""
    choose(parsed, readings)
    return dict(readings or {})


def _params(parsed: tree.Ruleset, params: ParamValues | None) -> dict[str, Decimal]:
    if not params:
        return {}
    known = {p.name for p in parsed.params} | {
        p.name for block in parsed.param_blocks for p in block.params
    }
    problems = []
    values: dict[str, Decimal] = {}
    for name, raw in params.items():
        if name not in known:
            hint = did_you_mean(name, known) or (
                _("this ruleset's parameters: {names}").format(names=", ".join(sorted(known)))
                if known
                else _("this ruleset has no parameters")
            )
            problems.append(
                Diagnostic(
                    "DR113",
                    _("unknown parameter {name!r} for ruleset {id}").format(
                        name=name, id=parsed.id
                    ),
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
    expect_argument(
        name_or_path, (str, os.PathLike), "name_or_path", "a shipped ruleset id or a path"
    )
    text = os.fspath(name_or_path)
    if isinstance(text, bytes):
        raise TypeError(f"name_or_path: expected a str path, got a bytes path {text!r}")
    path = Path(text)
    if path.is_file():  # read within the parser's limit (DR006), so a huge file is not read
        return text, read_input(
            path, limit=MAX_BYTES, what=_("ruleset file"), too_large="DR006", unreadable="DR000"
        )
    shipped = shipped_text(text)
    if shipped is not None:
        return shipped
    ids = list(shipped_paths())
    msg = _("{text!r} is neither a ruleset file nor a shipped ruleset id").format(text=text)
    hint = did_you_mean(text, ids) or _("shipped rulesets: {value}").format(
        value=", ".join(ids) or "none"
    )
    raise RulesetNotFoundError(Diagnostic("DR000", msg, file=text, hint=hint))


def compile(
    text: str | bytes,
    params: ParamValues | None = None,
    *,
    file: str = "<string>",
    readings: Readings | None = None,
) -> Ruleset:
    """Parse, check and compile ruleset text under the ``readings`` selected (the
    defaults for the rest); raise on any error (all of them, together)."""
    data = _text_bytes(text, file, params, readings)
    resolved = resolve(parse(data, file))
    syntax = resolved.ruleset
    report = analyse(syntax, _params(syntax, params), _readings(syntax, readings))
    found = _with_overlay(report.diagnostics, resolved)
    report = attrs.evolve(report, diagnostics=tuple(found))
    return Ruleset(compile_ruleset(syntax, report), syntax, resolved.overlay)


def _with_overlay(diagnostics: Iterable[Diagnostic], resolved: Resolved) -> list[Diagnostic]:
    """An overlay's problems with its changes, then the checker's (DR103 on the base's
    points that the changes moved made DR183 at the overlay's lines)."""
    checked = relocate(diagnostics, resolved.ruleset, resolved.overlay)
    return [*resolved.diagnostics, *checked]


def _text_bytes(text: object, file: object, params: object, readings: object = None) -> bytes:
    """The ruleset text as UTF-8 bytes, its arguments checked (a lone surrogate: DR003)."""
    expect_argument(text, (str, bytes), "text", "the ruleset text as str or UTF-8 bytes")
    expect_argument(file, str, "file", "the name shown in diagnostics, a str")
    _check_params(params)
    _check_readings(readings)
    if isinstance(text, bytes):
        return text
    assert isinstance(text, str) and isinstance(file, str)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        column = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
        code = ord(text[exc.start])
        msg = _("the text holds a lone surrogate (U+{code:04X}): it is not Unicode text").format(
            code=code
        )
        diagnostic = Diagnostic("DR003", msg, span=Span(file, line, column))
        raise RulesetSyntaxError(diagnostic) from None


def load(
    name_or_path: str | os.PathLike[str],
    params: ParamValues | None = None,
    *,
    readings: Readings | None = None,
) -> Ruleset:
    """A shipped ruleset by id (see :func:`catalog`) or a ``.dr`` file by path, compiled
    under the ``readings`` selected (``{"floor_scope": "whole_100"}``; the defaults for
    the rest)."""
    _check_params(params)
    _check_readings(readings)
    file, data = _read(name_or_path)
    return compile(data, params, file=file, readings=readings)


def diff(
    old: str | os.PathLike[str],
    new: str | os.PathLike[str],
    params: ParamValues | None = None,
    *,
    readings: Readings | None = None,
) -> RulesetDiff:
    """What changed in meaning from ``old`` to ``new`` (each a shipped ruleset id or a
    ``.dr`` path, loaded as :func:`load` does, both under the same ``params`` and
    ``readings``): nodes added, removed, moved and changed, rules by id, the header,
    parameters, readings, grades, vetoes, conversions, groups, tags and calendars.
    ``.equal`` is True when the two mean the same (see
    :mod:`disclosure_rules.ruleset_diff`)."""
    from .ruleset_diff import compare_graphs

    return compare_graphs(
        load(old, params, readings=readings).graph, load(new, params, readings=readings).graph
    )


def _diagnostics(
    parsed: tree.Ruleset, params: ParamValues | None, readings: Readings | None
) -> list[Diagnostic]:
    """Under the readings selected, or (none selected) under every alternative in turn."""
    resolved = resolve(parsed)
    syntax = resolved.ruleset
    values = _params(syntax, params)
    if readings:
        found = list(analyse(syntax, values, _readings(syntax, readings)).diagnostics)
    else:
        found = check_every_reading(syntax, values)
    return _with_overlay(found, resolved)


def check(
    name_or_path: str | os.PathLike[str],
    params: ParamValues | None = None,
    *,
    readings: Readings | None = None,
) -> list[Diagnostic]:
    """Every diagnostic (errors and warnings) for a ruleset file or shipped id; never raises
    for problems in the ruleset itself. Without ``readings``, the clauses of every
    alternative of every reading are checked; with them, the ruleset as selected."""
    from .errors import DisclosureRulesError

    _check_params(params)
    _check_readings(readings)
    try:
        file, data = _read(name_or_path)
        syntax = parse(data, file)
        return _diagnostics(syntax, params, readings)
    except DisclosureRulesError as exc:
        return list(exc.diagnostics)
    except RecursionError:  # each ruleset is checked on its own: one cannot stop the next
        return [_too_deep(os.fspath(name_or_path))]


def check_text(
    text: str | bytes,
    params: ParamValues | None = None,
    *,
    file: str = "<string>",
    readings: Readings | None = None,
) -> list[Diagnostic]:
    """Every diagnostic for ruleset text (as :func:`check`); never raises for problems in
    the text itself."""
    from .errors import DisclosureRulesError

    data = _text_bytes(text, file, params, readings)
    try:
        syntax = parse(data, file)
        return _diagnostics(syntax, params, readings)
    except DisclosureRulesError as exc:
        return list(exc.diagnostics)
    except RecursionError:
        return [_too_deep(file)]


def _too_deep(file: str) -> Diagnostic:
    msg = _("the ruleset nests too deeply to be processed")
    return Diagnostic("DR005", msg, file=file, hint=_("real schemes nest 4 or 5 levels"))


def catalog() -> list[CatalogEntry]:
    """The shipped rulesets, with their headline figures (kept in a cache between runs)."""
    return shipped_catalog()


def catalog_entries() -> list[CatalogEntry]:
    """The shipped rulesets' headline figures, each ruleset compiled."""
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
                assumed_structure=len(g.assumed_structure),
            )
        )
    return entries


def _ruleset(value: object, argument: str) -> Ruleset:
    """A compiled ruleset, or one loaded by shipped id or path (its defaults in force)."""
    expect_argument(
        value, (Ruleset, str, os.PathLike), argument, "a Ruleset, a shipped ruleset id or a path"
    )
    return value if isinstance(value, Ruleset) else load(value)  # type: ignore[arg-type]


def compare(
    a: Ruleset | str | os.PathLike[str],
    b: Ruleset | str | os.PathLike[str],
    facts: str | os.PathLike[str] | Mapping[str, Any],
    *,
    strict: bool = False,
    calendar: Calendar | str | os.PathLike[str] | None = None,
) -> Comparison:
    """Score one cohort under two rulesets and compare it unit by unit (docs/compare.md).

    ``a`` and ``b``: compiled rulesets (load one ruleset twice, with other ``readings``
    or ``params``, to compare two readings of it), or shipped ids or paths. Facts for an
    item or a field only one side reads are set aside on the other with a warning.
    """
    from .alternatives.compare import compare_results

    first, second = _ruleset(a, "a"), _ruleset(b, "b")
    _check_facts(facts, "facts")
    if isinstance(facts, Cohort):
        raise TypeError("facts: a path to a facts file or a facts document (each side reads it)")
    expect_argument(strict, bool, "strict", "True or False")
    schedules = _calendar(calendar)
    return compare_results(first.graph, second.graph, facts, strict=strict, calendar=schedules)


def sensitivity(
    ruleset: Ruleset | str | os.PathLike[str],
    facts: str | os.PathLike[str] | Mapping[str, Any],
    *,
    weights: Decimal | str | None = None,
    samples: int = 1000,
    seed: int = 0,
    calendar: Calendar | str | os.PathLike[str] | None = None,
) -> Sensitivity:
    """How far each unit's rank and grade depend on the choices the ruleset leaves open:
    assumed parameters over their declared ranges, readings, and (``weights="10%"``)
    each component's weight ± that share (docs/sensitivity.md). The ruleset as loaded
    (its ``params`` and ``readings``) is the base; a space of more than
    :data:`~disclosure_rules.alternatives.sensitivity.EXHAUSTIVE_LIMIT` combinations is
    sampled: ``samples`` runs of a Latin hypercube drawn with ``seed``."""
    from .alternatives.sensitivity import sensitivity as run

    chosen = _ruleset(ruleset, "ruleset")
    _check_facts(facts, "facts")
    if isinstance(facts, Cohort):
        raise TypeError("facts: a path to a facts file or a facts document")
    expect_argument(weights, (Decimal, str, type(None)), "weights", "a share such as '10%'")
    expect_argument(samples, int, "samples", "a number of runs (int)")
    expect_argument(seed, int, "seed", "an int")
    schedules = _calendar(calendar)
    share = None if weights is None else parse_param_value("weights", weights)
    return run(
        chosen.syntax,
        chosen.graph,
        facts,
        weights=share,
        samples=samples,
        seed=seed,
        calendar=schedules,
    )
