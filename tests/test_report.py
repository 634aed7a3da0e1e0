"""The assessment report: every figure checked against the results it came from.

Each figure of an HTML report sits in an element marked ``data-figure`` (with the group,
section, item or unit it is of). The tests recompute each kind of figure from the
results' public surface — totals, ranks, grades, groups, each unit's node results and
audit entries — and compare it with what the page prints; a kind of figure without a
check here fails the test, so no number reaches a report unchecked. The templates
themselves hold no numbers at all.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from installed import run

import disclosure_rules as dr
from disclosure_rules import report
from disclosure_rules.decimals import round_half_up
from disclosure_rules.decimals import text as exact
from disclosure_rules.report.render import TEMPLATES

EXAMPLES = Path(__file__).parents[1] / "examples"
SHIPPED = [
    "jingan-2020-evaluation",
    "yifeng-2020-departments",
    "yifeng-2020-townships",
    "shanghai-2020-departments",
    "shanghai-2020-districts",
    "changzhou-2020",
]
TOP = 3
ASSESSED = {"scored", "missing", "not_credited"}


@cache
def results_of(ruleset_id: str) -> dr.Results:
    return dr.load(ruleset_id).evaluate(EXAMPLES / f"{ruleset_id}.facts.json")


@cache
def html_of(ruleset_id: str) -> str:
    return report.html(results_of(ruleset_id), top=TOP)


class Figures(HTMLParser):
    """Every ``data-figure`` element of a page: (kind, its data-* attributes, its text)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str], str]] = []
        self._open: list[tuple[str, dict[str, str], list[str]] | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "meta", "img", "hr", "input", "link"):
            return
        data = {k[5:]: v or "" for k, v in attrs if k.startswith("data-")}
        self._open.append((data.pop("figure"), data, []) if "figure" in data else None)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "meta", "img", "hr", "input", "link"):
            return
        entry = self._open.pop()
        if entry is not None:
            kind, data, text = entry
            self.found.append((kind, data, "".join(text).strip()))

    def handle_data(self, data: str) -> None:
        for entry in self._open:
            if entry is not None:
                entry[2].append(data)


def figures(page: str) -> list[tuple[str, dict[str, str], str]]:
    parser = Figures()
    parser.feed(page)
    return parser.found


# ---------------------------------------------------------------- the expected figures


def shown(value: Decimal, places: int = 2) -> str:
    return exact(round_half_up(value, places))


def ratio(part: Decimal, whole: Decimal) -> str:
    if not whole:
        return "—"
    return f"{shown(part)}/{shown(whole)} = {shown(part / whole * 100)}%"


def items_of(results: dr.Results, section_id: str) -> list[str]:
    """The scored leaves under a section (itself if it is one), bonuses left out."""
    g = results.graph
    out, stack = [], [g.by_id[section_id]]
    while stack:
        node = g.nodes[stack.pop()]
        if node.is_leaf:
            if node.kind != "bonus":
                out.append(node.id)
        else:
            stack.extend(node.children)
    return out


def sections_of(results: dr.Results) -> list[str]:
    g = results.graph
    out = []
    for c in g.root.children:
        node = g.nodes[c]
        if node.kind == "component" and node.children:
            out.extend(g.nodes[i].id for i in node.children)
        else:
            out.append(node.id)
    return out


def cells(results: dr.Results, units: list[dr.UnitResult], items: list[str]) -> Iterator:
    for unit in units:
        for item in items:
            cell = unit.node(item)
            if cell.status in ASSESSED:
                yield unit, cell


def points_rate(results: dr.Results, units: list[dr.UnitResult], items: list[str]) -> str:
    pairs = list(cells(results, units, items))
    return ratio(
        sum((c.score for _, c in pairs), Decimal(0)), sum((c.max for _, c in pairs), Decimal(0))
    )


def group_units(results: dr.Results, group: str) -> list[dr.UnitResult]:
    return [u for u in results.units if (u.group or "") == group]


def losses(results: dr.Results, item: str) -> dict[str, Decimal]:
    return {
        u.id: c.max - c.score for u, c in cells(results, results.units, [item]) if c.score < c.max
    }


