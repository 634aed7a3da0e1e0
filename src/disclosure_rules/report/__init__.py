"""Reports: what an office publishes after scoring, made from a run's results.

The last step of the pipeline, beside ``cli``: results in, a document out. A report
has the sections of an assessment report — 概述 (overview), 结果 (results), 内容
(findings by section, with rates and the units that lost points), 建议 (the office's
own recommendations, read from a file, never written by the tool) — and a page per
unit with every lost point, its rule and its cite::

    import disclosure_rules as dr
    from disclosure_rules import report

    results = dr.load("jingan-2020-evaluation").evaluate("facts.json")
    page = report.html(results)            # one self-contained HTML file
    text = report.markdown(results)        # the same, as Markdown, without charts
    pdf = report.pdf(results)              # A4, printed by a headless Chromium
    figures = report.summarise(results)    # every figure, as exact data

:mod:`.figures` computes every figure (no extra needed); :mod:`.render` lays them out
with Jinja2 and :mod:`.charts` draws the charts with matplotlib (the ``report``
extra: ``pip install 'disclosure-rules[report]'``); :mod:`.browser` prints with the
browser installed on the machine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import ReportError
from .figures import summarise
from .render import html, markdown, require_extra
from .shapes import Summary

if TYPE_CHECKING:
    from ..evaluation.results import Results

__all__ = [
    "FORMATS",
    "ReportError",
    "Summary",
    "html",
    "markdown",
    "pdf",
    "render",
    "require_extra",
    "summarise",
]

FORMATS = ("html", "md", "pdf")


def pdf(
    results: Results,
    *,
    lang: str = "zh",
    advice: str | None = None,
    top: int | None = None,
    font: str | None = None,
    browser: str | None = None,
) -> bytes:
    """The report as an A4 PDF, printed from its HTML by a headless Chromium."""
    from .browser import find_browser, print_pdf

    find_browser(browser)  # before the work: no browser, no report
    page = html(results, lang=lang, advice=advice, top=top, font=font)
    return print_pdf(page, browser)


def render(
    results: Results,
    format: str = "html",
    *,
    lang: str = "zh",
    advice: str | None = None,
    top: int | None = None,
    font: str | None = None,
    browser: str | None = None,
) -> bytes:
    """The report in ``format`` (``html``, ``md`` or ``pdf``), as the bytes of its file."""
    if format == "html":
        return html(results, lang=lang, advice=advice, top=top, font=font).encode("utf-8")
    if format == "md":
        return markdown(results, lang=lang, advice=advice, top=top).encode("utf-8")
    if format == "pdf":
        return pdf(results, lang=lang, advice=advice, top=top, font=font, browser=browser)
    raise ValueError(f"format: expected one of {', '.join(FORMATS)}, got {format!r}")
