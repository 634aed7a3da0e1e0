"""Every syntax error at once: recovered, each reported once, with suggestions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import disclosure_rules as dr
from disclosure_rules.language.parser import MAX_ERRORS

RULESETS = sorted((Path(__file__).parents[1] / "rulesets").glob("*.dr"))


def syntax_errors(text: str) -> list[dr.Diagnostic]:
    with pytest.raises(dr.RulesetSyntaxError) as info:
        dr.compile(text, file="x.dr")
    return list(info.value.diagnostics)


def places(text: str) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.column) for d in syntax_errors(text) if d.span]


def test_a_file_with_three_syntax_errors_reports_three():
    text = """ruleset t { title "t"
  item a "甲" 2 { deduct 1 per }
  item b "乙" { deduct 1 per y }
  item c "丙" 2 { zero when z >> 1 }
  item d "丁" 2
}"""
    assert places(text) == [("DR001", 2, 31), ("DR001", 3, 14), ("DR001", 4, 31)]


def test_deducts_suggests_deduct():
    text = 'ruleset t { title "t"\n  item a "甲" 2 { deducts 1 per incidents }\n}'
    [error] = syntax_errors(text)
    assert error.render() == (
        "x.dr:2:18: error: DR001 unexpected name 'deducts'\n"
        '    item a "甲" 2 { deducts 1 per incidents }\n'
        "                    ^^^^^^^\n"
        "  hint: did you mean 'deduct'?"
    )


def test_a_misspelt_keyword_standing_alone_gets_a_suggestion():
    [error] = syntax_errors('ruleset t { title "t" item a "甲" 2 { zero when done withn 7 } }')
    assert error.message == "unexpected name 'withn'"
    assert error.hint is not None and error.hint.startswith("did you mean 'within'")


def test_a_misspelt_statement_keyword_is_suggested_from_what_may_stand_there():
    [error] = syntax_errors('ruleset t { title "t" itme a "甲" 2 }')
    assert error.hint is not None and error.hint.startswith("did you mean 'item'")


@pytest.mark.parametrize(
    "text",
    [
        # a missing `{`: the rules after it are skipped, the `}` ends the ruleset
        'ruleset t { title "t"\n  item a "甲" 2 deduct 1 per x }\n  item b "乙" 2\n}',
        # missing points: the whole block of the item is skipped with it
        'ruleset t { title "t"\n  item a "甲" { deduct 1 per x }\n  item b "乙" 2\n}',
        # an unterminated string takes the rest of its line with it
        'ruleset t { title "t\n  item a "甲" 2\n}',
        # a bad character inside a condition
        'ruleset t { title "t" item a "甲" 2 { zero when x @ 1 } item b "乙" 2 }',
    ],
)
def test_one_mistake_is_reported_once(text):
    assert len(syntax_errors(text)) == 1


def test_a_full_width_brace_is_read_as_the_brace_it_stands_for():
    text = 'ruleset t { title "t"\n  item a "甲" 2 ｛ deduct 1 per x ｝\n}'
    assert places(text) == [("DR007", 2, 16), ("DR007", 2, 33)]


def test_errors_beyond_the_cap_are_counted_not_shown():
    lines = [f'  item a{i} "甲" "两分"' for i in range(MAX_ERRORS + 5)]
    found = syntax_errors('ruleset t { title "t"\n' + "\n".join(lines) + "\n}")
    assert [d.code for d in found] == ["DR001"] * MAX_ERRORS + ["DR009"]
    assert found[-1].message == "and 5 more syntax errors, the first of them here"
    assert found[-1].span is not None and found[-1].span.line == MAX_ERRORS + 2


def test_the_first_error_is_the_one_a_plain_parse_finds():
    # the recovering parse starts exactly as the ordinary one: same first error
    text = 'ruleset t { title "t" item a "甲" }\nitem b'
    first = syntax_errors(text)[0]
    assert (first.span.line, first.span.column, first.message) == (1, 34, "unexpected '}'")


@settings(max_examples=60, deadline=None)
@given(
    path=st.sampled_from(RULESETS),
    where=st.floats(min_value=0, max_value=1),
    length=st.integers(min_value=1, max_value=12),
    insert=st.sampled_from(["", "}", "{", "(", '"', "item", "deduct 1 per", "；", "@"]),
)
def test_damaged_rulesets_give_diagnostics_never_a_traceback(path, where, length, insert):
    text = path.read_text(encoding="utf-8")
    start = int(where * len(text))
    damaged = text[:start] + insert + text[start + length :]
    found = dr.check_text(damaged, file="x.dr")
    lines = damaged.count("\n") + 1
    for d in found:
        assert d.span is None or 1 <= d.span.line <= lines
    assert len([d for d in found if d.code == "DR001"]) <= MAX_ERRORS


def test_check_strict_counts_warnings_as_errors(tmp_path):
    ruleset = tmp_path / "w.dr"
    ruleset.write_text('ruleset w { title "t" param unused = 1 "x" item a "甲" 2 }\n')

    def check(*extra: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "disclosure_rules", "check", str(ruleset), *extra]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    lenient, strict = check(), check("--strict")
    assert (lenient.returncode, strict.returncode) == (0, 1)
    assert "warning: DR205" in lenient.stderr
    assert "error: DR205" in strict.stderr
    assert strict.stdout.strip() == f"{ruleset}: 1 error(s), 0 warning(s)"


def test_check_strict_reports_every_syntax_error(tmp_path):
    ruleset = tmp_path / "bad.dr"
    ruleset.write_text('ruleset b { title "t"\n item a "甲" {\n }\n item c "丙" "x"\n}\n')
    command = [sys.executable, "-m", "disclosure_rules", "check", "--strict", str(ruleset)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr.count("error: DR001") == 2


def test_recovery_resumes_at_the_grammar_statement_lists():
    # recovery names the grammar's lists of statements; a renamed rule must fail here,
    # not quietly make recovery skip whole blocks
    from disclosure_rules.language.parser.frontend import lark_parser
    from disclosure_rules.language.parser.recovery import _STATEMENTS, _statement_starts

    parser = lark_parser()
    assert set(_STATEMENTS) <= {rule.origin.name for rule in parser.rules}
    starts = _statement_starts(parser)
    assert {"RULESET", "NAME"}.isdisjoint(starts)
    assert {"TITLE", "ITEM", "SECTION", "DEDUCT", "ZERO", "AWARDED", "ANSWER", "RBRACE"} <= starts