def on_time(results: dr.Results, item: str) -> str:
    entries = [
        e
        for _, c in cells(results, results.units, [item])
        for e in c.entries
        if e.kind == "base" and e.inputs and "on_time" in e.inputs
    ]
    return ratio(
        sum((Decimal(e.inputs["on_time"]) for e in entries), Decimal(0)),
        sum((Decimal(e.inputs["records"]) for e in entries), Decimal(0)),
    )


def expected(results: dr.Results, kind: str, at: dict[str, str]) -> str:
    """The text a figure of ``kind`` at ``at`` must show, from the results alone."""
    g = results.graph
    unit = results.unit(at["unit"]) if "unit" in at else None
    group = group_units(results, at["group"]) if "group" in at else []
    totals = [u.total for u in group]
    checks: dict[str, Callable[[], str]] = {
        "ruleset-hash": lambda: g.ruleset_hash,
        "facts-hash": lambda: results.facts_hash,
        "engine-version": lambda: dr.__version__,
        "year": lambda: str(g.year),
        "maximum": lambda: shown(g.root.points),
        "units": lambda: str(len(results.units)),
        "warnings": lambda: str(len(results.warnings)),
        "group-units": lambda: str(len(group)),
        "count": lambda: str(len(group)),
        "mean": lambda: shown(statistics.mean(totals)),
        "median": lambda: shown(statistics.median(totals)),
        "minimum": lambda: shown(min(totals)),
        "maximum-score": lambda: shown(max(totals)),
        "stdev": lambda: shown(statistics.pstdev(totals)),
        "grade-count": lambda: str(Counter(u.grade for u in group)[at["grade"]]),
        "rank": lambda: str(unit.rank),
        "total": lambda: shown(unit.total),
        "grade": lambda: unit.grade or "",
        "top": lambda: None,  # checked as a list below
        "bottom": lambda: None,
        "section-points": lambda: shown(g.node(at["section"]).points),
        "section-weight": lambda: (
            shown(
                (g.node(at["section"]).weight or g.nodes[g.node(at["section"]).parent].weight) * 100
            )
            + "%"
        ),
        "param": lambda: shown(next(p.value for p in g.params if p.name == at["param"])),
        "section-rate": lambda: points_rate(
            results, results.units, items_of(results, at["section"])
        ),
        "section-group-rate": lambda: points_rate(results, group, items_of(results, at["section"])),
        "item-points": lambda: shown(g.node(at["item"]).points),
        "full-marks": lambda: ratio(
            Decimal(
                sum(1 for _, c in cells(results, results.units, [at["item"]]) if c.score >= c.max)
            ),
            Decimal(sum(1 for _ in cells(results, results.units, [at["item"]]))),
        ),
        "on-time": lambda: on_time(results, at["item"]),
        "item-lost": lambda: shown(sum(losses(results, at["item"]).values(), Decimal(0))),
        "item-lost-total": lambda: shown(sum(losses(results, at["item"]).values(), Decimal(0))),
        "loss": lambda: shown(losses(results, at["item"])[at["unit"]]),
        "unit-total": lambda: shown(unit.total),
        "unit-grade": lambda: unit.grade or "",
        "unit-rank": lambda: str(unit.rank),
        "unit-of": lambda: str(len(group_units(results, unit.group or ""))),
        "unit-section-rate": lambda: points_rate(results, [unit], items_of(results, at["section"])),
        "unit-loss": lambda: shown(losses(results, at["item"])[at["unit"]]),
    }
    assert kind in checks, f"a figure of kind {kind!r} has no check: add one"
    return checks[kind]()


# ---------------------------------------------------------------- the tests


@pytest.mark.parametrize("ruleset_id", SHIPPED)
def test_every_figure_of_the_report_is_the_results_figure(ruleset_id):
    results = results_of(ruleset_id)
    found = figures(html_of(ruleset_id))
    assert len(found) > 100
    for kind, at, text in found:
        want = expected(results, kind, at)
        if want is None:
            continue
        if kind == "unit-section-rate" and want == "—":
            want = "不适用"  # the unit was assessed on nothing in the section
        assert text == want, (kind, at)


