"""Every cite is a verbatim passage of the ruleset's sources (DR206, DR207)."""

from __future__ import annotations

import hashlib
import re
import shutil
import time
from pathlib import Path

import pytest

import disclosure_rules as dr
from disclosure_rules.language.citations import verify
from disclosure_rules.language.formatter import format_text
from disclosure_rules.language.parser import parse

ROOT = Path(__file__).parents[1]
SOURCES = ROOT / "rulesets" / "sources"
BAD = Path(__file__).parent / "fixtures" / "bad"
IDS = [e.id for e in dr.catalog()]

NOTES = """附注:1.未按要求提供佐证材料的,不予认定。

2.本考评以100为基数实行倒扣分,扣完即止。

3.未有相关指标的得平均分
"""


def check_with_source(tmp_path: Path, *cited: str, source: str = NOTES) -> list[dr.Diagnostic]:
    """``check`` a ruleset whose items cite ``cited``, beside a source file ``source``."""
    (tmp_path / "sources").mkdir(exist_ok=True)
    (tmp_path / "sources" / "notes.txt").write_text(source, encoding="utf-8")
    items = "\n".join(f'  item i{n} "项" 1 cite "{c}"' for n, c in enumerate(cited))
    text = f'ruleset t {{\n  title "t"\n  source "附注" files "sources/notes.txt"\n{items}\n}}\n'
    path = tmp_path / "t.dr"
    path.write_text(text, encoding="utf-8")
    return [d for d in dr.check(path) if d.code in ("DR206", "DR207")]


def test_misquoted_cite_is_reported_at_the_cite_with_the_closest_passage():
    path = BAD / "DR206-cite-not-in-source.dr"
    [d] = [d for d in dr.check(path) if d.code == "DR206"]
    assert d.render() == (
        f"{path}:7:13: warning: DR206 cite “附注2:本考评以100为基数实行倒扣分,扣完即止” "
        "is not a verbatim passage of sources/yifeng-2020-notes.txt\n"
        '      floor 0 cite "附注2:本考评以100为基数实行倒扣分,扣完即止"\n'
        "              " + "^" * 49 + "\n"
        "  hint: closest passage (sources/yifeng-2020-notes.txt line 3): "
        "“2.本考评以100为基数实行倒扣分,扣完即止。”"
    )


def test_the_fixture_source_is_an_excerpt_of_the_shipped_one():
    excerpt = (BAD / "sources" / "yifeng-2020-notes.txt").read_bytes()
    assert excerpt in (SOURCES / "yifeng-2020-assessment-scheme.txt").read_bytes()


def test_whitespace_is_ignored_full_width_spaces_and_line_breaks_included(tmp_path):
    assert check_with_source(tmp_path, "附注:1. 未按要求提供佐证材料的,\u3000不予认定。") == []
    assert check_with_source(tmp_path, "不予认定。\\n2.本考评以100为基数") == []


def test_a_cite_may_run_over_a_line_break_of_the_source(tmp_path):
    assert check_with_source(tmp_path, "不予认定。2.本考评以100为基数") == []


def test_ellipsis_joins_fragments_of_one_paragraph_in_order(tmp_path):
    assert check_with_source(tmp_path, "附注:…提供佐证材料的…不予认定") == []
    assert check_with_source(tmp_path, "附注:...不予认定") == []
    [d] = check_with_source(tmp_path, "不予认定…附注")
    assert "must stand in this order in one paragraph" in d.message


def test_ellipsis_does_not_join_fragments_of_two_paragraphs(tmp_path):
    [d] = check_with_source(tmp_path, "附注:…扣完即止")
    assert d.code == "DR206"


def test_punctuation_and_character_forms_are_not_forgiven(tmp_path):
    found = check_with_source(
        tmp_path,
        "附注1:未按要求提供佐证材料的,不予认定",  # a label the source does not print
        "未按要求提供佐证材料的，不予认定",  # a full-width comma for the source's ","
        "未按要求提供佐證材料的",  # a traditional character for a simplified one
    )
    assert [d.span.line for d in found] == [4, 5, 6]


def test_no_passage_close_says_so(tmp_path):
    [d] = check_with_source(tmp_path, "市政府辦公廳綜合考量專項評估")
    assert (
        d.hint == "no passage of the sources is close: quote the source's own words and characters"
    )


