"""The shipped JSON Schemas describe what the library reads and writes."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from referencing import Registry, Resource

import disclosure_rules as dr
from disclosure_rules import testing
from disclosure_rules.cli import main
from disclosure_rules.schemas import SCHEMAS, schema

ROOT = Path(__file__).parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.facts.json"))
GOLDEN = ROOT / "tests" / "golden"
REGISTRY = Registry().with_resources(
    (schema(name)["$id"], Resource.from_contents(schema(name))) for name in SCHEMAS
)


def validate(document: object, name: str) -> None:
    validator = jsonschema.Draft202012Validator(schema(name), registry=REGISTRY)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


@pytest.mark.parametrize("name", SCHEMAS)
def test_each_schema_is_a_valid_2020_12_schema(name):
    jsonschema.Draft202012Validator.check_schema(schema(name))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_facts_file_validates(path):
    validate(json.loads(path.read_text(encoding="utf-8")), "facts")


@pytest.mark.parametrize("entry", dr.catalog(), ids=lambda e: e.id)
def test_every_shipped_rulesets_describe_validates(entry):
    describe = dr.load(entry.id).describe()
    assert describe["schema"] == "1"
    validate(describe, "describe")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("detail", [True, False], ids=["audit", "lean"])
def test_every_example_results_validate(path, detail):
    rid = path.name.removesuffix(".facts.json")
    results = dr.load(rid).evaluate(path, detail=detail)
    validate(json.loads(results.to_json()), "results")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("detail", [True, False], ids=["audit", "lean"])
def test_every_example_compact_results_validate(path, detail):
    rid = path.name.removesuffix(".facts.json")
    results = dr.load(rid).evaluate(path, detail=detail)
    document = json.loads(results.to_json(audit="compact"))
    assert document["schema"] == "4"
    validate(document, "compact")


def _golden_schema(name: str) -> str:
    if ".describe." in name:
        return "describe"
    return "compact" if ".score-compact." in name else "results"


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.json.gz")), ids=lambda p: p.name)
def test_every_golden_json_output_validates(path):
    document = json.loads(gzip.decompress(path.read_bytes()))
    validate(document, _golden_schema(path.name))


def test_the_command_lines_json_validates(tmp_path, capsys):
    facts = ROOT / "examples" / "yifeng-2020-townships.facts.json"
    score = ["score", "yifeng-2020-townships", str(facts), "--format", "json"]
    assert main(score) == 0
    validate(json.loads(capsys.readouterr().out), "compact")
    assert main([*score, "--audit", "full"]) == 0
    validate(json.loads(capsys.readouterr().out), "results")
    assert main(["describe", "shanghai-2020-districts", "--format", "json"]) == 0
    validate(json.loads(capsys.readouterr().out), "describe")


def test_no_number_in_the_json_outputs_is_a_json_number_or_has_an_exponent():
    facts = ROOT / "examples" / "changzhou-2020.facts.json"
    text = dr.load("changzhou-2020").evaluate(facts).to_json()
    numbers = re.findall(r"(?<=[:\[,] )-?\d[\d.eE+-]*(?=[,\n\]}])", text)
    # only integers are JSON numbers: lines, depths, ranks, rounding places, years
    assert all(n.isdigit() for n in numbers), sorted(set(numbers))[:10]
    assert not re.search(r'"-?\d+(\.\d+)?[eE][+-]?\d+"', text)


def test_a_float_presented_number_in_the_compact_layout_does_not_validate():
    facts = ROOT / "examples" / "changzhou-2020.facts.json"
    text = dr.load("changzhou-2020").evaluate(facts).to_json(audit="compact")
    document = json.loads(text)
    document["units"][0]["total"] = 87.5
    with pytest.raises(AssertionError, match="is not of type 'string'"):
        validate(document, "compact")


def test_a_float_presented_number_does_not_validate():
    facts = ROOT / "examples" / "changzhou-2020.facts.json"
    document = json.loads(dr.load("changzhou-2020").evaluate(facts).to_json())
    document["units"][0]["total"] = 87.5
    with pytest.raises(AssertionError, match="is not of type 'string'"):
        validate(document, "results")


@settings(testing.PROFILE, max_examples=25)
@given(st.data())
def test_random_rulesets_describe_and_results_validate(data):
    ruleset = data.draw(testing.compiled())
    validate(ruleset.describe(), "describe")
    cohort = data.draw(testing.cohorts(ruleset, max_units=3))
    validate(cohort, "facts")
    results = ruleset.evaluate(cohort)
    validate(json.loads(results.to_json()), "results")
    validate(json.loads(results.to_json(audit="compact")), "compact")