@pytest.mark.parametrize("ruleset_id", SHIPPED)
def test_the_report_shows_every_unit_group_section_and_loss(ruleset_id):
    results = results_of(ruleset_id)
    found = figures(html_of(ruleset_id))
    kinds = defaultdict(list)
    for kind, at, text in found:
        kinds[kind].append((at, text))
    assert sorted(at["unit"] for at, _ in kinds["total"]) == sorted(u.id for u in results.units)
    assert sorted(at["unit"] for at, _ in kinds["unit-total"]) == sorted(
        u.id for u in results.units
    )
    assert [at["section"] for at, _ in kinds["section-rate"]] == sections_of(results)
    every_loss = {
        (item, unit)
        for section in sections_of(results)
        for item in items_of(results, section)
        for unit in losses(results, item)
    }
    assert {(at["item"], at["unit"]) for at, _ in kinds["loss"]} == every_loss
    assert {(at["item"], at["unit"]) for at, _ in kinds["unit-loss"]} == every_loss
    for group in {u.group or "" for u in results.units}:
        ranked = [u.id for u in sorted(group_units(results, group), key=lambda u: u.rank)]
        top = [text for at, text in kinds["top"] if at["group"] == group]
        bottom = [text for at, text in kinds["bottom"] if at["group"] == group]
        assert top == ranked[:TOP]
        assert bottom == ranked[-TOP:]


def test_yifeng_departments_lists_under_each_section_the_units_that_lost_points_there():
    results = results_of("yifeng-2020-departments")
    page = html_of("yifeng-2020-departments")
    blocks = re.findall(
        r'<section class="dimension" id="section-(\w+)".*?</section>', page, flags=re.S
    )
    assert blocks == sections_of(results)
    for section in sections_of(results):
        block = re.search(
            rf'<section class="dimension" id="section-{section}".*?</section>', page, flags=re.S
        ).group(0)
        for item in items_of(results, section):
            listed = set(
                re.findall(rf'data-figure="loss" data-item="{item}" data-unit="([^"]+)"', block)
            )
            assert listed == set(losses(results, item)), (section, item)
    # 依申请公开 › 行政复议、行政诉讼: units with overturned reviews or lost lawsuits
    appeals = losses(results, "appeals")
    assert appeals and all(v > 0 for v in appeals.values())
    assert "做好依申请公开 › 行政复议、行政诉讼" in page


def test_the_templates_hold_no_numbers():
    for path in TEMPLATES.glob("*.j2"):
        text = path.read_text(encoding="utf-8")
        code = " ".join(re.findall(r"\{\{.*?\}\}|\{%.*?%\}", text, flags=re.S))
        assert not re.findall(r"(?<![\w.])\d", code), path.name
        words = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|<[^>]*>", "", text, flags=re.S)
        assert not re.findall(r"\d", words), path.name


def test_the_html_report_fetches_nothing_and_runs_no_script():
    page = html_of("jingan-2020-evaluation")
    assert "<script" not in page
    assert not re.findall(r'(?:src|href)="(?!#)', page)
    assert "@import" not in page and "url(http" not in page


def test_the_charts_are_inline_svg_with_ids_of_their_own():
    page = html_of("jingan-2020-evaluation")
    charts = re.findall(r'<svg class="chart" id="chart-([\w-]+)"', page)
    assert charts[:3] == ["distribution", "grade-mix", "section-rates"]
    assert len(charts) == 3 + len(results_of("jingan-2020-evaluation").units)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_a_report_is_the_same_on_every_run():
    results = results_of("changzhou-2020")
    assert report.html(results) == report.html(results)


def test_the_markdown_report_has_the_same_sections_and_rates():
    results = results_of("jingan-2020-evaluation")
    text = report.markdown(results)
    for heading in ("## 一、评估概述", "## 二、评估结果", "## 三、评估内容", "## 四、工作建议"):
        assert heading in text
    assert "申请渠道畅通" in text
    # 挂号信函申请渠道畅通: every unit's channel open
    assert "| 挂号信函申请渠道畅通 | 2 | 46/46 = 100% |  | 0 |" in text
    for section in sections_of(results):
        assert f". {results.graph.node(section).title}\n" in text


def test_english_labels_leave_the_rulesets_own_words_alone():
    results = results_of("changzhou-2020")
    page = report.markdown(results, lang="en")
    assert "## 2. Results" in page and "评估结果" not in page
    assert results.graph.title in page