def test_a_ruleset_that_names_no_source_files_is_not_verified():
    text = 'ruleset t { title "t" source "某方案" item a "甲" 1 cite "任何文字" }'
    assert [d.code for d in dr.check_text(text)] == []


def test_a_source_outside_the_ruleset_folder_is_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密文字", encoding="utf-8")
    (tmp_path / "rules").mkdir()
    for name in ("../secret.txt", str(secret), "sources/../../secret.txt"):
        path = tmp_path / "rules" / "t.dr"
        path.write_text(
            f'ruleset t {{ title "t" source "s" files "{name}" item a "甲" 1 cite "机密" }}',
            encoding="utf-8",
        )
        [d] = dr.check(path)
        assert d.code == "DR207" and "not a relative path inside" in d.message
        assert "机密" not in (d.hint or "")


def test_a_link_out_of_the_ruleset_folder_is_refused(tmp_path):
    (tmp_path / "secret.txt").write_text("机密文字", encoding="utf-8")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "link.txt").symlink_to(tmp_path / "secret.txt")
    path = tmp_path / "rules" / "t.dr"
    path.write_text(
        'ruleset t { title "t" source "s" files "link.txt" item a "甲" 1 cite "机密" }',
        encoding="utf-8",
    )
    assert [d.code for d in dr.check(path)] == ["DR207"]


def test_a_ruleset_compiled_from_text_cannot_find_its_sources():
    text = 'ruleset t { title "t" source "s" files "sources/a.txt" item a "甲" 1 cite "引文" }'
    ruleset = dr.compile(text, file="<string>")
    assert [d.code for d in ruleset.diagnostics] == ["DR207"]


def test_a_source_that_is_not_utf8_is_reported(tmp_path):
    (tmp_path / "gbk.txt").write_bytes("附注".encode("gbk"))
    path = tmp_path / "t.dr"
    path.write_text('ruleset t { title "t" source "s" files "gbk.txt" item a "甲" 1 }', "utf-8")
    [d] = dr.check(path)
    assert (d.code, d.message) == ("DR207", "source file 'gbk.txt' is not UTF-8 text")


def test_the_files_of_a_source_header_are_printed_back():
    text = (
        "ruleset t {\n"
        '  title "t"\n'
        '  source "某方案" files "sources/a.txt", "sources/b.txt"\n'
        "\n"
        '  item a "甲" 1\n'
        "}\n"
    )
    assert format_text(text) == text
    assert [f.name for f in parse(text).source_files] == ["sources/a.txt", "sources/b.txt"]


# ---------------------------------------------------------------- the shipped rulesets


def test_a_misquoted_cite_in_a_shipped_ruleset_would_be_caught(tmp_path):
    shutil.copytree(SOURCES, tmp_path / "sources")
    text = (ROOT / "rulesets" / "shanghai-2020-districts.dr").read_text(encoding="utf-8")
    # the 2017 rule as the cite once quoted it, in characters converted to traditional
    simplified = "确保从事政务公开工作人员业务培训每年不少于10课时"
    assert text.count(simplified) == 1
    path = tmp_path / "shanghai.dr"
    traditional = "確保從事政務公開工作人員業務培訓每年不少于10課時"
    path.write_text(text.replace(simplified, traditional), encoding="utf-8")
    line = text[: text.index(simplified)].count("\n") + 1
    before = {d.span.line for d in dr.check(ROOT / "rulesets" / "shanghai-2020-districts.dr")}
    after = {d.span.line for d in dr.check(path) if d.code == "DR206"}
    assert line not in before and line in after


@pytest.mark.parametrize("name", sorted(p.name for p in SOURCES.glob("*.txt")))
def test_shipped_sources_are_the_collected_texts_byte_for_byte(name):
    readme = (SOURCES / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith(f"| `{name}`"))
    recorded = re.findall(r"`([0-9a-f]{64})`", row)
    assert recorded == [hashlib.sha256((SOURCES / name).read_bytes()).hexdigest()]


def test_verifying_a_shipped_ruleset_costs_little():
    for ruleset_id in IDS:
        syntax = dr.load(ruleset_id).syntax
        best = min(_timed(verify, syntax) for _ in range(5))
        assert best < 0.005, f"{ruleset_id}: {best * 1000:.2f} ms"


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start
