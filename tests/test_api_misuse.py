"""The Python API's exception contract, call by call (docs/api.md, “Exceptions”).

Each misuse of a public function or method raises only a documented type: a
``DisclosureRulesError`` subclass, or a ``TypeError``/``ValueError`` whose message
names the argument, raised where the argument enters the library (its public
function or method, or Python's own call of it), never from deep inside.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import disclosure_rules as dr
from disclosure_rules import testing
from disclosure_rules.testing import cases

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
Y = "yifeng-2020-townships"
FACTS = EXAMPLES / f"{Y}.facts.json"
TEXT = 'ruleset t {\n  title "t"\n  section s "s" 2 {\n    item a "a" 2\n  }\n}\n'

RULESET = dr.load(Y)
RESULTS = RULESET.evaluate(FACTS)
UNIT = RESULTS.units[0]
LEAN = RULESET.evaluate(FACTS, detail=False)

# The modules where an argument may be checked: the public surface.
BOUNDARY = {"api.py", "results.py", "audit.py", "cases.py", "checks.py", "errors.py"}

# (name, call, the word a TypeError or ValueError must name)
Misuse = tuple[str, Callable[[], Any], str]
MISUSES: list[Misuse] = [
    # load
    ("load(None)", lambda: dr.load(None), "name_or_path"),
    ("load(42)", lambda: dr.load(42), "name_or_path"),
    ("load(b'x')", lambda: dr.load(b"yifeng"), "name_or_path"),
    ("load('')", lambda: dr.load(""), ""),
    ("load(unknown id)", lambda: dr.load("no-such-ruleset"), ""),
    ("load(folder)", lambda: dr.load(EXAMPLES), ""),
    ("load(params=list)", lambda: dr.load(Y, params=[("x", 1)]), "params"),
    ("load(params=str)", lambda: dr.load(Y, params="x=1"), "params"),
    ("load(params key int)", lambda: dr.load(Y, params={1: 2}), "params"),
    ("load(params object)", lambda: dr.load(Y, params={"x": object()}), "parameter"),
    ("load(params unknown)", lambda: dr.load(Y, params={"nope": 1}), ""),
    (
        "load(params infinity)",
        lambda: dr.load("jingan-2020-evaluation", params={"reply_limit": Decimal("Infinity")}),
        "",
    ),
    (
        "load(params nan)",
        lambda: dr.load("jingan-2020-evaluation", params={"reply_limit": Decimal("NaN")}),
        "",
    ),
    (
        "load(params 1e999999999)",
        lambda: dr.load("jingan-2020-evaluation", params={"reply_limit": "1e999999999"}),
        "",
    ),
    (
        "load(params huge int)",
        lambda: dr.load("jingan-2020-evaluation", params={"reply_limit": 10**5000}),
        "",
    ),
    (
        "load(params bool)",
        lambda: dr.load("jingan-2020-evaluation", params={"reply_limit": True}),
        "parameter",
    ),
    (
        "load(params None)",
        lambda: dr.load("jingan-2020-evaluation", params={"reply_limit": None}),
        "parameter",
    ),
    (
        "load(params list)",
        lambda: dr.load("jingan-2020-evaluation", params={"reply_limit": [1]}),
        "parameter",
    ),
    # compile
    ("compile(None)", lambda: dr.compile(None), "text"),
    ("compile(42)", lambda: dr.compile(42), "text"),
    ("compile(bad utf-8)", lambda: dr.compile(b"\xff"), ""),
    ("compile('')", lambda: dr.compile(""), ""),
    ("compile(lone surrogate)", lambda: dr.compile('ruleset t { title "\ud800" }'), ""),
    ("compile(bytearray)", lambda: dr.compile(bytearray(b"x")), "text"),
    ("compile(file=None)", lambda: dr.compile(TEXT, file=None), "file"),
    ("compile(file=1)", lambda: dr.compile(TEXT, file=1), "file"),
    ("compile(params=1)", lambda: dr.compile(TEXT, params=1), "params"),
    ("compile(params={1:1})", lambda: dr.compile(TEXT, params={1: 1}), "params"),
    # check, check_text
    ("check(None)", lambda: dr.check(None), "name_or_path"),
    ("check(3.5)", lambda: dr.check(3.5), "name_or_path"),
    ("check(params=[])", lambda: dr.check(Y, params=["x"]), "params"),
    ("check_text(None)", lambda: dr.check_text(None), "text"),
    ("check_text(42)", lambda: dr.check_text(42), "text"),
    ("check_text(file=b'x')", lambda: dr.check_text(TEXT, file=b"x"), "file"),
    ("check_text(params=1)", lambda: dr.check_text(TEXT, params=1), "params"),
    # catalog
    ("catalog(1)", lambda: dr.catalog(1), "catalog"),
    # Ruleset.evaluate
    ("evaluate(None)", lambda: RULESET.evaluate(None), "cohort_or_facts"),
    ("evaluate(42)", lambda: RULESET.evaluate(42), "cohort_or_facts"),
    ("evaluate(b'{}')", lambda: RULESET.evaluate(b"{}"), "cohort_or_facts"),
    ("evaluate([])", lambda: RULESET.evaluate([]), "cohort_or_facts"),
    ("evaluate({})", lambda: RULESET.evaluate({}), ""),
    ("evaluate(units str)", lambda: RULESET.evaluate({"units": "x"}), ""),
    ("evaluate(units None)", lambda: RULESET.evaluate({"units": None}), ""),
    ("evaluate(units [1])", lambda: RULESET.evaluate({"units": [1]}), ""),
    ("evaluate(unit id None)", lambda: RULESET.evaluate({"units": [{"id": None}]}), ""),
    ("evaluate(facts list)", lambda: RULESET.evaluate({"units": [{"id": "a", "facts": []}]}), ""),
    ("evaluate(tags str)", lambda: RULESET.evaluate({"units": [{"id": "a", "tags": "x"}]}), ""),
    ("evaluate(key int)", lambda: RULESET.evaluate({1: 2}), "cohort_or_facts"),
    (
        "evaluate(fact object)",
        lambda: RULESET.evaluate({"units": [{"id": "a", "facts": {"hearing": object()}}]}),
        "",
    ),
    ("evaluate(missing file)", lambda: RULESET.evaluate("no/such/facts.json"), ""),
    ("evaluate(folder)", lambda: RULESET.evaluate(EXAMPLES), ""),
    ("evaluate(detail='yes')", lambda: RULESET.evaluate(FACTS, detail="yes"), "detail"),
    ("evaluate(strict=1)", lambda: RULESET.evaluate(FACTS, strict=1), "strict"),
    ("evaluate(calendar=1)", lambda: RULESET.evaluate(FACTS, calendar=1), "calendar"),
    ("evaluate(calendar missing)", lambda: RULESET.evaluate(FACTS, calendar="no-such.json"), ""),
    ("evaluate(positional detail)", lambda: RULESET.evaluate(FACTS, False), "evaluate"),
    # Ruleset.load_facts, describe
    ("load_facts(None)", lambda: RULESET.load_facts(None), "source"),
    ("load_facts(1.5)", lambda: RULESET.load_facts(1.5), "source"),
    ("load_facts({'units': 1})", lambda: RULESET.load_facts({"units": 1}), ""),
    ("describe(1)", lambda: RULESET.describe(1), "describe"),
    # Results
    ("unit(123)", lambda: RESULTS.unit(123), "unit_id"),
    ("unit(None)", lambda: RESULTS.unit(None), "unit_id"),
    ("unit(unknown)", lambda: RESULTS.unit("nowhere"), ""),
    ("explain(None)", lambda: RESULTS.explain(None), "unit_id"),
    ("explain(1)", lambda: RESULTS.explain(1), "unit_id"),
    ("explain(unknown)", lambda: RESULTS.explain("nowhere"), ""),
    ("lean explain", lambda: LEAN.explain(LEAN.units[0].id), ""),
    ("reconcile(1)", lambda: RESULTS.reconcile(1), "reconcile"),
    ("to_dict(1)", lambda: RESULTS.to_dict(1), "to_dict"),
    ("ranking(1)", lambda: RESULTS.ranking(1), "ranking"),
    ("unit('')", lambda: RESULTS.unit(""), ""),
    # UnitResult
    ("node(5)", lambda: UNIT.node(5), "node_id"),
    ("node('x')", lambda: UNIT.node("x"), "node_id"),
    ("node(None)", lambda: UNIT.node(None), "node_id"),
    ("score(5)", lambda: UNIT.score(5), "node_id"),
    ("score('x')", lambda: UNIT.score("x"), "node_id"),
    ("score([])", lambda: UNIT.score([]), "node_id"),
    ("lean unit explain", lambda: LEAN.units[0].explain(), ""),
    # reconcile
    ("reconcile(None)", lambda: dr.reconcile(None), "reconcile"),
    ("reconcile([])", lambda: dr.reconcile([]), "reconcile"),
    ("reconcile(facts_hash=1)", lambda: dr.reconcile(UNIT.to_dict(), facts_hash=1), "facts_hash"),
    # testing entry points
    ("check_all(42, {})", lambda: testing.check_all(42, {}), "ruleset"),
    ("check_all(r, 42)", lambda: testing.check_all(RULESET, 42), "cohort"),
    ("check_reconciles(None, {})", lambda: testing.check_reconciles(None, {}), "ruleset"),
    ("cases.run(None)", lambda: cases.run(None), "paths"),
    ("cases.run('x')", lambda: cases.run("x"), "paths"),
    ("cases.load_cases(1)", lambda: cases.load_cases(1), "path"),
]


def _below_the_call(exc: BaseException) -> set[str]:
    """The modules the exception passed through below the test's own frames."""
    frames = traceback.extract_tb(exc.__traceback__)
    return {Path(f.filename).name for f in frames} - {Path(__file__).name}


