"""Property-testing scoring behaviour with Hypothesis: strategies and one-call checks.

A ruleset author proves that a ruleset behaves without writing cases by hand::

    from hypothesis import given
    import disclosure_rules as dr
    from disclosure_rules import testing

    ruleset = dr.load("my-county-2021.dr")

    @given(testing.cohorts(ruleset))
    def test_my_ruleset_behaves(cohort):
        testing.check_all(ruleset, cohort)

Strategies: :func:`rulesets` (random valid rulesets covering every construct, as AST;
:func:`ruleset_texts` as text), :func:`unit_facts` (one unit's facts that fit a ruleset:
points in range, counts, rates, dates and records, N/A cells, unevidenced and news-only
claims, missing facts) and :func:`cohorts` (a facts document of several units).

Checks, each raising ``AssertionError`` with what failed: :func:`check_bounded`,
:func:`check_monotone`, :func:`check_na_consistency`, :func:`check_permutation`,
:func:`check_deterministic`, :func:`check_reconciles`, :func:`check_json_round_trip`,
and :func:`check_all`.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from ..api import Ruleset
from ..api import compile as compile_text
from ..decimals import ARITHMETIC, divide
from ..errors import Span
from ..evaluation.audit import reconcile, render_text
from ..evaluation.engine import Results
from ..language import syntax
from ..language.formatter import format_ruleset
from ..model.graph import DeadlineRule, EvaluationGraph, GraphNode
from ..model.rules import DeductLate, DeductMissing, DeductPer, Rate, RateOnTime

__all__ = [
    "check_all",
    "check_bounded",
    "check_deterministic",
    "check_json_round_trip",
    "check_monotone",
    "check_na_consistency",
    "check_permutation",
    "check_reconciles",
    "cohorts",
    "ruleset_texts",
    "rulesets",
    "unit_facts",
]

_SPAN = Span("<generated>", 1, 1)
_TAGS = ("township", "department", "farm", "教体局")
_NA_POLICIES = ("average", "group_average", "own_rate", "rescale", "redistribute")
_YEAR = dt.date(2020, 1, 1)
D = Decimal


def _lit(value: Decimal | int | str, percent: bool = False) -> syntax.Literal:
    return syntax.Literal(Decimal(value), _SPAN, percent)


def _cite(draw: st.DrawFn) -> syntax.Cite | None:
    return (
        syntax.Cite(draw(st.sampled_from(["原文", "附注:1.", "每件扣1", "“引号”\\n换行"])), _SPAN)
        if draw(st.booleans())
        else None
    )


# ====================================================================== rulesets


class _Ids:
    def __init__(self) -> None:
        self.n = itertools.count(1)

    def __call__(self, prefix: str) -> str:
        return f"{prefix}{next(self.n)}"


_POINTS = st.sampled_from([D(1), D(2), D(3), D("0.5"), D("1.5"), D(5), D(10)])


@st.composite
def _deadline(draw: st.DrawFn, end: str, start: str) -> syntax.Deadline:
    if draw(st.booleans()):
        by = _YEAR + dt.timedelta(days=draw(st.integers(30, 330)))
        return syntax.Deadline(end, _SPAN, by=by)
    unit = draw(st.sampled_from(["workdays", "days", "hours"]))
    amount = draw(st.integers(0 if unit == "days" else 1, 15))
    return syntax.Deadline(end, _SPAN, start, _lit(amount), unit)  # type: ignore[arg-type]


@st.composite
def _condition(draw: st.DrawFn, facts: _Facts) -> syntax.Condition:
    kind = draw(st.sampled_from(["compare", "truthy", "not", "met", "and", "or"]))
    if kind == "compare":
        return syntax.Compare(
            syntax.FactRef(None, facts.count(), _SPAN),
            draw(st.sampled_from([">", ">=", "<", "<=", "==", "!="])),
            _lit(draw(st.integers(1, 4))),
            _SPAN,
        )
    if kind == "truthy":
        return syntax.Truthy(syntax.FactRef(None, facts.flag(), _SPAN), _SPAN)
    if kind == "not":
        return syntax.Not(draw(_condition(facts)), _SPAN)
    if kind == "met":
        return syntax.Met(draw(_deadline(facts.date("end"), facts.date("start"))), _SPAN)
    parts = (draw(_condition(facts)), draw(_condition(facts)))
    return (syntax.AllOf if kind == "and" else syntax.AnyOf)(parts, _SPAN)


class _Facts:
    """Fresh fact names of one item, one per meaning, so no name has two meanings."""

    def __init__(self) -> None:
        self.n = itertools.count(1)
        self.dates: dict[str, str] = {}

    def count(self) -> str:
        return f"count{next(self.n)}"

    def flag(self) -> str:
        return f"flag{next(self.n)}"

    def date(self, role: str) -> str:
        # one end and one start per item: a relative deadline and a fixed one may share
        # END, and datetime vs date needs are merged by the checker
        return self.dates.setdefault(role, f"{role}_at")


@st.composite
def _rules(draw: st.DrawFn, points: Decimal) -> tuple[syntax.Rule, ...]:
    facts = _Facts()
    kind = draw(
        st.sampled_from(
            ["awarded", "all_or_nothing", "deductions", "rate", "records", "awarded_deduct"]
        )
    )
    rules: list[syntax.Rule] = []
    if kind == "awarded":
        return ()
    if kind == "all_or_nothing":
        return (syntax.Award("all_or_nothing", _SPAN, _cite(draw)),)
    if kind == "rate":
        if draw(st.booleans()):
            return (syntax.Rate(syntax.FactRef(None, "share", _SPAN), _SPAN, _cite(draw)),)
        return (
            syntax.RateOnTime("records", draw(_deadline("end_at", "start_at")), _SPAN, _cite(draw)),
        )
    if kind == "awarded_deduct":
        rules.append(syntax.Award("awarded", _SPAN))
    for _ in range(draw(st.integers(1, 3))):
        step = draw(st.sampled_from(["per", "missing", "when", "zero", "late"]))
        amount = _lit(draw(st.sampled_from([D("0.5"), D(1), D(2)])))
        if step == "per":
            cap = _lit(draw(st.integers(1, 3))) if draw(st.booleans()) else None
            rules.append(
                syntax.DeductPer(
                    amount, syntax.FactRef(None, facts.count(), _SPAN), _SPAN, cap, _cite(draw)
                )
            )
        elif step == "missing":
            rules.append(
                syntax.DeductMissing(
                    amount,
                    syntax.FactRef(None, facts.count(), _SPAN),
                    _lit(draw(st.integers(1, 8))),
                    _SPAN,
                    _cite(draw),
                )
            )
        elif step == "when":
            rules.append(syntax.DeductWhen(amount, draw(_condition(facts)), _SPAN, _cite(draw)))
        elif step == "zero":
            rules.append(syntax.ZeroWhen(draw(_condition(facts)), _SPAN, _cite(draw)))
        else:
            rules.append(
                syntax.DeductLate(
                    amount,
                    f"records{next(facts.n)}",
                    draw(_deadline("end_at", "start_at")),
                    _SPAN,
                    None,
                    _cite(draw),
                )
            )
    return tuple(rules)


@st.composite
def _node_props(
    draw: st.DrawFn, tags: tuple[str, ...], na_in_force: bool, leaf: bool
) -> tuple[syntax.NodeProps, bool]:
    na = None
    if draw(st.integers(0, 4)) == 0:
        policy = draw(st.sampled_from([p for p in _NA_POLICIES if p != "group_average" or tags]))
        na = syntax.NaPolicy(policy, _SPAN, tags if policy == "group_average" else (), _cite(draw))  # type: ignore[arg-type]
    applies = None
    if tags and (na_in_force or na is not None) and draw(st.integers(0, 3)) == 0:
        chosen = draw(st.lists(st.sampled_from(tags), min_size=1, max_size=len(tags), unique=True))
        applies = syntax.AppliesTo(tuple(chosen), _SPAN, _cite(draw))
    bounds: list[syntax.Bound] = []
    if leaf and draw(st.integers(0, 5)) == 0:
        bounds.append(syntax.Bound("floor", None, _SPAN, _cite(draw)))
    evidence: list[syntax.EvidencePolicy] = []
    if draw(st.integers(0, 6)) == 0:
        evidence.append(syntax.EvidencePolicy(draw(st.booleans()), _SPAN, (), _cite(draw)))
    props = syntax.NodeProps(
        owner=draw(st.sampled_from([None, "各部门", "教体局、医保局"])),
        remark=draw(st.sampled_from([None, "不参与考核的得平均分"])),
        applies_to=applies,
        not_applicable=na,
        evidence=tuple(evidence),
        bounds=tuple(bounds),
    )
    return props, na_in_force or na is not None


@st.composite
def _tree(
    draw: st.DrawFn, ids: _Ids, tags: tuple[str, ...], na_in_force: bool, depth: int
) -> syntax.Node:
    if depth <= 0 or draw(st.integers(0, 2)) == 0:
        points = draw(_POINTS)
        props, _ = draw(_node_props(tags, na_in_force, leaf=True))
        return syntax.Item(
            ids("i"),
            draw(st.sampled_from(["指标", "栏目更新", "item"])),
            _lit(points),
            _SPAN,
            draw(_rules(points)),
            props,
            _cite(draw),
        )
    props, na_in_force = draw(_node_props(tags, na_in_force, leaf=False))
    children = tuple(
        draw(_tree(ids, tags, na_in_force, depth - 1)) for _ in range(draw(st.integers(1, 3)))
    )
    total = sum((_points(c) for c in children), D(0))
    declared: syntax.Number | None = _lit(total)
    choice = draw(st.integers(0, 5))
    if choice == 0:
        declared = None  # no printed points: worth its parts
    elif choice == 1:  # a printed mismatch, settled explicitly
        mode = draw(st.sampled_from(["cap", "scale", "sum"]))
        declared = _lit(
            total + draw(st.sampled_from([D(-1), D(1), D(2)])) if total > 1 else total + 1
        )
        props = attrs.evolve(
            props,
            resolve=syntax.Resolve(mode, _SPAN, syntax.Cite("印刷分值不符", _SPAN)),  # type: ignore[arg-type]
        )
    elif choice == 2:
        props = attrs.evolve(props, bounds=(syntax.Bound("cap", _lit(total), _SPAN, None),))
    return syntax.Section(
        ids("s"),
        draw(st.sampled_from(["用权公开", "section"])),
        declared,
        _SPAN,
        children,
        (),
        props,
        _cite(draw),
    )


def _points(node: syntax.Node) -> Decimal:
    if isinstance(node, syntax.Bonus):
        return D(0)
    if isinstance(node, syntax.Section) and node.points is None:
        return sum((_points(c) for c in node.children), D(0))
    if (
        isinstance(node, syntax.Section)
        and node.props.resolve is not None
        and node.props.resolve.mode == "sum"
    ):
        return sum((_points(c) for c in node.children), D(0))
    assert isinstance(node.points, syntax.Literal)
    return node.points.value


@st.composite
def rulesets(draw: st.DrawFn, max_depth: int = 3) -> syntax.Ruleset:
    """Random valid rulesets (as AST) that use every construct of the language."""
    ids = _Ids()
    tags = tuple(draw(st.lists(st.sampled_from(_TAGS), max_size=3, unique=True)))
    na = None
    if draw(st.booleans()):
        chosen = draw(st.sampled_from([p for p in _NA_POLICIES if p != "group_average" or tags]))
        na = syntax.NaPolicy(
            chosen,  # type: ignore[arg-type]
            _SPAN,
            tags if chosen == "group_average" else (),
            _cite(draw),
        )
    evidence: tuple[syntax.EvidencePolicy, ...] = ()
    if draw(st.booleans()):
        evidence = (
            syntax.EvidencePolicy(True, _SPAN, (), _cite(draw)),
            syntax.EvidencePolicy(None, _SPAN, ("news",), _cite(draw)),
        )
    policy = syntax.NodeProps(
        not_applicable=na,
        evidence=evidence,
        bounds=(syntax.Bound("floor", _lit(0), _SPAN, _cite(draw)),),
    )

    def trees(n: int) -> tuple[syntax.Node, ...]:
        return tuple(draw(_tree(ids, tags, na is not None, max_depth)) for _ in range(n))

    def bonus() -> tuple[syntax.Node, ...]:
        if draw(st.integers(0, 3)) != 0:
            return ()
        return (syntax.Bonus(ids("b"), "特色工作", _lit(draw(st.integers(1, 5))), _SPAN),)

    params: list[syntax.Param] = []
    components: list[syntax.Component] = []
    children: tuple[syntax.Node, ...] = ()
    if draw(st.booleans()):
        count = draw(st.integers(1, 3))
        cuts = sorted(
            draw(st.lists(st.integers(1, 99), min_size=count - 1, max_size=count - 1, unique=True))
        )
        weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
        for w in weights:
            kind = draw(st.sampled_from(["tree", "tree", "direct", "survey"]))
            weight = _lit(D(w) / 100, percent=True)
            if kind == "direct":
                components.append(
                    syntax.Component(
                        ids("c"),
                        "过程测评",
                        weight,
                        _SPAN,
                        direct=syntax.DirectScore(_lit(0), _lit(100), _SPAN),
                    )
                )
            elif kind == "survey":
                components.append(
                    syntax.Component(
                        ids("c"),
                        "社会评议",
                        weight,
                        _SPAN,
                        survey=syntax.Survey(
                            (
                                syntax.Answer("满意", _lit(1), _SPAN),
                                syntax.Answer("基本满意", _lit("0.6"), _SPAN),
                                syntax.Answer("不满意", _lit(0), _SPAN),
                            ),
                            (
                                syntax.Outcome("满意", _lit("0.9", True), _SPAN),
                                syntax.Outcome("基本满意", _lit("0.6", True), _SPAN),
                                syntax.Outcome("不满意", None, _SPAN),
                            ),
                            _SPAN,
                        ),
                    )
                )
            else:
                components.append(
                    syntax.Component(
                        ids("c"),
                        "工作评估",
                        weight,
                        _SPAN,
                        children=trees(draw(st.integers(1, 3))) + bonus(),
                    )
                )
    else:
        children = trees(draw(st.integers(1, 4))) + bonus()
        if draw(st.booleans()):
            params.append(syntax.Param("bonus_points", _lit(2), "假定的分值", _SPAN, assumed=True))
            children += (
                syntax.Item(ids("p"), "参数分值", syntax.ParamRef("bonus_points", _SPAN), _SPAN),
            )
    grades = None
    if draw(st.booleans()):
        quota = _lit("0.3", True) if draw(st.booleans()) else None
        grades = syntax.Grades(
            (
                syntax.Grade("优秀", _lit(90), _SPAN, quota),
                syntax.Grade("良好", _lit(80), _SPAN),
                syntax.Grade("合格", _lit(60), _SPAN),
                syntax.Grade("不合格", None, _SPAN),
            ),
            _SPAN,
        )
    vetoes: tuple[syntax.Veto, ...] = ()
    if draw(st.integers(0, 3)) == 0:
        vetoes = (
            syntax.Veto(
                ids("v"),
                "发生泄密事件",
                syntax.Compare(syntax.FactRef(None, "leaks", _SPAN), ">", _lit(0), _SPAN),
                _SPAN,
                "不合格" if grades else None,
                _lit(59) if draw(st.booleans()) or not grades else None,
            ),
        )
    conversions = (
        (syntax.Conversion(ids("k"), "年度绩效考核", _lit(4), _SPAN),)
        if draw(st.booleans())
        else ()
    )
    return syntax.Ruleset(
        id=f"generated-{draw(st.integers(1, 999))}",
        span=_SPAN,
        title="生成的考评方案",
        issuer=draw(st.sampled_from([None, "某县人民政府办公室"])),
        issued=draw(st.sampled_from([None, dt.date(2021, 1, 12)])),
        params=tuple(params),
        policy=policy,
        tags=tags,
        components=tuple(components),
        children=children,
        grades=grades,
        vetoes=vetoes,
        conversions=conversions,
    )


def ruleset_texts(max_depth: int = 3) -> st.SearchStrategy[str]:
    """Random valid rulesets as text (formatted)."""
    return rulesets(max_depth).map(format_ruleset)


def compiled(max_depth: int = 3) -> st.SearchStrategy[Ruleset]:
    """Random valid rulesets, compiled."""
    return ruleset_texts(max_depth).map(lambda text: compile_text(text, file="<generated>"))


# ====================================================================== facts


def _graph(ruleset: Ruleset | EvaluationGraph) -> EvaluationGraph:
    return ruleset.graph if isinstance(ruleset, Ruleset) else ruleset


@st.composite
def _dates(draw: st.DrawFn, deadline: DeadlineRule, kinds: dict[str, str]) -> dict[str, Any]:
    timed = any(kinds.get(f) == "datetime" for f in (deadline.end, deadline.start or ""))
    fmt = "%Y-%m-%d %H:%M" if timed else "%Y-%m-%d"
    if deadline.by is not None:
        end = dt.datetime.combine(deadline.by, dt.time(9)) + dt.timedelta(
            days=draw(st.integers(-20, 20))
        )
        return {deadline.end: end.strftime(fmt)}
    start = dt.datetime(2020, 1, 2, 9) + dt.timedelta(
        days=draw(st.integers(0, 300)), hours=draw(st.integers(0, 8))
    )
    late = draw(st.integers(0, 40))
    end = start + (
        dt.timedelta(hours=late) if deadline.unit == "hours" else dt.timedelta(days=late)
    )
    done = draw(st.integers(0, 9)) > 0
    return {
        deadline.start or "": start.strftime(fmt),
        deadline.end: end.strftime(fmt) if done else None,
    }


_EVIDENCE = st.lists(
    st.one_of(
        st.just("https://example.gov.cn/gk/1"),
        st.just("证明材料.pdf"),
        st.just({"ref": "https://example.gov.cn/news/1", "kind": "news"}),
        st.just({"ref": "县司法局证明.pdf", "kind": "certificate"}),
    ),
    max_size=2,
)


@st.composite
def unit_facts(
    draw: st.DrawFn,
    ruleset: Ruleset | EvaluationGraph,
    tags: frozenset[str] = frozenset(),
    allow_missing: bool = True,
) -> dict[str, Any]:
    """One unit's facts that fit ``ruleset``: every value valid, some cells N/A,
    unevidenced or news-only, and (with ``allow_missing``) some facts missing."""
    g = _graph(ruleset)
    facts: dict[str, Any] = {}
    for node in g.nodes:
        if node.scoring not in ("item", "direct", "survey"):
            continue
        if node.applies_to is not None and not node.applies_to & tags:
            continue
        if allow_missing and draw(st.integers(0, 15)) == 0:
            continue
        if node.scoring == "direct":
            low, high = node.direct_range or (D(0), node.points)
            facts[node.id] = str(draw(st.decimals(low, high, places=1)))
            continue
        if node.scoring == "survey":
            facts[node.id] = {name: draw(st.integers(0, 40)) for name, _ in node.answers}
            continue
        if node.na is not None and draw(st.integers(0, 6)) == 0:
            facts[node.id] = "n/a"
            continue
        kinds = dict(node.fields)
        cell: dict[str, Any] = {}
        for field, kind in kinds.items():
            if field == "awarded":
                halves = int(node.points * 2)
                cell[field] = str(D(draw(st.integers(0, halves))) / 2)
            elif kind == "bool":
                cell[field] = draw(st.booleans())
            elif kind == "count":
                cell[field] = draw(st.integers(0, 6))
            elif kind == "rate":
                cell[field] = str(draw(st.decimals(0, 1, places=2)))
            elif kind == "number":
                cell[field] = draw(st.integers(0, 20))
        for clause in node.clauses:
            if isinstance(clause, DeductMissing):
                cell[clause.fact] = draw(st.integers(0, int(clause.of)))
        record_kinds = {name: dict(fields) for name, fields in node.record_fields}
        for records, deadline in node.deadlines():
            if records is None:
                cell.update(draw(_dates(deadline, kinds)))
            else:
                cell[records] = [
                    draw(_dates(deadline, record_kinds.get(records, {})))
                    for _ in range(draw(st.integers(0, 3)))
                ]
        cell["evidence"] = draw(_EVIDENCE)
        facts[node.id] = cell
    for veto in g.vetoes:
        schema = g.fact_schema.get(veto.id, {})
        facts[veto.id] = {
            f: (draw(st.booleans()) if k == "bool" else draw(st.integers(0, 1)))
            for f, k in schema.items()
        }
    return facts


@st.composite
def cohorts(
    draw: st.DrawFn,
    ruleset: Ruleset | EvaluationGraph,
    min_units: int = 1,
    max_units: int = 6,
    allow_missing: bool = True,
) -> dict[str, Any]:
    """A facts document of ``min_units``..``max_units`` units fitting ``ruleset``."""
    g = _graph(ruleset)
    count = draw(st.integers(min_units, max_units))
    units = []
    for i in range(count):
        tags = (
            frozenset(draw(st.lists(st.sampled_from(g.tags), max_size=2, unique=True)))
            if g.tags
            else frozenset()
        )
        units.append(
            {
                "id": f"单位{i + 1}",
                "tags": sorted(tags),
                "facts": draw(unit_facts(g, tags, allow_missing)),
            }
        )
    return {"description": "hypothesis-generated", "units": units}


# ====================================================================== checks


def _evaluate(ruleset: Ruleset, cohort: dict[str, Any]) -> Results:
    return ruleset.evaluate(copy.deepcopy(cohort))


def check_reconciles(ruleset: Ruleset, cohort: dict[str, Any]) -> None:
    """Every unit's audit adds up (see :func:`disclosure_rules.reconcile`)."""
    problems = _evaluate(ruleset, cohort).reconcile()
    assert not problems, "the audit does not reconcile:\n" + "\n".join(problems[:10])


