"""Hypothesis strategies for rulesets: random valid rulesets using every construct.

The generating half of :mod:`disclosure_rules.testing` (the checking half is
:mod:`.checks`). :func:`rulesets` draws valid rulesets as syntax trees using every
construct of the language, :func:`ruleset_texts` formats them, :func:`compiled`
compiles them, :func:`readings` picks alternatives of their readings; :mod:`.facts`
draws facts that fit a compiled ruleset. Every new construct of the language extends
the strategies here.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Literal, assert_never

import attrs
from hypothesis import strategies as st

from ..api import Ruleset
from ..api import compile as compile_text
from ..errors import Span
from ..language import syntax
from ..language.formatter import format_ruleset

__all__ = ["compiled", "readings", "ruleset_texts", "rulesets"]

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


def _assumption(draw: st.DrawFn) -> syntax.Assumption | None:
    """Sometimes ``assumed "why"``, with or without the passage it rests on."""
    if draw(st.integers(0, 3)):
        return None
    return syntax.Assumption("原文未载明", _SPAN, _cite(draw))


# ---------------------------------------------------------------- rulesets


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


ConditionKind = Literal["compare", "truthy", "not", "met", "and", "or"]
_CONDITION_KINDS: tuple[ConditionKind, ...] = ("compare", "truthy", "not", "met", "and", "or")


@st.composite
def _condition(draw: st.DrawFn, facts: _Facts) -> syntax.Condition:
    kind = draw(st.sampled_from(_CONDITION_KINDS))
    match kind:
        case "compare":
            return syntax.Compare(
                syntax.FactRef(None, facts.count(), _SPAN),
                draw(st.sampled_from([">", ">=", "<", "<=", "==", "!="])),
                _lit(draw(st.integers(1, 4))),
                _SPAN,
            )
        case "truthy":
            return syntax.Truthy(syntax.FactRef(None, facts.flag(), _SPAN), _SPAN)
        case "not":
            return syntax.Not(draw(_condition(facts)), _SPAN)
        case "met":
            return syntax.Met(draw(_deadline(facts.date("end"), facts.date("start"))), _SPAN)
        case "and" | "or":
            parts = (draw(_condition(facts)), draw(_condition(facts)))
            return (syntax.AllOf if kind == "and" else syntax.AnyOf)(parts, _SPAN)
        case _:
            assert_never(kind)


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


ItemKind = Literal["awarded", "all_or_nothing", "deductions", "rate", "records", "awarded_deduct"]
_ITEM_KINDS: tuple[ItemKind, ...] = (
    "awarded",
    "all_or_nothing",
    "deductions",
    "rate",
    "records",
    "awarded_deduct",
)
StepKind = Literal["per", "missing", "when", "zero", "late"]
_STEP_KINDS: tuple[StepKind, ...] = ("per", "missing", "when", "zero", "late")


@st.composite
def _rules(draw: st.DrawFn, points: Decimal) -> tuple[syntax.Rule, ...]:
    """The scoring rules of one item: its base (awarded, all or nothing, rate) and steps."""
    facts = _Facts()
    kind = draw(st.sampled_from(_ITEM_KINDS))
    match kind:
        case "awarded":
            return ()
        case "all_or_nothing":
            return (syntax.Award("all_or_nothing", _SPAN, _cite(draw)),)
        case "rate":
            if draw(st.booleans()):
                return (syntax.Rate(syntax.FactRef(None, "share", _SPAN), _SPAN, _cite(draw)),)
            deadline = draw(_deadline("end_at", "start_at"))
            return (syntax.RateOnTime("records", deadline, _SPAN, _cite(draw)),)
        case "awarded_deduct":
            base: tuple[syntax.Rule, ...] = (syntax.Award("awarded", _SPAN),)
        case "deductions" | "records":
            base = ()
        case _:
            assert_never(kind)
    steps = tuple(draw(_step(facts)) for _ in range(draw(st.integers(1, 3))))
    return base + steps


@st.composite
def _step(draw: st.DrawFn, facts: _Facts) -> syntax.Rule:
    """One deduction step of an item."""
    step = draw(st.sampled_from(_STEP_KINDS))
    amount = _lit(draw(st.sampled_from([D("0.5"), D(1), D(2)])))
    match step:
        case "per":
            cap = _lit(draw(st.integers(1, 3))) if draw(st.booleans()) else None
            fact = syntax.FactRef(None, facts.count(), _SPAN)
            return syntax.DeductPer(amount, fact, _SPAN, cap, _cite(draw))
        case "missing":
            fact = syntax.FactRef(None, facts.count(), _SPAN)
            of = _lit(draw(st.integers(1, 8)))
            return syntax.DeductMissing(amount, fact, of, _SPAN, _cite(draw))
        case "when":
            return syntax.DeductWhen(amount, draw(_condition(facts)), _SPAN, _cite(draw))
        case "zero":
            return syntax.ZeroWhen(draw(_condition(facts)), _SPAN, _cite(draw))
        case "late":
            records = f"records{next(facts.n)}"
            deadline = draw(_deadline("end_at", "start_at"))
            return syntax.DeductLate(amount, records, deadline, _SPAN, None, _cite(draw))
        case _:
            assert_never(step)


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
    if draw(st.integers(0, 6)) == 0:
        evidence.append(draw(_evidence_needs()))
    statement = None
    if (na_in_force or na is not None) and draw(st.integers(0, 3)) == 0:
        statement = syntax.StatementRequired(_SPAN, _cite(draw))
    props = syntax.NodeProps(
        owner=draw(st.sampled_from([None, "各部门", "教体局、医保局"])),
        remark=draw(st.sampled_from([None, "不参与考核的得平均分", "未有行政执法权的做出说明"])),
        applies_to=applies,
        not_applicable=na,
        evidence=tuple(evidence),
        bounds=tuple(bounds),
        na_statement=statement,
    )
    return props, na_in_force or na is not None


_KIND_SETS = st.sampled_from(
    [
        (("link", "screenshot"),),
        (("link", "screenshot"), ("certificate",)),
        (("link",), ("screenshot",)),
        (("screenshot",),),
    ]
)
SUBMISSION_DEADLINE = dt.date(2021, 1, 20)
"""The day the generated evidence deadlines fall on (``evidence submitted by``)."""


@st.composite
def _evidence_needs(draw: st.DrawFn) -> syntax.EvidencePolicy:
    """``evidence requires KINDS`` or ``evidence submitted by DATE``."""
    if draw(st.booleans()):
        return syntax.EvidencePolicy(None, _SPAN, (), _cite(draw), kinds=draw(_KIND_SETS))
    return syntax.EvidencePolicy(None, _SPAN, (), _cite(draw), by=SUBMISSION_DEADLINE)


def _records_read(rules: tuple[syntax.Rule, ...]) -> list[str]:
    return [r.records for r in rules if isinstance(r, syntax.RateOnTime | syntax.DeductLate)]


@st.composite
def _empty_records(
    draw: st.DrawFn, rules: tuple[syntax.Rule, ...], na_in_force: bool
) -> tuple[syntax.EmptyRecords, ...]:
    """What an empty list means, for some of the lists the item's rules read."""
    meanings = ["full", "zero", *(["not_applicable"] if na_in_force else [])]
    return tuple(
        syntax.EmptyRecords(records, draw(st.sampled_from(meanings)), _SPAN, _cite(draw))
        for records in dict.fromkeys(_records_read(rules))
        if draw(st.booleans())
    )