def test_advice_is_the_offices_text_verbatim_and_never_invented():
    results = results_of("changzhou-2020")
    advice = "一是加强统筹。\n\n二是<b>规范</b>发布。"
    page = report.html(results, advice=advice)
    assert "<p>一是加强统筹。</p>" in page
    assert "<p>二是&lt;b&gt;规范&lt;/b&gt;发布。</p>" in page
    without = report.html(results)
    section = re.search(r'<section id="advice".*?</section>', without, flags=re.S).group(0)
    assert "--advice" in section and "一是" not in section


def test_arguments_are_checked():
    results = results_of("changzhou-2020")
    with pytest.raises(ValueError, match="lang"):
        report.markdown(results, lang="fr")
    with pytest.raises(ValueError, match="top"):
        report.markdown(results, top=0)
    with pytest.raises(ValueError, match="format"):
        report.render(results, "docx")


def test_a_missing_report_extra_is_a_diagnostic(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "jinja2", None)
    with pytest.raises(report.ReportError) as caught:
        report.markdown(results_of("changzhou-2020"))
    (d,) = caught.value.diagnostics
    assert d.code == "DR901"
    assert "pip install 'disclosure-rules[report]'" in d.render()


def test_no_chinese_font_for_the_charts_is_a_diagnostic(monkeypatch):
    from disclosure_rules.report import charts

    monkeypatch.setattr(charts, "CJK_FAMILIES", ("No Such Font",))
    with pytest.raises(report.ReportError) as caught:
        report.html(results_of("changzhou-2020"))
    (d,) = caught.value.diagnostics
    assert d.code == "DR903"
    assert "fonts-noto-cjk" in d.render()


# ---------------------------------------------------------------- the command


def test_the_command_writes_an_html_report(tmp_path):
    out = tmp_path / "report.html"
    result = run(
        "report",
        "changzhou-2020",
        str(EXAMPLES / "changzhou-2020.facts.json"),
        "-o",
        str(out),
        cwd=tmp_path,
        timeout=120,
        memory=4 * 1024**3,
    )
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page == report.html(results_of("changzhou-2020"))


def test_the_command_prints_markdown_with_advice_from_a_file(tmp_path):
    (tmp_path / "advice.txt").write_text("建议一:加强培训。\n", encoding="utf-8")
    result = run(
        "report",
        "changzhou-2020",
        str(EXAMPLES / "changzhou-2020.facts.json"),
        "--format",
        "md",
        "--advice",
        "advice.txt",
        "--lang",
        "en",
        cwd=tmp_path,
        timeout=60,
        memory=4 * 1024**3,
    )
    assert result.returncode == 0, result.stderr
    assert "## 4. Recommendations\n\n建议一:加强培训。\n" in result.stdout


