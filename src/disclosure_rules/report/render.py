"""Rendering: the figures (:mod:`.figures`) and the charts (:mod:`.charts`) through the
Jinja2 templates in ``templates/`` into one HTML file (styles and charts inline, nothing
fetched) or Markdown.

The templates hold words and layout only, never a number: every figure reaches them
from :func:`~.figures.summarise` and is printed by the filters below, which round as
the ruleset rounds (half up, its places).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..decimals import round_half_up
from ..decimals import text as exact
from ..errors import Diagnostic, expect_argument, line_file
from ..i18n import _
from .errors import ReportError
from .figures import summarise
from .labels import labels
from .shapes import Rate, Summary

if TYPE_CHECKING:
    from jinja2 import Environment

    from ..evaluation.results import Results

__all__ = ["html", "markdown", "missing_extra", "number", "percent", "ratio", "require_extra"]

TEMPLATES = Path(__file__).parent / "templates"


def html(
    results: Results,
    *,
    lang: str = "zh",
    advice: str | None = None,
    top: int | None = None,
    font: str | None = None,
) -> str:
    """The report as one self-contained HTML page (styles and SVG charts inline)."""
    expect_argument(font, (str, type(None)), "font", "a font file's path (str)")
    summary, words = _prepared(results, lang, advice, top)
    return _render(
        "report.html.j2",
        summary,
        words,
        lang,
        advice,
        autoescape=True,
        charts=_charts(summary, words, font),
        css=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
        anchors=_anchors(summary),
    )


def markdown(
    results: Results, *, lang: str = "zh", advice: str | None = None, top: int | None = None
) -> str:
    """The report as Markdown (the same sections and tables, without the charts)."""
    summary, words = _prepared(results, lang, advice, top)
    return _render("report.md.j2", summary, words, lang, advice, autoescape=False)


def _prepared(
    results: Results, lang: str, advice: str | None, top: int | None
) -> tuple[Summary, Mapping[str, str]]:
    """The arguments checked where they enter; the figures and the labels."""
    expect_argument(advice, (str, type(None)), "advice", "the office's own text (str)")
    words = labels(lang)
    return summarise(results, top=top), words


def _render(
    template: str,
    summary: Summary,
    words: Mapping[str, str],
    lang: str,
    advice: str | None,
    *,
    autoescape: bool,
    **extra: Any,
) -> str:
    env = _environment(summary.rounding, autoescape=autoescape)
    return env.get_template(template).render(
        s=summary,
        o=summary.overview,
        L=words,
        lang=lang,
        advice=_paragraphs(advice),
        sections={section.id: section for section in summary.sections},
        **extra,
    )


# ---------------------------------------------------------------- formatting


def number(value: Decimal, places: int) -> str:
    """A figure as printed: rounded half up to ``places``, no trailing zeros."""
    return exact(round_half_up(value, places))


def percent(rate: Rate | None, places: int) -> str:
    """A rate as a percentage (``96.74%``), or ``—`` when nothing was assessed."""
    if rate is None or rate.value is None:
        return "—"
    return f"{number(rate.value * 100, places)}%"


def ratio(rate: Rate | None, places: int) -> str:
    """A rate with its parts: ``46/46 = 100%``."""
    if rate is None or rate.value is None:
        return "—"
    return f"{number(rate.part, places)}/{number(rate.whole, places)} = {percent(rate, places)}"


def _environment(places: int, *, autoescape: bool) -> Environment:
    try:
        import jinja2
    except ModuleNotFoundError as exc:
        raise missing_extra(exc) from None
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = lambda v: number(v, places)
    env.filters["pct"] = lambda r: percent(r, places)
    env.filters["ratio"] = lambda r: ratio(r, places)
    env.filters["share"] = lambda v: f"{number(v * 100, places)}%"
    env.filters["signed"] = lambda v: ("+" if v >= 0 else "−") + number(abs(v), places)
    env.filters["cell"] = _md_cell
    # a line an overlay takes from its base names the base's file
    env.filters["of_file"] = lambda line: f", {line_file(line)}" if line_file(line) else ""
    return env


def _anchors(summary: Summary) -> dict[str, str]:
    """Each unit's page anchor: ``unit-1``, ``unit-2`` … in the order of the results."""
    return {page.id: f"unit-{i}" for i, page in enumerate(summary.units, start=1)}


def _md_cell(text: Any) -> str:
    """Text safe in a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _paragraphs(advice: str | None) -> list[str]:
    if not advice:
        return []
    return [p.strip() for p in advice.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _charts(summary: Summary, words: Mapping[str, str], font: str | None) -> Mapping[str, Any]:
    try:
        from .charts import Charts, cjk_family

        family = cjk_family(font)
    except ModuleNotFoundError as exc:
        raise missing_extra(exc) from None
    with Charts(summary, words, family) as charts:
        return {
            "grade_mix": charts.grade_mix(),
            "distribution": charts.distribution(),
            "section_rates": charts.section_rates(),
            "units": [charts.unit_rates(page, i) for i, page in enumerate(summary.units)],
        }


def require_extra(*, charts: bool = True) -> None:
    """Raise DR901 now, before any work, if the ``report`` extra is not installed
    (``charts=False``: only what Markdown needs)."""
    try:
        import jinja2  # noqa: F401

        if charts:
            import matplotlib  # noqa: F401
    except ModuleNotFoundError as exc:
        raise missing_extra(exc) from None


def missing_extra(exc: ModuleNotFoundError) -> ReportError:
    """DR901: the ``report`` extra (Jinja2, matplotlib) is not installed."""
    name = (exc.name or "").partition(".")[0]
    if name not in ("jinja2", "matplotlib", "markupsafe", "numpy"):
        raise exc
    msg = _("reports need the report extra ({name} is not installed)").format(name=name)
    hint = _("pip install 'disclosure-rules[report]'")
    return ReportError(Diagnostic("DR901", msg, file="<report>", hint=hint))