def check_bounded(ruleset: Ruleset, cohort: dict[str, Any]) -> None:
    """Every node within its floor and cap (plus bonuses on top); totals in range."""
    results = _evaluate(ruleset, cohort)
    g = results.graph
    for unit in results.units:
        for node in g.nodes:
            score = unit.score(node.id)
            bonus = sum(
                (g.nodes[c].points for c in node.children if g.nodes[c].kind == "bonus"), D(0)
            )
            if node.floor.value is not None:
                assert score >= node.floor.value, (
                    f"unit {unit.id}: node {node.id} scored {score}, below its floor "
                    f"{node.floor.value}"
                )
            cap = node.cap.value if node.cap.value is not None else node.points
            assert score <= cap + bonus, (
                f"unit {unit.id}: node {node.id} scored {score}, above its cap {cap}"
                + (f" and {bonus} of bonuses" if bonus else "")
            )


def _mutations(
    cohort: dict[str, Any], g: EvaluationGraph
) -> Iterator[tuple[str, str, Callable[[dict[str, Any]], None], int]]:
    """(unit, description, change, direction): direction -1 means the unit's total must
    not rise, +1 that it must not fall."""
    for unit in cohort["units"]:
        uid = unit["id"]
        for node_id, cell in unit["facts"].items():
            if not isinstance(cell, dict) or node_id not in g.by_id:
                continue
            node = g.node(node_id)
            for clause in node.clauses:
                if isinstance(clause, DeductPer | DeductMissing | Rate):
                    field = clause.fact
                elif isinstance(clause, DeductLate | RateOnTime):
                    field = clause.records
                else:
                    continue
                if isinstance(clause, DeductPer) and field in cell:

                    def more(
                        doc: dict[str, Any], u: str = uid, n: str = node_id, f: str = field
                    ) -> None:
                        _cell(doc, u, n)[f] += 1

                    yield uid, f"one more {node_id}.{field}", more, -1
                if isinstance(clause, DeductMissing) and field in cell and cell[field] < clause.of:

                    def present(
                        doc: dict[str, Any], u: str = uid, n: str = node_id, f: str = field
                    ) -> None:
                        _cell(doc, u, n)[f] += 1

                    yield uid, f"one more present {node_id}.{field}", present, +1
                if isinstance(clause, DeductLate | RateOnTime) and field in cell and cell[field]:
                    end = clause.deadline.end

                    def later(
                        doc: dict[str, Any],
                        u: str = uid,
                        n: str = node_id,
                        f: str = field,
                        e: str = end,
                    ) -> None:
                        record = _cell(doc, u, n)[f][0]
                        record[e] = _shift(record.get(e), 5)

                    yield uid, f"a later {node_id}.{field}[1].{end}", later, -1
            if node.scoring == "item" and "evidence" in cell:

                def more_evidence(doc: dict[str, Any], u: str = uid, n: str = node_id) -> None:
                    _cell(doc, u, n)["evidence"].append("https://example.gov.cn/gk/more")

                yield uid, f"more evidence for {node_id}", more_evidence, +1


