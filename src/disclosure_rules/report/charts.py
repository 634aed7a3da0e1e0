"""The report's charts, drawn by matplotlib as self-contained inline SVG.

Each chart is drawn from the report's figures (:mod:`.figures`), never from numbers of
its own. Text is written as glyph outlines (``svg.fonttype = "path"``), so a chart
shows its Chinese titles in any browser or PDF viewer, with or without Chinese fonts;
drawing them needs a font with Chinese glyphs on this machine (Noto Sans CJK, from
Debian's ``fonts-noto-cjk``, or any of :data:`CJK_FAMILIES`, or a font file given with
``font=``). The SVG is deterministic (no date, fixed ids) and its ids carry the chart's
name, so several charts inline in one page never share an id.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import Diagnostic
from ..i18n import _
from .errors import ReportError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .shapes import GroupFigures, Summary, UnitPage

__all__ = ["CJK_FAMILIES", "Charts", "cjk_family"]

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Noto Sans CJK JP",
)
"""Font families with Chinese glyphs, tried in this order."""

_GRADE_COLOURS = ("#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027", "#7f0000")
_GROUP_COLOURS = ("#4575b4", "#f46d43", "#66bd63", "#9e6ebd", "#a6761d", "#666666")
_UNIT_COLOUR = "#4575b4"
_COHORT_COLOUR = "#d73027"
_WIDTH = 7.0  # inches: the text width of an A4 page with margins
_TITLE_CHARS = 18  # a section title longer than this is cut, with "…"
_LABELS = 2.3  # inches left of a bar chart for its section titles
_BOTTOM = 0.45  # inches below the axes, for the x labels
_RIGHT = 0.2  # inches right of the axes


def cjk_family(font_file: str | None = None) -> str:
    """The font family the charts are drawn in: ``font_file``'s, or the first of
    :data:`CJK_FAMILIES` installed; a :class:`ReportError` (DR903) when there is none."""
    from matplotlib import font_manager

    if font_file is not None:
        try:
            font_manager.fontManager.addfont(font_file)
            return str(font_manager.FontProperties(fname=font_file).get_name())
        except (OSError, RuntimeError, ValueError) as exc:
            msg = _("cannot use the font file for the charts: {exc}").format(exc=exc)
            raise ReportError(Diagnostic("DR903", msg, file=font_file)) from None
    for rescan in (False, True):
        if rescan:  # a font installed after matplotlib cached its list: add what it lacks
            known = {f.fname for f in font_manager.fontManager.ttflist}
            for path in font_manager.findSystemFonts():
                if path not in known:
                    with contextlib.suppress(OSError, RuntimeError, ValueError):
                        font_manager.fontManager.addfont(path)
        installed = {f.name for f in font_manager.fontManager.ttflist}
        for family in CJK_FAMILIES:
            if family in installed:
                return family
    msg = _("no font with Chinese glyphs is installed for the charts")
    hint = _(
        "install one (Debian/Ubuntu: apt-get install fonts-noto-cjk; "
        "then remove matplotlib's font cache, ~/.cache/matplotlib) "
        "or give a font file with --font"
    )
    raise ReportError(Diagnostic("DR903", msg, file="<charts>", hint=hint))


class Charts:
    """Draws the report's charts for one summary, in one font.

    Use it as a context manager: matplotlib reads its settings (the font among them)
    when text is created and drawn, so every chart is drawn inside ``with charts:``.
    """

    def __init__(self, summary: Summary, labels: Mapping[str, str], family: str) -> None:
        self.summary = summary
        self.labels = labels
        self.rc: Any = {
            "font.family": [family, "DejaVu Sans"],
            "font.size": 9,
            "svg.fonttype": "none",
            "svg.hashsalt": "disclosure-rules",
            "axes.spines.top": False,
            "axes.spines.right": False,
        }

    def __enter__(self) -> Charts:
        from matplotlib import rc_context

        self._style = contextlib.ExitStack()
        self._style.enter_context(rc_context(self.rc))
        return self

    def __exit__(self, *exc: object) -> None:
        self._style.close()

    # ------------------------------------------------------------ the charts

    def grade_mix(self) -> str | None:
        """Units per grade, a stacked bar per group; None when the ruleset has no grades."""
        s = self.summary
        if not s.grade_names:
            return None
        groups = s.groups
        fig = self._figure(0.45 * len(groups), left=_LABELS)
        ax = fig.subplots()
        names = [self._group_name(g) for g in groups]
        left = [0] * len(groups)
        for k, grade in enumerate(s.grade_names):
            counts = [dict(g.grades)[grade] for g in groups]
            bars = ax.barh(
                names,
                counts,
                left=left,
                color=_GRADE_COLOURS[k % len(_GRADE_COLOURS)],
                label=grade,
                edgecolor="white",
            )
            ax.bar_label(bars, labels=[str(c) if c else "" for c in counts], label_type="center")
            left = [a + b for a, b in zip(left, counts, strict=True)]
        ax.invert_yaxis()
        ax.set_xlabel(self.labels["count"])
        ax.legend(ncols=len(s.grade_names), loc="lower center", bbox_to_anchor=(0.5, 1.0))
        return self._svg(fig, "grade-mix", self.labels["chart_grade_mix"])

    def distribution(self) -> str:
        """Each group's totals: a box and every unit's total as a point."""
        groups = self.summary.groups
        fig = self._figure(2.6, top=0.15)
        ax = fig.subplots()
        # presentation only: plotting needs floats; the figures stay exact elsewhere
        data = [[float(t) for t in g.totals] for g in groups]
        positions = list(range(1, len(groups) + 1))
        ax.boxplot(data, positions=positions, widths=0.5, showfliers=False)
        for pos, values, colour in zip(positions, data, itertools.cycle(_GROUP_COLOURS)):
            ax.scatter(_spread(pos, len(values)), sorted(values), s=12, color=colour, zorder=3)
        ax.set_xticks(positions, [self._group_name(g) for g in groups])
        ax.set_ylabel(self.labels["total"])
        return self._svg(fig, "distribution", self.labels["chart_distribution"])

    def section_rates(self) -> str:
        """Each section's score rate across the cohort (and by group, with groups)."""
        sections = self.summary.sections
        series: list[tuple[str, list[Decimal | None]]] = [
            (self.labels["all_units"], [s.rate.value for s in sections])
        ]
        if len(self.summary.groups) > 1:
            series = [
                (
                    self.summary.group_title(g.name),
                    [dict(s.group_rates)[g.name].value for s in sections],
                )
                for g in self.summary.groups
            ]
        fig = self._figure(0.25 * len(sections) * max(1, len(series) * 0.6), left=_LABELS)
        ax = fig.subplots()
        self._rate_bars(ax, [_short(s.title) for s in sections], series)
        return self._svg(fig, "section-rates", self.labels["chart_section_rates"])

    def unit_rates(self, page: UnitPage, index: int) -> str:
        """One unit's score rate on each section it was assessed on, with the cohort's."""
        sections = {s.id: s for s in self.summary.sections}
        shown = [(sections[sid], rate) for sid, rate in page.section_rates if rate.whole]
        fig = self._figure(0.25 * max(1, len(shown)), left=_LABELS)
        ax = fig.subplots()
        titles = [_short(s.title) for s, _ in shown]
        self._rate_bars(
            ax,
            titles,
            [(self.labels["this_unit"], [rate.value for _label, rate in shown])],
            marks=(self.labels["cohort_rate"], [s.rate.value for s, _ in shown]),
        )
        return self._svg(fig, f"unit-{index}", self.labels["chart_unit_rates"])

    # ------------------------------------------------------------ helpers

    def _figure(self, height: float, left: float = 0.6, top: float = 0.4) -> Figure:
        """A figure of ``height`` inches with fixed margins (inches): laying out by hand
        is several times faster than matplotlib's layout engines, over a unit page each."""
        from matplotlib.figure import Figure

        height += top + _BOTTOM
        fig = Figure(figsize=(_WIDTH, height))
        fig.subplots_adjust(
            left=left / _WIDTH,
            right=1 - _RIGHT / _WIDTH,
            bottom=_BOTTOM / height,
            top=1 - top / height,
        )
        return fig

    def _rate_bars(
        self,
        ax: Any,
        titles: Sequence[str],
        series: Sequence[tuple[str, Sequence[Decimal | None]]],
        marks: tuple[str, Sequence[Decimal | None]] | None = None,
    ) -> None:
        height = 0.8 / len(series)
        for k, (name, values) in enumerate(series):
            ys = [i - 0.4 + height * (k + 0.5) for i in range(len(titles))]
            widths = [_pct(v) for v in values]
            colour = _GROUP_COLOURS[k % len(_GROUP_COLOURS)] if len(series) > 1 else _UNIT_COLOUR
            ax.barh(ys, widths, height=height * 0.9, color=colour, label=name)
        if marks is not None:
            name, values = marks
            ys = list(range(len(titles)))
            ax.scatter(
                [_pct(v) for v in values],
                ys,
                marker="|",
                s=200,
                color=_COHORT_COLOUR,
                label=name,
                zorder=3,
            )
        ax.set_yticks(range(len(titles)), titles)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel(f"{self.labels['score_rate']} (%)")
        if len(series) > 1 or marks is not None:
            ax.legend(
                ncols=len(series) + (marks is not None),
                loc="lower center",
                bbox_to_anchor=(0.5, 1.0),
            )

    def _svg(self, fig: Figure, name: str, title: str) -> str:
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        text = buffer.getvalue()
        text = text[text.index("<svg") :]
        text = _prefixed_ids(text, f"{name}-")
        return text.replace(
            "<svg ",
            f'<svg class="chart" id="chart-{name}" role="img" aria-label="{_attr(title)}" ',
            1,
        )

    def _group_name(self, group: GroupFigures) -> str:
        return self.summary.group_title(group.name) or self.labels["all_units"]


def _prefixed_ids(svg: str, prefix: str) -> str:
    """Every id of ``svg`` and every reference to one, prefixed: charts inline in one page
    must not share ids (matplotlib names glyphs and clip paths the same in every chart)."""
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', svg)
    svg = re.sub(r'(xlink:href|href)="#([^"]+)"', rf'\1="#{prefix}\2"', svg)
    return re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", svg)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _short(title: str) -> str:
    return title if len(title) <= _TITLE_CHARS else title[: _TITLE_CHARS - 1] + "…"


def _pct(value: Decimal | None) -> float:
    # presentation only: a bar's length
    return 0.0 if value is None else float(value * 100)


def _spread(centre: int, n: int) -> list[float]:
    """Evenly spread x positions around ``centre`` for ``n`` points (no random jitter, so
    the chart is the same on every run)."""
    if n == 1:
        return [float(centre)]
    return [centre - 0.15 + 0.3 * i / (n - 1) for i in range(n)]
