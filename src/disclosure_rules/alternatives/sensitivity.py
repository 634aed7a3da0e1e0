"""Sensitivity: how far a cohort's ranking depends on the choices a ruleset leaves open.

The choices (:class:`Choice`) are every assumed parameter that declares a range
(``param w = 30% assumed "…" range 20%..40%``), every reading (each of its
alternatives), and, when asked, each component's weight perturbed by ± a share
(``weights=Decimal("0.1")``), the weights scaled back to 100% together. The language
has no N/A choice of its own: a ruleset that allows several readings of its N/A clause
declares them as a reading, which is varied like any other.

Runs (each a set of values, one per choice, the cohort scored under it):

- the base (every choice as the ruleset has it);
- each choice varied alone over its levels (a range's ends and middle, a reading's
  alternatives, a weight's − and + ends), the others at the base: what a unit's rank
  moves with when one choice moves is the measure of "depends on most";
- the joint space: every combination of levels when there are at most
  :data:`EXHAUSTIVE_LIMIT` of them, otherwise ``samples`` points of a Latin hypercube
  (each choice's range cut into ``samples`` strata, each stratum drawn once, in an
  order shuffled per choice), drawn with a seeded generator of the standard library so
  that the same seed gives the same runs.

For each unit: its rank interval (best and worst rank over every run; ranks are within
a unit's group when the ruleset ranks in groups), how often its grade differs from its
base grade, and the choices that move its rank most when varied alone.

Parameters are constants of the compiled graph, so each run compiles the parsed
ruleset again under its values (a few milliseconds; the parse is done once). Component
weights that are parameters are scaled to add up to 100% before compiling. An item's
points that a parameter sets change the scale its ``awarded`` facts were given on: an
award is read as the same share of the item's points.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..decimals import ONE, ZERO, divide
from ..decimals import text as exact
from ..errors import CheckError, Diagnostic, DisclosureRulesError
from ..evaluation.engine import evaluate
from ..facts import Cohort, Unit, load_facts
from ..i18n import _
from ..language import syntax
from ..language.checker import analyse
from ..model.graph import EvaluationGraph, compile_ruleset
from ..workdays import Calendar

__all__ = [
    "EXHAUSTIVE_LIMIT",
    "SENSITIVITY_SCHEMA",
    "Choice",
    "Driver",
    "Sensitivity",
    "SensitivityError",
    "UnitSpread",
    "sensitivity",
]

SENSITIVITY_SCHEMA = "1"
"""Version of the ``sensitivity --format json`` document (sensitivity.schema.json)."""

EXHAUSTIVE_LIMIT = 2048
"""Combinations of levels scored exhaustively; a larger space is sampled."""

_STRATUM_STEPS = 1_000_000  # a point within a stratum: a whole number of millionths
_WEIGHT_PLACES = Decimal("0.0001")  # weights scaled to 100% kept to 0.01%


class SensitivityError(DisclosureRulesError, ValueError):
    """A sensitivity run that cannot be made (DR730–DR739)."""


@attrs.frozen
class Choice:
    """One thing varied: a parameter over its range, a reading over its alternatives,
    or a component's weight by a factor. ``levels``: the values varied alone (and, when
    the space is small, combined); ``base``: the value the ruleset has."""

    kind: str  # param | reading | weight
    name: str  # the parameter, reading or component
    levels: tuple[Any, ...]
    base: Any
    low: Decimal | None = None  # the continuous range sampled (params and weights)
    high: Decimal | None = None
    percent: bool = False

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}"

    def shown(self, value: Any) -> str:
        """A level as the ruleset writes it: ``30%``, ``2``, ``whole_100``, ``×1.1``."""
        if self.kind == "reading":
            return str(value)
        if self.kind == "weight":
            return f"×{exact(value)}"
        return f"{exact(value * 100)}%" if self.percent else exact(value)

    def at(self, u: Decimal) -> Any:
        """The value at position ``u`` (0 ≤ u < 1) of the choice's range."""
        if self.kind == "reading":
            return self.levels[int(u * len(self.levels))]
        assert self.low is not None and self.high is not None
        places = (
            min(_exponent(self.low), _exponent(self.high), _exponent(self.base), 0) - 2
        )  # two more places than the finest bound
        value = self.low + (self.high - self.low) * u
        return value.quantize(Decimal(1).scaleb(places)).normalize()