@pytest.mark.parametrize(("call", "word"), [m[1:] for m in MISUSES], ids=[m[0] for m in MISUSES])
def test_a_misuse_raises_only_a_documented_exception(call: Callable[[], Any], word: str) -> None:
    try:
        call()
    except dr.DisclosureRulesError as exc:
        assert exc.diagnostics, "a DisclosureRulesError carries its diagnostics"
        return
    except (TypeError, ValueError) as exc:
        inside = _below_the_call(exc) - BOUNDARY
        assert not inside, f"raised inside {sorted(inside)}: {exc!r}"
        assert word and word in str(exc), f"{exc!r} does not name {word!r}"
        return
    # some "misuses" are answers, not errors: the lean results explain that they are lean
    assert word == "", f"{call} should have been refused"


def test_the_sweep_covers_the_public_surface() -> None:
    assert len(MISUSES) >= 80


def test_an_infinite_parameter_names_the_parameter() -> None:
    with pytest.raises(
        dr.ParameterError, match="reply_limit: Decimal\\('Infinity'\\) is not a number"
    ):
        dr.load("jingan-2020-evaluation", params={"reply_limit": Decimal("Infinity")})


def test_a_parameter_out_of_range_names_the_limit() -> None:
    with pytest.raises(
        dr.ParameterError, match="at most 40 digits and a size between 1e-40 and 1e41"
    ):
        dr.load("jingan-2020-evaluation", params={"reply_limit": "1e999999999"})


def test_a_percentage_parameter_is_exact_at_forty_digits() -> None:
    value = dr.api.parse_param_value("w", "1234567890123456789012345678901234567890%")
    assert value == Decimal("12345678901234567890123456789012345678.90")


def test_a_parameter_of_the_wrong_type_is_a_type_error_naming_it() -> None:
    with pytest.raises(
        TypeError, match="parameter 'reply_limit': expected a Decimal, an int or a str, got object"
    ):
        dr.load("jingan-2020-evaluation", params={"reply_limit": object()})