def _cell(doc: dict[str, Any], uid: str, node_id: str) -> dict[str, Any]:
    unit = next(u for u in doc["units"] if u["id"] == uid)
    cell: dict[str, Any] = unit["facts"][node_id]
    return cell


def _shift(text: str | None, days: int) -> str | None:
    if text is None:
        return None
    fmt = "%Y-%m-%d %H:%M" if " " in text else "%Y-%m-%d"
    return (dt.datetime.strptime(text, fmt) + dt.timedelta(days=days)).strftime(fmt)


def check_monotone(ruleset: Ruleset, cohort: dict[str, Any], limit: int = 12) -> None:
    """More incidents, fewer elements present or later deliveries never raise a unit's
    total; more evidence never lowers it. Tries up to ``limit`` changes."""
    base = _evaluate(ruleset, cohort)
    totals = {u.id: u.total for u in base.units}
    for uid, what, change, direction in itertools.islice(_mutations(cohort, ruleset.graph), limit):
        changed = copy.deepcopy(cohort)
        change(changed)
        after = _evaluate(ruleset, changed).unit(uid).total
        if direction < 0:
            assert after <= totals[uid], (
                f"unit {uid}: {what} raised its total {totals[uid]} → {after}"
            )
        else:
            assert after >= totals[uid], (
                f"unit {uid}: {what} lowered its total {totals[uid]} → {after}"
            )