def _exponent(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


@attrs.frozen
class Driver:
    """What one choice, varied alone, does to a unit: its rank interval and the grades
    it gets over the choice's levels."""

    choice: Choice
    best: int
    worst: int
    grades: tuple[str | None, ...]


@attrs.frozen
class UnitSpread:
    """One unit over every run."""

    id: str
    group: str | None
    rank: int  # under the base
    grade: str | None  # under the base
    best: int
    worst: int
    grade_changes: int  # runs whose grade differs from the base grade
    grades: Mapping[str | None, int]  # runs per grade
    drivers: tuple[Driver, ...]  # the choices that move it when varied alone, most first

    @property
    def interval(self) -> tuple[int, int]:
        return (self.best, self.worst)


@attrs.frozen
class Sensitivity:
    """A cohort's ranks and grades over the runs of a sensitivity analysis."""

    graph: EvaluationGraph
    facts_hash: str
    choices: tuple[Choice, ...]
    design: str  # exhaustive | latin_hypercube
    runs: int
    seed: int | None
    units: tuple[UnitSpread, ...]

    def __iter__(self) -> Iterator[UnitSpread]:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    def unit(self, unit_id: str) -> UnitSpread:
        return next(u for u in self.units if u.id == unit_id)

    def to_dict(self) -> dict[str, Any]:
        """The ``sensitivity --format json`` document (sensitivity.schema.json)."""
        g = self.graph
        return {
            "schema": SENSITIVITY_SCHEMA,
            "ruleset": {"id": g.id, "hash": g.ruleset_hash},
            "facts_hash": self.facts_hash,
            "design": {"kind": self.design, "runs": self.runs, "seed": self.seed},
            "choices": [_choice_dict(c) for c in self.choices],
            "units": [_unit_dict(u) for u in self.units],
        }


def _choice_dict(c: Choice) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": c.kind,
        "name": c.name,
        "base": c.shown(c.base),
        "levels": [c.shown(v) for v in c.levels],
    }
    if c.low is not None and c.high is not None:
        out["range"] = [c.shown(c.low), c.shown(c.high)]
    return out


def _unit_dict(u: UnitSpread) -> dict[str, Any]:
    return {
        "id": u.id,
        "group": u.group,
        "rank": u.rank,
        "grade": u.grade,
        "best": u.best,
        "worst": u.worst,
        "grade_changes": u.grade_changes,
        "grades": [{"grade": g, "runs": n} for g, n in u.grades.items()],
        "depends_on": [
            {
                "kind": d.choice.kind,
                "name": d.choice.name,
                "best": d.best,
                "worst": d.worst,
                "grades": list(d.grades),
            }
            for d in u.drivers
        ],
    }


# ---------------------------------------------------------------- the run


def sensitivity(
    parsed: syntax.Ruleset,
    graph: EvaluationGraph,
    facts: str | Mapping[str, Any] | Any,
    *,
    weights: Decimal | None = None,
    samples: int = 1000,
    seed: int = 0,
    calendar: Calendar | None = None,
) -> Sensitivity:
    """Score ``facts`` under every run (see the module docstring) of ``graph``, the
    compiled form of ``parsed`` (its parameter overrides and readings are the base)."""
    choices = _choices(parsed, graph, weights)
    if not choices:
        msg = _(
            "nothing to vary in {id}: no assumed parameter declares a "
            "range, there are no readings, and no --weights were given"
        ).format(id=graph.id)
        hint = _('declare a range: param NAME = 30% assumed "why" range 20%..40%')
        raise SensitivityError(Diagnostic("DR730", msg, file=graph.file, hint=hint))
    if samples < 1:
        msg = _("samples: at least 1, got {samples}").format(samples=samples)
        raise SensitivityError(Diagnostic("DR732", msg, file=graph.file))
    plan = _Plan.of(choices, samples, seed)
    scorer = _Scorer(parsed, graph, facts, calendar)
    standings = [scorer.standings(values) for values in plan.runs]
    units = tuple(_spread(u, standings, plan) for u in range(len(standings[0])))
    return Sensitivity(
        graph, scorer.cohort.hash, choices, plan.design, len(plan.runs), plan.seed, units
    )


Standing = tuple[str, str | None, int, str | None]  # unit, group, rank, grade


