"""The Jing'an example report in a real headless Chromium.

The report is made by the installed command, opened from disk in the machine's
Chromium (driven over the DevTools protocol by Playwright, which is given the
browser's path and never downloads one) and read as a reader's browser builds it:
the ranking, the 13 dimensions with their rates, every chart laid out at a real size.
Any console error, page error or request that leaves the file fails the test. A
screenshot and a PDF are written to ``build/report/`` (or ``$DR_BUILD_DIR``).

Without Chromium (or Playwright) the test is skipped, with the reason; CI sets
``DR_REQUIRE_BROWSER=1``, and then a missing browser fails it instead.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from installed import EXAMPLES, run

BUILD = Path(os.environ.get("DR_BUILD_DIR") or Path(__file__).parents[1] / "build") / "report"
REQUIRED = os.environ.get("DR_REQUIRE_BROWSER") == "1"
CHROMIUM = os.environ.get("DR_CHROMIUM") or next(
    (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None
)
UNITS, GROUPS, DIMENSIONS = 46, 3, 13


def _browser_missing() -> str | None:
    if CHROMIUM is None:
        return "no Chromium on this machine (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ModuleNotFoundError:
        return "playwright is not installed (pip install '.[test]')"
    return None


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    missing = _browser_missing()
    if missing is not None:
        if REQUIRED:
            pytest.fail(f"DR_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    folder = tmp_path_factory.mktemp("report")
    html = folder / "jingan.html"
    made = run(
        "report",
        "jingan-2020-evaluation",
        str(EXAMPLES / "jingan-2020-evaluation.facts.json"),
        "-o",
        str(html),
        "--top",
        "3",
        cwd=folder,
        timeout=300,
        memory=4 * 1024**3,
    )
    assert made.returncode == 0, made.stderr
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        view = browser.new_page(viewport={"width": 1100, "height": 1500})
        view.on(
            "console",
            lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
        )
        view.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        view.on(
            "request",
            lambda r: None if r.url.startswith("file://") else problems.append(f"request {r.url}"),
        )
        view.goto(html.as_uri(), wait_until="load")
        yield view, problems
        browser.close()


def test_the_ranking_table_has_every_unit_in_its_three_groups(page):
    view, _ = page
    rows = view.locator("table.ranking tbody tr")
    assert rows.count() == UNITS
    groups = {rows.nth(i).get_attribute("data-group") for i in range(UNITS)}
    assert groups == {"district_government", "department", "street_town"}
    assert view.locator("table.ranking").count() == GROUPS


def test_each_dimension_has_a_section_with_its_rates(page):
    view, _ = page
    sections = view.locator("section.dimension")
    assert sections.count() == DIMENSIONS
    for i in range(DIMENSIONS):
        section = sections.nth(i)
        rate = section.locator('[data-figure="section-rate"]')
        assert rate.count() == 1 and "%" in rate.inner_text()
        assert section.locator('[data-figure="full-marks"]').count() >= 1
    requests = view.locator("#section-requests")
    assert "挂号信函申请渠道畅通" in requests.inner_text()
    assert requests.locator('[data-figure="full-marks"]').first.inner_text() == "46/46 = 100%"


def test_every_chart_is_laid_out_with_a_real_size(page):
    view, _ = page
    charts = view.locator("svg.chart")
    assert charts.count() == 3 + UNITS
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50, i
    # the charts' Chinese text is text, drawn in the page's fonts
    assert "重大决策预公开" in view.locator("#chart-section-rates").inner_html()


def test_the_page_logs_no_error_and_requests_nothing(page):
    _, problems = page
    assert problems == []


def test_a_screenshot_and_a_pdf_are_written_to_the_build_folder(page):
    view, problems = page
    BUILD.mkdir(parents=True, exist_ok=True)
    view.screenshot(path=str(BUILD / "jingan.png"))
    view.pdf(path=str(BUILD / "jingan.pdf"), prefer_css_page_size=True)
    assert (BUILD / "jingan.png").read_bytes().startswith(b"\x89PNG")
    pdf = (BUILD / "jingan.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and b"/MediaBox [0 0 594.95996 841.91998]" in pdf
    # a page per unit at least: each unit's page starts a new one
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) > UNITS
    assert problems == []


def test_the_command_prints_an_a4_pdf(tmp_path):
    if _browser_missing() is not None:
        if REQUIRED:
            pytest.fail(f"DR_REQUIRE_BROWSER=1 but {_browser_missing()}")
        pytest.skip(_browser_missing())
    import subprocess

    from installed import COMMAND

    out = tmp_path / "changzhou.pdf"
    done = subprocess.run(
        [
            COMMAND,
            "report",
            "changzhou-2020",
            str(EXAMPLES / "changzhou-2020.facts.json"),
            "-o",
            str(out),
            "--browser",
            CHROMIUM,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"/MediaBox [0 0 594.95996 841.91998]" in data  # A4, from the print stylesheet
    BUILD.mkdir(parents=True, exist_ok=True)
    (BUILD / "changzhou.pdf").write_bytes(data)
