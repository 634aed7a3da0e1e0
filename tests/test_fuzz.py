"""Fuzzing the three readers of untrusted input (issue 16, item 6).

Hypothesis drives the facts reader (arbitrary bytes as a file, arbitrary JSON-like
documents through ``load_facts``), the ruleset parser and checker (arbitrary text and
bytes, and shipped rulesets mutated) and the results reader (``verify`` and what
``explain --results`` renders, on mutated results documents). Whatever the input,
nothing but a documented exception escapes: a ``DisclosureRulesError``. The budget
is fixed (``max_examples``) so that the whole file takes well under a minute.
"""

from __future__ import annotations

import contextlib
import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import disclosure_rules as dr
from disclosure_rules.catalog import shipped_text
from disclosure_rules.evaluation.audit import shape_problems
from disclosure_rules.evaluation.explain import render_text
from disclosure_rules.verify import read_results, verify

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
Y = "yifeng-2020-townships"
RULESET = dr.load(Y)
ITEMS = sorted(n.id for n in RULESET.graph.nodes if n.kind in ("item", "bonus"))
SHIPPED = shipped_text(Y)
assert SHIPPED is not None
RULESET_TEXT = SHIPPED[1].decode("utf-8")

FUZZ = settings(
    deadline=None,
    derandomize=True,  # the same examples in CI every run: a failure is reproducible
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**50), max_value=10**50),
    st.text(max_size=30),
    st.sampled_from(["n/a", "1e1000000", "2021-02-30", "0.5", "-1", "true", "NaN", "=1+1"]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
fact_cells = st.dictionaries(
    st.sampled_from(["awarded", "missing_items", "stale_columns", "evidence", "rate", "count"])
    | st.text(max_size=8),
    json_values,
    max_size=4,
)
units = st.fixed_dictionaries(
    {"id": st.text(max_size=10) | json_scalars},
    optional={
        "tags": st.lists(st.text(max_size=8), max_size=3) | json_values,
        "facts": st.dictionaries(
            st.sampled_from(ITEMS) | st.text(max_size=8),
            fact_cells | json_values,
            max_size=6,
        )
        | json_values,
    },
)
facts_documents = st.one_of(
    st.fixed_dictionaries(
        {"units": st.lists(units, max_size=4)},
        optional={"synthetic": json_scalars, "description": json_scalars},
    ),
    st.dictionaries(st.text(max_size=8), json_values, max_size=3),
)


@settings(FUZZ, max_examples=120)
@given(doc=facts_documents)
def test_facts_documents_load_or_end_in_a_diagnostic(doc: dict[str, Any]) -> None:
    try:
        cohort = RULESET.load_facts(doc)
    except dr.DisclosureRulesError:
        return
    with contextlib.suppress(dr.DisclosureRulesError):
        RULESET.evaluate(cohort)


@settings(FUZZ, max_examples=80)
@given(
    data=st.binary(max_size=400)
    | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))
)
def test_facts_files_of_any_bytes_end_in_a_diagnostic(tmp_path: Path, data: bytes) -> None:
    for suffix in (".json", ".csv"):
        path = tmp_path / f"facts{suffix}"
        path.write_bytes(data)
        with contextlib.suppress(dr.DisclosureRulesError):
            RULESET.evaluate(path)


TOKENS = [
    "{",
    "}",
    "(",
    ")",
    "not ",
    "and ",
    "or ",
    "..",
    "%",
    "9" * 45,
    "within 99999999 days of x",
    '"',
    "#",
    "\n",
    "\x00",
    "ｉｔｅｍ",
    'item x "x" 5 ',
    'section s "s" ',
    "cap ",
    "scale ",
    "calendar { year 2030 holidays 2030-01-01..2030-12-31 }",
    "-1",
    "0",
    "weight 200%",
]


@st.composite
def mutated_rulesets(draw: st.DrawFn) -> str:
    """The shipped ruleset with a few slices cut, doubled or replaced by ruleset tokens."""
    text = RULESET_TEXT
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        end = min(len(text), start + draw(st.integers(0, 80)))
        piece = draw(st.sampled_from(TOKENS) | st.just(text[start:end]) | st.text(max_size=6))
        text = text[:start] + piece + text[end:]
    return text


@settings(FUZZ, max_examples=150)
@given(source=st.text(max_size=300) | st.binary(max_size=300))
def test_the_checker_reports_any_text_without_raising(source: str | bytes) -> None:
    diagnostics = dr.check_text(source)
    assert all(isinstance(d, dr.Diagnostic) for d in diagnostics)


@settings(FUZZ, max_examples=40)
@given(text=mutated_rulesets())
def test_a_mutated_shipped_ruleset_compiles_or_ends_in_a_diagnostic(text: str) -> None:
    try:
        ruleset = dr.compile(text)
    except dr.DisclosureRulesError:
        return
    with contextlib.suppress(dr.DisclosureRulesError):
        ruleset.evaluate(EXAMPLES / f"{Y}.facts.json", detail=False)


SAVED = RULESET.evaluate(EXAMPLES / f"{Y}.facts.json").to_dict()
SAVED["units"] = SAVED["units"][:3]  # enough to reach every part of the reader, and quick


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value[:4]):
            out += _paths(item, (*prefix, i))
    return out


PATHS = _paths(SAVED)[1:]


@st.composite
def mutated_results(draw: st.DrawFn) -> Any:
    """The saved results with a few values replaced, removed or given a new type."""
    doc = copy.deepcopy(SAVED)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent: Any = doc
        try:
            for key in path[:-1]:
                parent = parent[key]
            if draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed the way there
    return doc


@settings(FUZZ, max_examples=60)
@given(doc=mutated_results())
def test_a_mutated_results_file_verifies_or_ends_in_a_diagnostic(tmp_path: Path, doc: Any) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    try:
        read = read_results(path)
    except dr.DisclosureRulesError:
        return
    check = verify(read, str(path))
    if read == SAVED:  # a mutation that changed nothing
        assert check.ok, check.problems
    for unit in read["units"]:  # what explain --results shows, verified or not
        if "audit" in unit and not shape_problems(unit):
            render_text(unit, read["ruleset"])