@attrs.frozen
class _Plan:
    """The runs, in order: the base, each choice alone, then the joint space."""

    choices: tuple[Choice, ...]
    runs: list[dict[Choice, Any]]
    alone: dict[Choice, list[int]]  # per choice: the runs varying it alone, the base first
    design: str
    seed: int | None

    @classmethod
    def of(cls, choices: tuple[Choice, ...], samples: int, seed: int) -> _Plan:
        base = {c: c.base for c in choices}
        runs: list[dict[Choice, Any]] = [base]
        alone: dict[Choice, list[int]] = {c: [0] for c in choices}
        for c in choices:
            for level in c.levels:
                if level != c.base:
                    alone[c].append(len(runs))
                    runs.append({**base, c: level})
        space = 1
        for c in choices:
            space *= len(c.levels)
        if space <= EXHAUSTIVE_LIMIT:
            combos = itertools.product(*(c.levels for c in choices))
            runs += [dict(zip(choices, combo, strict=True)) for combo in combos]
            return cls(choices, runs, alone, "exhaustive", None)
        runs += _hypercube(choices, samples, seed)
        return cls(choices, runs, alone, "latin_hypercube", seed)


def _spread(u: int, standings: Sequence[Sequence[Standing]], plan: _Plan) -> UnitSpread:
    """Unit ``u`` over every run: its interval, grades, and what moves it alone."""
    uid, group, rank, grade = standings[0][u]
    ranks = [s[u][2] for s in standings]
    grades = Counter(s[u][3] for s in standings)
    drivers = []
    for c in plan.choices:
        moved = [standings[i][u][2] for i in plan.alone[c]]
        graded = tuple(dict.fromkeys(standings[i][u][3] for i in plan.alone[c]))
        if max(moved) != min(moved) or len(graded) > 1:
            drivers.append(Driver(c, min(moved), max(moved), graded))
    # the widest rank interval first, then a grade that changes (stable: choice order)
    drivers.sort(key=lambda d: (d.best - d.worst, -len(d.grades)))
    changed = sum(n for g, n in grades.items() if g != grade)
    return UnitSpread(
        uid, group, rank, grade, min(ranks), max(ranks), changed, dict(grades), tuple(drivers)
    )


def _choices(
    parsed: syntax.Ruleset, graph: EvaluationGraph, weights: Decimal | None
) -> tuple[Choice, ...]:
    out: list[Choice] = []
    for p in graph.params:
        if p.assumed and p.range is not None:
            low, high = p.range
            levels = tuple(dict.fromkeys((low, divide(low + high, Decimal(2)), high)))
            out.append(Choice("param", p.name, levels, p.value, low, high, p.percent))
    for r in graph.readings:
        names = tuple(name for name, _, _ in r.alternatives)
        out.append(Choice("reading", r.name, names, r.alternative))
    if weights is not None:
        if not ZERO < weights < ONE:
            msg = _("weights: a share between 0% and 100% (e.g. 10%), got {exact}%").format(
                exact=exact(weights * 100)
            )
            raise SensitivityError(Diagnostic("DR731", msg, file=graph.file))
        low, high = ONE - weights, ONE + weights
        for node in graph.nodes:
            if node.kind == "component" and node.weight is not None:
                out.append(Choice("weight", node.id, (low, ONE, high), ONE, low, high))
    return tuple(out)


def _hypercube(choices: Sequence[Choice], samples: int, seed: int) -> list[dict[Choice, Any]]:
    """``samples`` points of a Latin hypercube over the choices, reproducible by ``seed``."""
    rng = random.Random(seed)
    columns = []
    for c in choices:
        strata = list(range(samples))
        rng.shuffle(strata)
        scale = Decimal(samples * _STRATUM_STEPS)
        columns.append(
            [
                c.at(Decimal(s * _STRATUM_STEPS + rng.randrange(_STRATUM_STEPS)) / scale)
                for s in strata
            ]
        )
    return [{c: columns[j][i] for j, c in enumerate(choices)} for i in range(samples)]