def test_an_unreadable_advice_file_is_named(tmp_path):
    result = run(
        "report",
        "changzhou-2020",
        str(EXAMPLES / "changzhou-2020.facts.json"),
        "--advice",
        "nowhere.txt",
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("nowhere.txt: error: DR905 cannot read advice file")


def test_pdf_needs_an_output_file(tmp_path):
    result = run(
        "report",
        "changzhou-2020",
        str(EXAMPLES / "changzhou-2020.facts.json"),
        "--format",
        "pdf",
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--format pdf writes a file: give -o FILE" in result.stderr


def test_pdf_without_a_browser_is_a_diagnostic_before_any_work(tmp_path):
    result = run(
        "report",
        "changzhou-2020",
        str(EXAMPLES / "changzhou-2020.facts.json"),
        "-o",
        "report.pdf",
        "--browser",
        "/nonexistent/chromium",
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 1
    assert "DR902 PDF output needs a headless Chromium or Chrome" in result.stderr
    assert "apt-get install chromium" in result.stderr
    assert not (tmp_path / "report.pdf").exists()


def test_the_readings_in_force_are_listed_when_the_results_expose_them():
    from types import SimpleNamespace

    from disclosure_rules.report.figures import readings_in_force

    reading = SimpleNamespace(name="na_average", text="得平均分: the cohort mean", cite="附注3")
    exposed = SimpleNamespace(readings=[reading, "一句话"], graph=None)
    assert readings_in_force(exposed) == (
        "na_average — 得平均分: the cohort mean — 附注3",
        "一句话",
    )
    assert readings_in_force(results_of("changzhou-2020")) == ()


def test_the_api_checks_its_arguments():
    results = results_of("changzhou-2020")
    with pytest.raises(TypeError, match="results: expected the Results"):
        report.markdown(results.to_dict())
    with pytest.raises(TypeError, match="advice: expected the office's own text"):
        report.markdown(results, advice=b"bytes")
    with pytest.raises(TypeError, match="font: expected a font file's path"):
        report.html(results, font=1)


def test_the_print_stylesheet_sets_a4_a_page_per_unit_and_uncut_rows():
    page = html_of("changzhou-2020")
    css = re.search(r"<style>(.*?)</style>", page, flags=re.S).group(1)
    assert '"Noto Sans CJK SC"' in css  # the styles as written, not escaped as HTML text
    assert re.search(r"@page\s*\{\s*size:\s*A4", css)
    assert re.search(r"\.unit-page\s*\{[^}]*break-before:\s*page", css)
    assert re.search(r"tr, figure[^{]*\{\s*break-inside:\s*avoid", css)
    assert re.search(r"thead\s*\{\s*display:\s*table-header-group", css)


def test_a_units_page_shows_the_evidence_it_gave():
    results = results_of("yifeng-2020-departments")
    page = html_of("yifeng-2020-departments")
    unit = results.units[0]
    given = [
        ref
        for cell in unit.nodes()
        for e in cell.entries
        if e.kind == "evidence"
        for ref in (e.inputs or {}).get("accepted", ())
    ]
    assert given
    article = re.search(
        rf'<article class="unit-page" id="unit-1" data-unit="{unit.id}">.*?</article>',
        page,
        flags=re.S,
    ).group(0)
    for ref in given:
        assert str(getattr(ref, "ref", ref)) in article


def test_the_format_follows_the_output_files_suffix(tmp_path):
    result = run(
        "report",
        "changzhou-2020",
        str(EXAMPLES / "changzhou-2020.facts.json"),
        "-o",
        "report.md",
        cwd=tmp_path,
        timeout=60,
        memory=4 * 1024**3,
    )
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert text == report.markdown(results_of("changzhou-2020"))


def test_top_takes_at_least_one_unit(tmp_path):
    facts = str(EXAMPLES / "changzhou-2020.facts.json")
    result = run("report", "changzhou-2020", facts, "--top", "0", cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "--top takes a number of units of at least 1, got 0" in result.stderr


def test_the_markdown_reports_ranking_and_rates_are_the_results():
    results = results_of("jingan-2020-evaluation")
    text = report.markdown(results)
    for unit in results.units:
        row = f"| {unit.rank} | {unit.id} | {shown(unit.total)} | {unit.grade} |"
        assert row in text, row
    for section in sections_of(results):
        rate = points_rate(results, results.units, items_of(results, section))
        assert f"得分率: **{rate}**" in text, section


def test_the_report_is_reached_from_the_package():
    assert dr.report.html is report.html and "report" in dr.__all__


def test_the_command_names_a_missing_extra_before_scoring(monkeypatch, capsys, tmp_path):
    from disclosure_rules.cli import main

    monkeypatch.setitem(__import__("sys").modules, "matplotlib", None)
    scored = []
    monkeypatch.setattr(dr.Ruleset, "evaluate", lambda *a, **k: scored.append(a))
    facts = str(EXAMPLES / "changzhou-2020.facts.json")
    assert main(["report", "changzhou-2020", facts, "-o", str(tmp_path / "r.html")]) == 1
    err = capsys.readouterr().err
    assert "DR901 reports need the report extra (matplotlib is not installed)" in err
    assert scored == [] and not (tmp_path / "r.html").exists()


def test_the_overview_lists_the_assumed_structure_and_the_losses_say_which_rules_are_assumed():
    results = results_of("shanghai-2020-districts")
    page = html_of("shanghai-2020-districts")
    assumed = results.graph.assumed_structure
    assert assumed
    listed = re.search(r'<ul class="assumed-structure">(.*?)</ul>', page, flags=re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", listed) == [str(a) for a in assumed]
    reasons = {
        e.assumption
        for unit in results.units
        for cell in unit.nodes()
        if cell.status in ASSESSED and cell.score < cell.max
        for e in cell.entries
        if e.assumption and e.kind != "child"
    }
    for reason in reasons:
        assert reason in page