@st.composite
def _tree(
    draw: st.DrawFn, ids: _Ids, tags: tuple[str, ...], na_in_force: bool, depth: int
) -> syntax.Node:
    if depth <= 0 or draw(st.integers(0, 2)) == 0:
        points = draw(_POINTS)
        props, na_here = draw(_node_props(tags, na_in_force, leaf=True))
        assumption = _assumption(draw)
        rules = draw(_rules(points))
        props = attrs.evolve(props, empty=draw(_empty_records(rules, na_here)))
        return syntax.Item(
            ids("i"),
            draw(st.sampled_from(["指标", "栏目更新", "item"])),
            _lit(points),
            _SPAN,
            rules,
            props,
            assumption.cite if assumption is not None else _cite(draw),
            assumption=assumption,
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
def _policy(draw: st.DrawFn, tags: tuple[str, ...]) -> syntax.NodeProps:
    """The ruleset-wide policy: an N/A policy and evidence rules, maybe; a floor at 0."""
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
        needs = draw(st.lists(_evidence_needs(), max_size=2))
        evidence += tuple(needs)
    statement = None
    if na is not None and draw(st.booleans()):
        statement = syntax.StatementRequired(_SPAN, _cite(draw))
    return syntax.NodeProps(
        not_applicable=na,
        evidence=evidence,
        bounds=(syntax.Bound("floor", _lit(0), _SPAN, _cite(draw)),),
        na_statement=statement,
        when=draw(_floor_reading_blocks()),
    )


_FLOOR_READING = syntax.Reading(
    "floor_scope",
    "扣完即止",
    (
        syntax.Alternative("per_item", "每项最低0分", _SPAN),
        syntax.Alternative("whole", "扣分穿过各项,只在总分处最低0分", _SPAN),
    ),
    _SPAN,
    "per_item",
)
"""The reading some generated rulesets declare: where deductions stop."""


@st.composite
def _floor_reading_blocks(draw: st.DrawFn) -> tuple[syntax.When, ...]:
    """No reading, or the policy's blocks for :data:`_FLOOR_READING`'s alternatives."""
    if draw(st.integers(0, 3)) != 0:
        return ()
    per_item = syntax.NodeProps(bounds=(syntax.Bound("floor", _lit(0), _SPAN, None, below=True),))
    whole = syntax.NodeProps(bounds=(syntax.Bound("floor", None, _SPAN, None, below=True),))
    return (
        syntax.When("floor_scope", "per_item", _SPAN, per_item),
        syntax.When("floor_scope", "whole", _SPAN, whole),
    )


_SURVEY = syntax.Survey(
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
)

ComponentKind = Literal["tree", "direct", "survey"]
_COMPONENT_KINDS: tuple[ComponentKind, ...] = ("tree", "tree", "direct", "survey")


class _Trees:
    """Draws the scored trees of one ruleset: its ids, tags and N/A policy in force."""

    def __init__(self, draw: st.DrawFn, tags: tuple[str, ...], na: bool, depth: int) -> None:
        self.draw = draw
        self.ids = _Ids()
        self.tags = tags
        self.na = na
        self.depth = depth

    def trees(self, n: int) -> tuple[syntax.Node, ...]:
        draw = self.draw
        return tuple(draw(_tree(self.ids, self.tags, self.na, self.depth)) for _ in range(n))

    def bonus(self) -> tuple[syntax.Node, ...]:
        if self.draw(st.integers(0, 3)) != 0:
            return ()
        points = _lit(self.draw(st.integers(1, 5)))
        return (syntax.Bonus(self.ids("b"), "特色工作", points, _SPAN),)

    def components(self) -> tuple[syntax.Component, ...]:
        """Components with weights adding up to 100%."""
        draw = self.draw
        count = draw(st.integers(1, 3))
        cuts = sorted(
            draw(st.lists(st.integers(1, 99), min_size=count - 1, max_size=count - 1, unique=True))
        )
        weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
        return tuple(self.component(_lit(D(w) / 100, percent=True)) for w in weights)

    def component(self, weight: syntax.Literal) -> syntax.Component:
        kind = self.draw(st.sampled_from(_COMPONENT_KINDS))
        match kind:
            case "direct":
                score = syntax.DirectScore(_lit(0), _lit(100), _SPAN)
                return syntax.Component(self.ids("c"), "过程测评", weight, _SPAN, direct=score)
            case "survey":
                return syntax.Component(self.ids("c"), "社会评议", weight, _SPAN, survey=_SURVEY)
            case "tree":
                cid = self.ids("c")
                children = self.trees(self.draw(st.integers(1, 3))) + self.bonus()
                return syntax.Component(cid, "工作评估", weight, _SPAN, children=children)
            case _:
                assert_never(kind)

    def vetoes(self, grades: syntax.Grades | None) -> tuple[syntax.Veto, ...]:
        draw = self.draw
        if draw(st.integers(0, 3)) != 0:
            return ()
        condition = syntax.Compare(syntax.FactRef(None, "leaks", _SPAN), ">", _lit(0), _SPAN)
        return (
            syntax.Veto(
                self.ids("v"),
                "发生泄密事件",
                condition,
                _SPAN,
                "不合格" if grades else None,
                _lit(59) if draw(st.booleans()) or not grades else None,
            ),
        )


@st.composite
def _grades(draw: st.DrawFn) -> syntax.Grades | None:
    if not draw(st.booleans()):
        return None
    quota = _lit("0.3", True) if draw(st.booleans()) else None
    return syntax.Grades(
        (
            syntax.Grade("优秀", _lit(90), _SPAN, quota),
            syntax.Grade("良好", _lit(80), _SPAN),
            syntax.Grade("合格", _lit(60), _SPAN),
            syntax.Grade("不合格", None, _SPAN),
        ),
        _SPAN,
    )


@st.composite
def rulesets(draw: st.DrawFn, max_depth: int = 3) -> syntax.Ruleset:
    """Random valid rulesets (as AST) that use every construct of the language."""
    tags = tuple(draw(st.lists(st.sampled_from(_TAGS), max_size=3, unique=True)))
    policy = draw(_policy(tags))
    make = _Trees(draw, tags, policy.not_applicable is not None, max_depth)
    params: tuple[syntax.Param, ...] = ()
    components: tuple[syntax.Component, ...] = ()
    children: tuple[syntax.Node, ...] = ()
    if draw(st.booleans()):
        components = make.components()
    else:
        children = make.trees(draw(st.integers(1, 4))) + make.bonus()
        if draw(st.booleans()):
            params = (syntax.Param("bonus_points", _lit(2), "假定的分值", _SPAN, assumed=True),)
            points = syntax.ParamRef("bonus_points", _SPAN)
            children += (syntax.Item(make.ids("p"), "参数分值", points, _SPAN),)
    grades = draw(_grades())
    vetoes = make.vetoes(grades)
    conversions = (
        (syntax.Conversion(make.ids("k"), "年度绩效考核", _lit(4), _SPAN),)
        if draw(st.booleans())
        else ()
    )
    return syntax.Ruleset(
        id=f"generated-{draw(st.integers(1, 999))}",
        span=_SPAN,
        title="生成的考评方案",
        readings=(_FLOOR_READING,) if policy.when else (),
        issuer=draw(st.sampled_from([None, "某县人民政府办公室"])),
        issued=draw(st.sampled_from([None, dt.date(2021, 1, 12)])),
        params=params,
        policy=policy,
        tags=tags,
        tag_titles=tuple((t, f"{t}单位") for t in tags if draw(st.booleans())),
        components=components,
        children=children,
        grades=grades,
        vetoes=vetoes,
        conversions=conversions,
    )


def ruleset_texts(max_depth: int = 3) -> st.SearchStrategy[str]:
    """Random valid rulesets as text (formatted)."""
    return rulesets(max_depth).map(format_ruleset)


@st.composite
def compiled(draw: st.DrawFn, max_depth: int = 3) -> Ruleset:
    """Random valid rulesets, compiled under any alternative of each of their readings."""
    text = draw(ruleset_texts(max_depth))
    ruleset = compile_text(text, file="<generated>")
    choice = draw(readings(ruleset))
    return compile_text(text, file="<generated>", readings=choice) if choice else ruleset


def readings(ruleset: Ruleset) -> st.SearchStrategy[dict[str, str]]:
    """A selection of readings for ``ruleset``: each of its readings at any of its
    alternatives (``{}`` for a ruleset without readings)."""
    return st.fixed_dictionaries(
        {r.name: st.sampled_from([name for name, _, _ in r.alternatives]) for r in ruleset.readings}
    )