class _Scorer:
    """Scores the cohort under one run's values: compiles, rescales awards, evaluates."""

    def __init__(
        self,
        parsed: syntax.Ruleset,
        graph: EvaluationGraph,
        facts: Any,
        calendar: Calendar | None,
    ) -> None:
        self.parsed = parsed
        self.graph = graph
        self.calendar = calendar
        self.overrides = {p.name: p.value for p in graph.params if p.overridden}
        self.weight_params = _weight_params(parsed)
        self.literal_weight = sum(
            (c.weight.value for c in parsed.components if isinstance(c.weight, syntax.Literal)),
            ZERO,
        )
        self.facts = facts
        self.cohort = load_facts(facts, graph)
        self.cohorts: dict[tuple[tuple[str, str], ...], tuple[EvaluationGraph, Cohort]] = {}

    def standings(self, values: Mapping[Choice, Any]) -> list[Standing]:
        graph = self.compiled(values)
        cohort = self.cohort_for(graph)
        results = evaluate(graph, cohort, detail=False, calendar=self.calendar)
        return [(u.id, u.group, u.rank, u.grade) for u in results.units]

    def compiled(self, values: Mapping[Choice, Any]) -> EvaluationGraph:
        params = dict(self.overrides)
        readings = {r.name: r.alternative for r in self.graph.readings}
        factors: dict[str, Decimal] = {}
        for c, v in values.items():
            if c.kind == "param":
                params[c.name] = v
            elif c.kind == "reading":
                readings[c.name] = v
            else:
                factors[c.name] = v
        self.normalise(params)
        report = analyse(self.parsed, params, readings, cites=False)
        try:
            graph = compile_ruleset(self.parsed, report, self.graph.ruleset_hash)
        except CheckError as exc:
            shown = ", ".join(f"{c.name}={c.shown(v)}" for c, v in values.items())
            msg = _("the ruleset does not check under {shown}: {message}").format(
                shown=shown, message=exc.diagnostics[0].message
            )
            hint = _("narrow the declared ranges so that every combination checks")
            raise SensitivityError(
                Diagnostic("DR733", msg, file=self.graph.file, hint=hint)
            ) from None
        return _reweighted(graph, factors) if factors else graph

    def normalise(self, params: dict[str, Decimal]) -> None:
        """Component weights that are parameters, scaled to add up to 100% with the
        literal ones (each kept to 0.01%, the largest taking the remainder)."""
        names = [n for n in self.weight_params if n in params]
        if not names:
            return
        room = ONE - self.literal_weight
        total = sum((params[n] for n in names), ZERO)
        if total <= ZERO or room <= ZERO:
            return
        scaled = {n: divide(params[n] * room, total).quantize(_WEIGHT_PLACES) for n in names}
        largest = max(names, key=lambda n: scaled[n])
        scaled[largest] += room - sum(scaled.values(), ZERO)
        params.update(scaled)

    def cohort_for(self, graph: EvaluationGraph) -> Cohort:
        """The cohort validated for ``graph``'s readings, its awards on ``graph``'s scale."""
        key = tuple((r.name, r.alternative) for r in graph.readings)
        found = self.cohorts.get(key)
        if found is None:
            found = self.cohorts[key] = (graph, load_facts(self.facts, graph))
        base, cohort = found
        return _rescaled(cohort, base, graph)


def _weight_params(parsed: syntax.Ruleset) -> tuple[str, ...]:
    return tuple(c.weight.name for c in parsed.components if isinstance(c.weight, syntax.ParamRef))


def _reweighted(graph: EvaluationGraph, factors: Mapping[str, Decimal]) -> EvaluationGraph:
    """``graph`` with each component's weight times its factor, scaled back to 100%."""
    raw = {
        n.index: n.weight * factors.get(n.id, ONE)
        for n in graph.nodes
        if n.kind == "component" and n.weight is not None
    }
    total = sum(raw.values(), ZERO)
    weights = {i: divide(w, total) for i, w in raw.items()}
    nodes = tuple(
        attrs.evolve(n, weight=weights[n.index]) if n.index in weights else n for n in graph.nodes
    )
    return attrs.evolve(graph, nodes=nodes)


def _rescaled(cohort: Cohort, base: EvaluationGraph, graph: EvaluationGraph) -> Cohort:
    """``cohort`` with each ``awarded`` fact the same share of its item's points in
    ``graph`` as it was of the item's points in ``base``."""
    factors = {}
    for node in graph.nodes:
        if node.scoring != "item":
            continue
        was = base.nodes[base.by_id[node.id]].points if node.id in base.by_id else None
        if was is not None and was != node.points and was > ZERO:
            factors[node.id] = (node.points, was)
    if not factors:
        return cohort
    shares: dict[tuple[Decimal, str], Decimal] = {}  # a cohort's awards repeat a few values
    units = []
    for unit in cohort.units:
        facts = dict(unit.facts)
        for node_id, (points, was) in factors.items():
            given = facts.get(node_id)
            awarded = given.values.get("awarded") if given is not None else None
            if given is not None and isinstance(awarded, Decimal):
                share = shares.get((awarded, node_id))
                if share is None:
                    share = shares[awarded, node_id] = divide(awarded * points, was)
                facts[node_id] = given._replace(values={**given.values, "awarded": share})
        units.append(Unit(unit.id, unit.tags, facts, unit.name, unit.note))
    return attrs.evolve(cohort, units=tuple(units))