def check_na_consistency(ruleset: Ruleset, cohort: dict[str, Any]) -> None:
    """Each N/A cell is what its named policy says it is."""
    results = _evaluate(ruleset, cohort)
    g = results.graph
    units = results.units
    for node in g.nodes:
        if node.na is None:
            continue
        cells = [u for u in units if u.node(node.id).status == "na"]
        if not cells:
            continue
        assessed = [u for u in units if u.node(node.id).status not in ("na", "skipped")]
        for unit in cells:
            got = unit.node(node.id)
            policy = node.na.policy
            entries = [e for e in got.entries if e.kind == "na"]
            assert entries and entries[-1].rule == policy, (
                f"unit {unit.id}: N/A cell {node.id} does not record its policy {policy}"
            )
            if policy in ("rescale", "redistribute") or node.kind == "bonus":
                assert got.score == 0, f"unit {unit.id}: {policy} N/A cell {node.id} is not 0"
                continue
            inputs = entries[-1].inputs or {}
            if "component_score" in inputs:  # nothing to average or no sibling: own rate
                expected = (
                    divide(node.points * inputs["component_score"], inputs["component_max"])
                    if inputs["component_max"]
                    else D(0)
                )
            elif policy == "own_rate":
                expected = divide(node.points * inputs["siblings_score"], inputs["siblings_max"])
            elif policy == "average" or inputs.get("of") == "the cohort":
                expected = _mean([u.score(node.id) for u in assessed])
            else:
                over = node.na.over
                group = next((t for t in over if t in unit.tags), None)
                members = [
                    u for u in assessed if next((t for t in over if t in u.tags), None) == group
                ]
                expected = _mean([u.score(node.id) for u in members])
            expected = _clamped(node, expected)
            assert got.score == expected, (
                f"unit {unit.id}: N/A cell {node.id} ({policy}) is {got.score}, expected {expected}"
            )


def _clamped(node: GraphNode, value: Decimal) -> Decimal:
    """An N/A cell's value stays within its node's cap and floor."""
    if node.cap.value is not None:
        value = min(value, node.cap.value)
    if node.floor.value is not None:
        value = max(value, node.floor.value)
    return value


def _mean(values: list[Decimal]) -> Decimal:
    with_context = ARITHMETIC.create_decimal
    return divide(sum(values, with_context(0)), D(len(values)))


def check_permutation(ruleset: Ruleset, cohort: dict[str, Any], seed: int = 0) -> None:
    """Reordering the units changes no score, rank or grade."""
    before = {u.id: (u.total, u.rank, u.grade) for u in _evaluate(ruleset, cohort).units}
    shuffled = copy.deepcopy(cohort)
    random.Random(seed).shuffle(shuffled["units"])
    after = {u.id: (u.total, u.rank, u.grade) for u in _evaluate(ruleset, shuffled).units}
    assert before == after, "reordering the units changed results: " + ", ".join(
        f"{k}: {before[k]} → {after[k]}" for k in before if before[k] != after.get(k)
    )


def check_deterministic(ruleset: Ruleset, cohort: dict[str, Any]) -> None:
    """The same inputs give byte-identical JSON."""
    first = _evaluate(ruleset, cohort).to_json()
    second = _evaluate(ruleset, cohort).to_json()
    assert first == second, "two runs on the same inputs gave different JSON"


def check_json_round_trip(ruleset: Ruleset, cohort: dict[str, Any]) -> None:
    """The JSON results reconcile on their own and explain exactly as the live results."""
    results = _evaluate(ruleset, cohort)
    data = json.loads(results.to_json())
    for unit in data["units"]:
        assert reconcile(unit) == [], f"unit {unit['id']}: stored JSON does not reconcile"
        assert render_text(unit, data["ruleset"]) == results.explain(unit["id"]), (
            f"unit {unit['id']}: explaining the stored JSON differs from the live results"
        )


def check_all(ruleset: Ruleset, cohort: dict[str, Any]) -> None:
    """Every check above."""
    check_reconciles(ruleset, cohort)
    check_bounded(ruleset, cohort)
    check_monotone(ruleset, cohort)
    check_na_consistency(ruleset, cohort)
    check_permutation(ruleset, cohort)
    check_deterministic(ruleset, cohort)
    check_json_round_trip(ruleset, cohort)
