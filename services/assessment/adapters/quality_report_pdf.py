"""The valuation-quality report as a PDF (issue 15 item 3), drawn with matplotlib in Norwegian bokmål.

A ratio study's report: a first page with what was studied and the figures per group and overall (median
ratio, COD, PRD, PRB with their 95 % intervals, each against the IAAO range) and the sales-chasing notes;
ratio against sale price (log price axis, the median and the 0.90–1.10 band); ratios by group as box
plots sorted by median with n under each; a map of the groups' median ratios over the zones (a diverging
colour map centred on 1.0) when zones are given; the trimmed sales as a table. A calibration's report: the
same for the held-out sales (grouped by zone), then the fitted rates, the zone factors (map and sorted),
the monthly price index and the excluded sales by rule.

Every figure printed comes from the study the RPC answers with; nothing is computed again but the boxes'
quartiles (matplotlib's) and a calibration's per-zone medians (the medians the boxes show). Text is set
in DejaVu Sans (matplotlib's own copy) as embedded TrueType, so readers and pdftotext read it; the PDF's
creation date is the report's business date and nothing else varies, so the same input gives the same
bytes. matplotlib's state is global: one report is drawn at a time.
"""

from __future__ import annotations

import io
import itertools
import math
import statistics
import textwrap
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import geopandas as gpd
import matplotlib
import numpy as np
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from services.assessment.application.quality_report import (
    CalibrationReport,
    RatioStudyReport,
    ReportSource,
)
from services.assessment.domain.calibration import Exclusion, ExclusionRule, ExclusionRules, exclusion_counts
from services.assessment.domain.ratio_study import (
    GroupStudy,
    Interval,
    RatioSale,
    RatioStandards,
    RatioStudy,
)
from services.assessment.domain.zones import Zone

_DRAWING = threading.Lock()
A4_LANDSCAPE = (11.69, 8.27)
_STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "pdf.fonttype": 42,  # TrueType: text stays text (searchable, extractable)
    "pdf.compression": 6,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "svg.hashsalt": "propertytax",
    "path.simplify": True,
}


def _style() -> Any:
    return matplotlib.rc_context(_STYLE)  # type: ignore[arg-type]  # keys typed as literals


_BAND_COLOUR = "#d9efd9"
_KEPT_COLOUR = "#2b6cb0"
_TRIMMED_COLOUR = "#c53030"
_NO_DATA = "#d9d9d9"
_ROW = 0.026  # a table row, as a share of the page's height
_TOP = 0.86
_BOTTOM = 0.07
_LINE = 0.017  # a further line of a table cell
BOXES_PER_PAGE = 40
LISTED_ROWS = 40  # the first N excluded sales of each rule

RULE_NAMES = {
    ExclusionRule.NO_PRICE: "mangler pris",
    ExclusionRule.NO_AREA: "mangler areal",
    ExclusionRule.AFTER_VALUATION_DATE: "solgt etter verdsettingsdatoen",
    ExclusionRule.OUTSIDE_ZONES: "utenfor sonene",
    ExclusionRule.RESALE: "videresalg",
    ExclusionRule.PRICE_PER_M2_OUTLIER: "avvikende m²-pris",
}

FAMILY_NAMES = {
    "condition": "tilstand",
    "standard": "standard",
    "outer": "ytre forhold (utsikt, strandlinje)",
}
CATEGORY_NAMES = {"housing": "bolig"}


def rule_text(rule: ExclusionRule, rules: ExclusionRules) -> str:
    return {
        ExclusionRule.NO_PRICE: f"salgspris mangler eller er under {number(float(rules.min_price), 0)}",
        ExclusionRule.NO_AREA: f"BRA mangler eller er under {number(float(rules.min_bra_m2), 0)} m², "
        "eller tomteareal mangler",
        ExclusionRule.AFTER_VALUATION_DATE: "solgt etter verdsettingsdatoen",
        ExclusionRule.OUTSIDE_ZONES: "punktet ligger ikke i noen sone (ingen sonefaktor)",
        ExclusionRule.RESALE: (
            f"samme eiendom solgt igjen innen {rules.resale_days} dager (det senere salget)"
        ),
        ExclusionRule.PRICE_PER_M2_OUTLIER: f"m²-pris mer enn {number(rules.iqr_k, 0)} kvartilavstander "
        f"utenfor sonens kvartiler (soner med minst {rules.iqr_min_sales} salg)",
    }[rule]


def found_text(exclusion: Exclusion) -> str:
    """What the rule found, in Norwegian with Norwegian numbers (the JSON keeps the English detail)."""
    sale = exclusion.sale
    rule = exclusion.rule
    if rule is ExclusionRule.NO_PRICE:
        return (
            "salgspris mangler"
            if sale.sale_price is None
            else f"salgspris {number(float(sale.sale_price), 0)}"
        )
    if rule is ExclusionRule.NO_AREA:
        parts = ["BRA mangler" if sale.bra_m2 is None else f"BRA {number(float(sale.bra_m2), 0)} m²"]
        if sale.plot_m2 is None:
            parts.append("tomteareal mangler")
        return ", ".join(parts)
    if rule is ExclusionRule.AFTER_VALUATION_DATE:
        return f"solgt {day(sale.sale_date)}"
    if rule is ExclusionRule.OUTSIDE_ZONES:
        return f"lengde {number(sale.lon, 5)}, bredde {number(sale.lat, 5)}: i ingen sone"
    if rule is ExclusionRule.RESALE and exclusion.days is not None:
        days = f"{exclusion.days} {'dag' if exclusion.days == 1 else 'dager'}"
        return f"solgt {days} etter salget på linje {exclusion.earlier_line}"
    if rule is ExclusionRule.PRICE_PER_M2_OUTLIER and exclusion.per_m2 is not None and exclusion.fences:
        low, high = exclusion.fences
        return (
            f"{number(exclusion.per_m2, 0)} kr/m² i sone {exclusion.zone_id or '–'} "
            f"(beholdt: {number(low, 0)}–{number(high, 0)})"
        )
    return exclusion.detail


def number(value: float, decimals: int) -> str:
    """Norwegian: decimal comma, a space between thousands, a real minus sign."""
    text = f"{abs(value):,.{decimals}f}".replace(",", " ").replace(".", ",")
    return ("−" if value < 0 and float(text.replace(" ", "").replace(",", ".")) != 0 else "") + text


def signed(value: float, decimals: int) -> str:
    return ("+" if value >= 0 else "") + number(value, decimals)


def day(value: date) -> str:
    return f"{value.day:02d}.{value.month:02d}.{value.year}"


def _figure(title: str, subtitle: str = "") -> Figure:
    figure = Figure(figsize=A4_LANDSCAPE)
    figure.text(0.05, 0.95, title, fontsize=15, fontweight="bold", va="top")
    if subtitle:
        figure.text(0.05, 0.91, subtitle, fontsize=9, va="top", color="#444444")
    return figure


def _footer(figure: Figure, source: ReportSource) -> None:
    figure.text(
        0.05,
        0.025,
        f"Verdsettingskvalitet · {source.sales_name} · {day(source.report_date)}",
        fontsize=7,
        color="#666666",
    )


class _Table:
    """A table drawn as text on pages: columns at fixed x positions, numbers right-aligned, continued on
    a new page (with the header again) when a page is full."""

    def __init__(self, columns: Sequence[tuple[str, float, str]]) -> None:
        self.columns = columns  # (header, x of its edge, "left" or "right")

    def draw(
        self,
        rows: Sequence[Sequence[str]],
        first: Figure,
        top: float,
        new_page: Callable[[], Figure],
        bold_last: bool = False,
    ) -> tuple[list[Figure], float]:
        """Draws from `top` of `first` on; returns the pages begun and where the last one ends."""
        pages: list[Figure] = []
        figure, y = first, self._header(first, top)
        for index, row in enumerate(rows):
            if y < _BOTTOM:
                figure = new_page()
                pages.append(figure)
                y = self._header(figure, _TOP)
            weight = "bold" if bold_last and index == len(rows) - 1 else "normal"
            for (_, x, align), cell in zip(self.columns, row, strict=True):
                figure.text(x, y, cell, ha=align, va="top", fontsize=8, fontweight=weight)
            y -= _ROW + _LINE * max(cell.count("\n") for cell in row)
        return pages, y

    def _header(self, figure: Figure, top: float) -> float:
        for header, x, align in self.columns:
            figure.text(x, top, header, ha=align, va="top", fontsize=8, fontweight="bold")
        figure.add_artist(
            matplotlib.lines.Line2D([0.05, 0.95], [top - 0.022, top - 0.022], color="#888888", lw=0.6)
        )
        return top - _ROW - 0.004


# ---- the first page: figures per group and overall -------------------------------------------------


def decimals_off_limits(value: float, decimals: int, limits: Sequence[float]) -> int:
    """Enough decimals that the figure shown does not sit on a limit (PRB 0,0501 is not shown as 0,050,
    which would look within ±0,05): up to 6."""
    while decimals < 6 and any(
        round(abs(value), decimals) == round(abs(limit), decimals) for limit in limits
    ):
        decimals += 1
    return decimals


def _with_interval(
    value: float,
    interval: Interval,
    decimals: int,
    met: bool,
    sign: bool = False,
    limits: Sequence[float] = (),
) -> str:
    show = signed if sign else number
    mark = "" if met else " ✗"
    decimals = decimals_off_limits(value, decimals, limits)
    return f"{show(value, decimals)} ({show(interval.low, decimals)} – {show(interval.high, decimals)}){mark}"


def _figure_row(name: str, group: GroupStudy, standards: RatioStandards) -> list[str]:
    figures, verdict = group.figures, group.verdict
    base = [name, str(group.sales), str(len(group.trimmed_lines))]
    if figures is None or verdict is None:
        return [*base, "", "for få salg", "", "", "", "–"]
    missed = [
        label
        for label, met in (
            ("median", verdict.median_ratio),
            ("COD", verdict.cod),
            ("PRD", verdict.prd),
            ("PRB", verdict.prb),
        )
        if not met
    ]
    return [
        *base,
        str(figures.n),
        _with_interval(
            figures.median_ratio,
            figures.median_ratio_ci,
            3,
            verdict.median_ratio,
            limits=(standards.median_low, standards.median_high),
        ),
        _with_interval(figures.cod, figures.cod_ci, 1, verdict.cod, limits=(standards.cod_limit,)),
        _with_interval(
            figures.prd, figures.prd_ci, 3, verdict.prd, limits=(standards.prd_low, standards.prd_high)
        ),
        _with_interval(figures.prb, figures.prb_ci, 3, verdict.prb, sign=True, limits=(standards.prb_limit,)),
        "innenfor" if verdict.passed else textwrap.fill("utenfor: " + ", ".join(missed), 16),
    ]


_FIGURE_TABLE = _Table(
    [
        ("Gruppe", 0.05, "left"),
        ("Salg", 0.205, "right"),
        ("Utelatt", 0.255, "right"),
        ("n", 0.29, "right"),
        ("Medianforhold (95 % KI)", 0.305, "left"),
        ("COD (95 % KI)", 0.45, "left"),
        ("PRD (95 % KI)", 0.575, "left"),
        ("PRB (95 % KI)", 0.71, "left"),
        ("Resultat", 0.875, "left"),
    ]
)


def _group_notes(name: str, group: GroupStudy, standards: RatioStandards) -> tuple[list[str], list[str]]:
    """What an assessor reads about a group, in Norwegian, from its verdict and flags: the ranges missed,
    and the signs of sales chasing."""
    figures, verdict = group.figures, group.verdict
    notes: list[str] = []
    chasing: list[str] = []
    if figures is None or verdict is None:
        notes.append(
            f"{group.sales - len(group.trimmed_lines)} salg etter trimming, "
            f"for få (minst {standards.min_sales})"
        )
    else:
        if not verdict.median_ratio:
            level = "lavt" if figures.median_ratio < standards.median_low else "høyt"
            shown = decimals_off_limits(
                figures.median_ratio, 3, (standards.median_low, standards.median_high)
            )
            notes.append(f"medianforholdet {number(figures.median_ratio, shown)} er for {level}")
        if not verdict.cod:
            shown = decimals_off_limits(figures.cod, 1, (standards.cod_limit,))
            notes.append(
                f"COD {number(figures.cod, shown)} over {number(standards.cod_limit, 0)}: for ujevne takster"
            )
        if not verdict.prd:
            kind = (
                "regressiv: dyre boliger takseres lavere"
                if figures.prd > standards.prd_high
                else ("progressiv: dyre boliger takseres høyere")
            )
            shown = decimals_off_limits(figures.prd, 3, (standards.prd_low, standards.prd_high))
            notes.append(f"PRD {number(figures.prd, shown)} ({kind})")
        if abs(figures.prb) > standards.prb_unacceptable:
            notes.append(
                f"PRB {signed(figures.prb, 3)} utenfor ±{number(standards.prb_unacceptable, 2)}: "
                "ikke akseptabelt"
            )
        elif not verdict.prb:
            shown = decimals_off_limits(figures.prb, 3, (standards.prb_limit,))
            notes.append(f"PRB {signed(figures.prb, shown)} utenfor ±{number(standards.prb_limit, 2)}")
        if group.low_cod:
            chasing.append(
                f"{name}: COD {number(figures.cod, 1)} er under {number(standards.low_cod, 0)}, "
                "urimelig jevnt: "
                "sjekk om takster er tilpasset salgsprisene."
            )
        if figures.ratios_bunched:
            chasing.append(
                f"{name}: forholdstallene klumper seg rundt medianen mer enn en normal spredning tilsier "
                "(IAAO 2013, tillegg E)."
            )
    change = group.value_change
    if change is not None and change.flagged:
        chasing.append(
            f"{name}: takstene for solgte eiendommer endret seg "
            f"{signed((change.sold_median_change - 1) * 100, 1)} %, for usolgte "
            f"{signed((change.unsold_median_change - 1) * 100, 1)} % (median)."
        )
    return ([f"{name}: " + "; ".join(notes) + "."] if notes else []), chasing


def _summary_pages(
    title: str,
    source: ReportSource,
    intro: Sequence[str],
    groups: Sequence[tuple[str, GroupStudy]],
    standards: RatioStandards,
    chase_checked: str,
) -> list[Figure]:
    first = _figure(title, "\n".join(textwrap.fill(line, 175) for line in intro))
    _footer(first, source)
    standards_text = (
        "Krav (IAAO Standard on Ratio Studies, 2013): medianforhold "
        f"{number(standards.median_low, 2)}–{number(standards.median_high, 2)} · COD høyst "
        f"{number(standards.cod_limit, 0)} ({'bolig, eldre eller blandede områder' if standards.cod_limit >= 15 else 'nyere eller ensartede områder'})"  # noqa: E501
        f" · PRD {number(standards.prd_low, 2)}–{number(standards.prd_high, 2)} · PRB innenfor "
        f"±{number(standards.prb_limit, 2)}.\nForholdstall = takst / salgspris. Forholdstall mer enn "
        f"{number(standards.iqr_k, 0)} kvartilavstander utenfor kvartilene er utelatt før beregningen. "
        "95 % konfidensintervall i parentes "
        f"(bootstrap med {standards.bootstrap} trekninger; PRB analytisk); "
        "✗: utenfor kravet."
    )
    wrapped = "\n".join(textwrap.fill(part, 190) for part in standards_text.split("\n"))
    first.text(0.05, 0.84, wrapped, fontsize=8, va="top", color="#333333")

    def new_page() -> Figure:
        page = _figure(title + " (forts.)")
        _footer(page, source)
        return page

    rows = [_figure_row(name, group, standards) for name, group in groups]
    pages, y = _FIGURE_TABLE.draw(rows, first, 0.76, new_page, bold_last=True)
    figure = pages[-1] if pages else first
    notes: list[str] = []
    chasing: list[str] = []
    for name, group in groups:
        found, chased = _group_notes(name, group, standards)
        notes += found
        chasing += chased
    if not chasing:
        chasing.append(
            f"Ingen tegn: ingen gruppe har COD under {number(standards.low_cod, 0)}, og forholdstallene "
            "klumper seg ikke rundt medianen (IAAO 2013, tillegg E)."
        )
    lines: list[tuple[str, bool]] = [("Merknader", True)]
    lines += [(n, False) for n in notes or ["Alle grupper med beregnede tall er innenfor kravene."]]
    lines += [("Salgsjakt (takster tilpasset salgsprisene)", True), *((c, False) for c in chasing)]
    lines.append((chase_checked, False))
    y -= 0.015
    if y < 0.25:
        figure = new_page()
        pages.append(figure)
        y = _TOP
    for line, heading in lines:
        for part in textwrap.wrap(line, 200, subsequent_indent="    ") if not heading else [line]:
            if y < _BOTTOM:
                figure = new_page()
                pages.append(figure)
                y = _TOP
            if heading:
                y -= 0.008
            figure.text(
                0.05,
                y,
                part,
                va="top",
                fontsize=9.5 if heading else 8,
                fontweight="bold" if heading else None,
            )
            y -= _ROW * (1.1 if heading else 0.85)
    return [first, *pages]


# ---- the plots ---------------------------------------------------------------------------------------


def _scatter_page(
    sales: Sequence[RatioSale],
    trimmed: set[int],
    median: float | None,
    standards: RatioStandards,
    source: ReportSource,
    title: str,
) -> Figure:
    figure = _figure(title, "Hvert punkt er ett salg. Logaritmisk prisakse.")
    _footer(figure, source)
    axes = figure.add_axes((0.08, 0.1, 0.86, 0.76))
    kept = [s for s in sales if s.line not in trimmed]
    out = [s for s in sales if s.line in trimmed]
    axes.axhspan(
        standards.median_low,
        standards.median_high,
        color=_BAND_COLOUR,
        label=f"kravet til medianforholdet ({number(standards.median_low, 2)}–"
        f"{number(standards.median_high, 2)})",
    )
    axes.axhline(1.0, color="#666666", lw=0.6)
    prices = np.array([float(s.sale_price) for s in kept])
    ratios = np.array([s.ratio for s in kept])
    axes.scatter(prices, ratios, s=9, alpha=0.45, color=_KEPT_COLOUR, lw=0, label=f"salg ({len(kept)})")
    if out:
        axes.scatter(
            [float(s.sale_price) for s in out],
            [s.ratio for s in out],
            s=28,
            marker="x",
            color=_TRIMMED_COLOUR,
            label=f"utelatt som avvikere ({len(out)})",
        )
    if median is not None:
        axes.axhline(median, color="black", lw=1.2, label=f"medianforhold {number(median, 3)}")
    if len(prices) >= 20:
        edges = np.quantile(prices, np.linspace(0, 1, 11))
        centres, medians = [], []
        for low, high in itertools.pairwise(edges):
            inside = (prices >= low) & (prices <= high)
            if inside.any():
                centres.append(float(np.median(prices[inside])))
                medians.append(float(np.median(ratios[inside])))
        axes.plot(centres, medians, color="#dd6b20", lw=1.6, marker="o", ms=4, label="median per prisdesil")
    axes.set_xscale("log")
    axes.xaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axes.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: number(v, 0)))
    axes.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    axes.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: number(v, 2)))
    all_ratios = [s.ratio for s in sales]
    low, high = min(all_ratios), max(all_ratios)
    axes.set_ylim(max(0.0, min(low, 0.7) - 0.05), min(max(high, 1.3) + 0.05, 3.0))
    if high > 3.0:
        axes.text(0.99, 0.99, "forholdstall over 3 er utenfor figuren", transform=axes.transAxes, ha="right")
    axes.set_xlabel("Salgspris")
    axes.set_ylabel("Forholdstall (takst / salgspris)")
    axes.grid(True, which="major", color="#e5e5e5", lw=0.5)
    axes.legend(loc="upper right", fontsize=8, framealpha=0.9)
    return figure


def _box_pages(
    groups: Sequence[tuple[str, list[float], float]],
    standards: RatioStandards,
    source: ReportSource,
    title: str,
    label: str,
) -> list[Figure]:
    """Box plots of the groups' ratios (after trimming), sorted by median; n under each box."""
    ordered = sorted(groups, key=lambda g: (g[2], g[0]))
    pages = []
    count = math.ceil(len(ordered) / BOXES_PER_PAGE)
    for page_number in range(count):
        chunk = ordered[page_number * BOXES_PER_PAGE : (page_number + 1) * BOXES_PER_PAGE]
        part = f" ({page_number + 1} av {count})" if count > 1 else ""
        figure = _figure(
            title + part,
            "Boksen: midterste halvdel av forholdstallene, streken: medianen, værhårene: 1,5 kvartilavstand. "
            "Sortert etter median; n under hver. Utelatte avvikere er ikke med.",
        )
        _footer(figure, source)
        axes = figure.add_axes((0.08, 0.2, 0.86, 0.66))
        axes.axhspan(standards.median_low, standards.median_high, color=_BAND_COLOUR)
        axes.axhline(1.0, color="#666666", lw=0.6)
        axes.boxplot(
            [g[1] for g in chunk],
            widths=0.6,
            patch_artist=True,
            boxprops={"facecolor": "#bee3f8", "edgecolor": _KEPT_COLOUR},
            medianprops={"color": "black"},
            flierprops={"marker": ".", "markersize": 3, "markeredgecolor": "#555555"},
        )
        axes.set_xticks(
            range(1, len(chunk) + 1),
            [f"{g[0]}\nn = {len(g[1])}" for g in chunk],
            rotation=90 if len(chunk) > 12 else 0,
            fontsize=7 if len(chunk) > 12 else 8,
        )
        axes.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: number(v, 2)))
        axes.set_ylabel("Forholdstall (takst / salgspris)")
        axes.set_xlabel(label, labelpad=6)
        axes.grid(True, axis="y", color="#e5e5e5", lw=0.5)
        pages.append(figure)
    return pages


def _zones_frame(zones: Sequence[Zone]) -> Any:
    return gpd.GeoDataFrame(
        {"zone_id": [z.zone_id for z in zones], "name": [z.name for z in zones]},
        geometry=[z.geometry for z in zones],
        crs="EPSG:4326",
    )


def _map_page(
    zones: Sequence[Zone],
    values: dict[str, float],
    source: ReportSource,
    title: str,
    subtitle: str,
    colour_label: str,
    missing_label: str,
    spread: float = 0.1,
    legend: tuple[str, str] = ("under 1: lavere enn markedet", "over 1: høyere enn markedet"),
    min_to_max: bool = False,
) -> Figure:
    """The zones coloured by `values` (zone id → value) on a diverging colour map centred on 1.0: blue
    under, red over; zones without a value grey. The scale reaches as far on both sides of 1 as the
    furthest value (at least `spread`), or, `min_to_max`, from the smallest value to the largest."""
    figure = _figure(title, subtitle)
    _footer(figure, source)
    axes = figure.add_axes((0.05, 0.06, 0.78, 0.82))
    frame = _zones_frame(zones)
    frame["value"] = [values.get(z.zone_id, np.nan) for z in zones]
    reach = max([abs(v - 1.0) for v in values.values()] + [spread])
    norm: Normalize = TwoSlopeNorm(vcenter=1.0, vmin=1.0 - reach, vmax=1.0 + reach)
    if min_to_max and values:
        low, high = min(values.values()), max(values.values())
        if low < 1.0 < high:
            norm = TwoSlopeNorm(vcenter=1.0, vmin=low, vmax=high)
        elif low < high:
            norm = Normalize(vmin=low, vmax=high)
    cmap = matplotlib.colormaps["RdBu_r"]
    with_value = frame[frame["value"].notna()]
    without = frame[frame["value"].isna()]
    if len(without):
        without.plot(ax=axes, color=_NO_DATA, edgecolor="white", lw=0.4)
    if len(with_value):
        with_value.plot(ax=axes, column="value", cmap=cmap, norm=norm, edgecolor="#555555", lw=0.3)
    if len(values) < len(zones) / 2 and len(with_value):
        x0, y0, x1, y1 = with_value.total_bounds
        margin = 0.35 * max(x1 - x0, y1 - y0)
        axes.set_xlim(x0 - margin, x1 + margin)
        axes.set_ylim(y0 - margin, y1 + margin)
    if len(values) <= 20 and len(zones) <= 40:
        for zone_id, geometry in zip(frame["zone_id"], frame.geometry, strict=True):
            if zone_id in values:
                point = geometry.representative_point()
                axes.annotate(
                    number(values[zone_id], 2), (point.x, point.y), ha="center", va="center", fontsize=7
                )
    axes.set_axis_off()
    bar_axes = figure.add_axes((0.86, 0.22, 0.018, 0.62))
    colour_bar = figure.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap), cax=bar_axes)
    colour_bar.set_label(colour_label)
    colour_bar.ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: number(v, 2)))
    figure.legend(
        handles=[
            Patch(facecolor=cmap(0.15), label=textwrap.fill(legend[0], 30)),
            Patch(facecolor=cmap(0.85), label=textwrap.fill(legend[1], 30)),
            Patch(facecolor=_NO_DATA, label=missing_label),
        ],
        loc="upper left",
        bbox_to_anchor=(0.78, 0.17),
        fontsize=8,
        frameon=False,
    )
    return figure


# ---- tables of sales ---------------------------------------------------------------------------------


def _trimmed_pages(
    title: str,
    source: ReportSource,
    rows: Sequence[tuple[int, str, RatioSale]],
    explanation: str,
) -> list[Figure]:
    first = _figure(title, explanation)
    _footer(first, source)

    def new_page() -> Figure:
        page = _figure(title + " (forts.)")
        _footer(page, source)
        return page

    table = _Table(
        [
            ("Linje", 0.09, "right"),
            ("Utelatt fra", 0.12, "left"),
            ("Gruppe", 0.3, "left"),
            ("Takst", 0.56, "right"),
            ("Salgspris", 0.7, "right"),
            ("Forholdstall", 0.82, "right"),
        ]
    )
    if not rows:
        first.text(0.05, 0.84, "Ingen salg ble utelatt.", fontsize=10)
        return [first]
    cells = [
        [
            str(sale.line),
            where,
            sale.group or "–",
            number(float(sale.assessed_value), 0),
            number(float(sale.sale_price), 0),
            number(sale.ratio, 3),
        ]
        for _, where, sale in rows
    ]
    pages, _ = table.draw(cells, first, _TOP - 0.02, new_page)
    return [first, *pages]


def _trimmed_rows(study: RatioStudy, sales: Sequence[RatioSale]) -> list[tuple[int, str, RatioSale]]:
    by_line = {s.line: s for s in sales}
    where: dict[int, list[str]] = {}
    for group in study.groups:
        for line in group.trimmed_lines:
            where.setdefault(line, []).append(f"gruppen {group.group}")
    for line in study.overall.trimmed_lines:
        where.setdefault(line, []).append("samlet")
    return [(line, " og ".join(where[line]), by_line[line]) for line in sorted(where)]


# ---- the documents -----------------------------------------------------------------------------------


def _pdf(pages: Sequence[Figure], source: ReportSource, title: str) -> bytes:
    buffer = io.BytesIO()
    created = datetime(
        source.report_date.year, source.report_date.month, source.report_date.day, 12, tzinfo=UTC
    )
    metadata = {
        "Title": title,
        "Author": "propertytax",
        "Subject": "Verdsettingskvalitet (IAAO Standard on Ratio Studies)",
        "Creator": "propertytax",
        "Producer": "propertytax (matplotlib)",
        "CreationDate": created,
        "ModDate": created,
    }
    with PdfPages(buffer, metadata=metadata) as document:
        for page in pages:
            document.savefig(page)
    return buffer.getvalue()


def _kept_by_group(study: RatioStudy, sales: Sequence[RatioSale]) -> list[tuple[str, list[float], float]]:
    """Each group's ratios after its own trimming, with the group's median ratio (the study's)."""
    result = []
    for group in study.groups:
        trimmed = set(group.trimmed_lines)
        ratios = [s.ratio for s in sales if s.group == group.group and s.line not in trimmed]
        if not ratios:
            continue
        median = group.figures.median_ratio if group.figures else statistics.median(ratios)
        result.append((group.group, ratios, median))
    return result


def _zone_of_group(zones: Sequence[Zone]) -> dict[str, str]:
    """A group names a zone by its id or by its name."""
    found = {z.name: z.zone_id for z in zones}
    found.update({z.zone_id: z.zone_id for z in zones})
    return found


def render_ratio_study(report: RatioStudyReport) -> bytes:
    study, sales, source = report.study, report.sales, report.source
    standards = study.standards
    title = "Forholdstallsanalyse: takster mot salgspriser"
    grouped = (
        f"gruppert etter «{study.group_by}», {len(study.groups)} grupper"
        if study.group_by
        else "ikke gruppert"
    )
    intro = [
        f"Salgsfil: {source.sales_name} · {len(sales)} salg · {grouped} · "
        f"rapportdato {day(source.report_date)}" + (f" · soner: {source.zones_name}" if report.zones else ""),
    ]
    names = _zone_of_group(report.zones)
    values = {
        names[g.group]: g.figures.median_ratio
        for g in study.groups
        if g.group in names and g.figures is not None
    }
    if report.zones and not study.group_by:
        intro.append(
            "Kartet over sonene er utelatt: salgene er ikke gruppert (--group-by mangler), så ingen sone har "
            "egne tall. Grupper etter sonen (f.eks. --group-by zone) for å få kartet."
        )
    elif report.zones and not values:
        intro.append(
            f"Kartet over sonene er utelatt: ingen gruppe i «{study.group_by}» har samme id eller navn som "
            f"en sone i {source.zones_name} (med beregnede tall)."
        )
    groups = [(g.group, g) for g in study.groups] + [("Samlet", study.overall)]
    has_change = any(g.value_change is not None for _, g in groups)
    chase_checked = (
        "Verdiendring for solgte og usolgte eiendommer er sammenlignet (IAAO 2013, tillegg E)."
        if has_change
        else "Verdiendring for solgte mot usolgte eiendommer er ikke vurdert (ingen fil over usolgte "
        "eiendommer med tidligere takst)."
    )
    overall = study.overall.figures
    with _DRAWING, _style():
        pages = _summary_pages(title, source, intro, groups, standards, chase_checked)
        pages.append(
            _scatter_page(
                sales,
                set(study.overall.trimmed_lines),
                overall.median_ratio if overall else None,
                standards,
                source,
                "Forholdstall mot salgspris",
            )
        )
        if study.group_by:
            pages += _box_pages(
                _kept_by_group(study, sales), standards, source, "Forholdstall per gruppe", study.group_by
            )
        if values:
            pages.append(
                _map_page(
                    report.zones,
                    values,
                    source,
                    "Medianforhold per sone",
                    f"Sonene i {source.zones_name}; en gruppe vises i sonen med samme id eller navn. "
                    f"{len(values)} av {len(report.zones)} soner har tall.",
                    "Medianforhold (takst / salgspris)",
                    "ingen eller for få salg",
                )
            )
        pages += _trimmed_pages(
            "Salg utelatt som avvikere",
            source,
            _trimmed_rows(study, sales),
            f"Forholdstall mer enn {number(standards.iqr_k, 0)} kvartilavstander under første eller over "
            "tredje kvartil (IAAO 2013, tillegg B.1), i gruppen og samlet.",
        )
        return _pdf(pages, source, title)


# ---- calibration -------------------------------------------------------------------------------------


def _rates_page(report: CalibrationReport) -> Figure:
    calibration = report.calibration
    rates = calibration.model.rates
    figure = _figure(
        "Tilpassede satser",
        "Sjablongmodellen tilpasset salgene: m²-sats per kategori, tomtesats og hvor mye hver m² teller "
        "etter boligens og tomtens størrelse.",
    )
    _footer(figure, report.source)
    lines = [
        f"m²-sats, {CATEGORY_NAMES.get(c.value, c.value)}: {number(float(r.nok), 0)} per m² BRA"
        for c, r in rates.rate_per_m2.items()
    ]
    lines.append(f"Tomtesats: {number(float(rates.plot_rate_per_m2.nok), 2)} per m² tomt")
    for choice in calibration.choices:
        factors = calibration.model.families.get(choice.family, {})
        used = "brukt" if choice.used else "ikke brukt"
        text = ", ".join(f"{level}: {number(float(f), 3)}" for level, f in sorted(factors.items()))
        family = FAMILY_NAMES.get(choice.family.value, choice.family.value)
        lines.append(
            f"Faktor etter {family} ({used}; BIC {number(choice.bic_with, 0)} med, "
            f"{number(choice.bic_without, 0)} uten)" + (f": {text}" if text else "")
        )
    fit = calibration.fit
    lines.append(
        f"Tilpasning: {fit.sales} salg, {fit.parameters} parametre, R² (log) {number(fit.r2_log, 3)}, "
        f"RMSE (log) {number(fit.rmse_log, 3)}, {'konvergerte' if fit.converged else 'konvergerte ikke'}."
    )
    y = 0.86
    for line in lines:
        figure.text(0.05, y, line, fontsize=8.5, va="top", wrap=True)
        y -= _ROW
    for position, bands, label in (
        ((0.07, 0.1, 0.4, 0.38), rates.area_bands, "BRA (m²)"),
        ((0.56, 0.1, 0.4, 0.38), rates.plot_bands, "Tomteareal (m²)"),
    ):
        axes = figure.add_axes(position)
        if bands:
            starts = [0.0] + [float(b.from_m2) for b in bands]
            shares = [1.0] + [float(b.factor) for b in bands]
            end = starts[-1] * 1.5 if starts[-1] else 100.0
            axes.step([*starts, end], [*shares, shares[-1]], where="post", color=_KEPT_COLOUR, lw=1.8)
            axes.set_ylim(0, max(shares) * 1.15)
        else:
            axes.text(0.5, 0.5, "ingen størrelsesgradering", ha="center", transform=axes.transAxes)
        axes.set_xlabel(label)
        axes.set_ylabel("Andel av satsen per m²")
        axes.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: number(v, 2)))
        axes.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: number(v, 0)))
        axes.set_title(
            "m²-satsen etter boligens størrelse" if "BRA" in label else "Tomtesatsen etter tomtens størrelse"
        )
        axes.grid(True, color="#e5e5e5", lw=0.5)
    return figure


def _zone_factor_page(report: CalibrationReport) -> Figure:
    calibration = report.calibration
    factors = {z: float(f) for z, f in calibration.model.zone_factors.items()}
    few = calibration.few_sales_zones
    subtitle = (
        f"{len(factors) - len(few)} av {len(report.zones)} soner har nok salg til å tilpasse sin egen faktor"
        + ("" if len(factors) == len(report.zones) else "; soner uten salg i tilpasningen beholder sin")
        + ". Sonefaktor over 1: høyere verdi enn kommunens gjennomsnittlige sone (vektet etter salg)."
    )
    if few:
        listed = ", ".join(few[:12]) + (f" og {len(few) - 12} til" if len(few) > 12 else "")
        subtitle += (
            f"\nFor få salg (under {calibration.min_zone_sales}) i {len(few)} "
            f"{'sone' if len(few) == 1 else 'soner'}, som ikke er tilpasset fritt, men deler én samlet "
            f"faktor (1 når de til sammen har for få): {listed}."
        )
    figure = _map_page(
        report.zones,
        factors,
        report.source,
        "Tilpassede sonefaktorer",
        "\n".join(textwrap.fill(line, 175) for line in subtitle.split("\n")),
        "Sonefaktor",
        "ingen salg i tilpasningen",
        legend=(
            "under 1: lavere verdi enn kommunens gjennomsnittlige sone",
            "over 1: høyere verdi enn kommunens gjennomsnittlige sone",
        ),
        min_to_max=True,
    )
    axes = figure.axes[0]
    axes.set_position((0.03, 0.06, 0.55, 0.82))
    inset = figure.add_axes((0.63, 0.45, 0.2, 0.38))
    ordered = sorted(factors.values())
    inset.plot(range(1, len(ordered) + 1), ordered, color=_KEPT_COLOUR, lw=1.5)
    inset.axhline(1.0, color="#666666", lw=0.6)
    inset.set_title("Sortert", fontsize=9)
    inset.set_xlabel("Soner etter faktor")
    inset.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: number(v, 2)))
    inset.grid(True, color="#e5e5e5", lw=0.5)
    return figure


def _index_page(report: CalibrationReport) -> Figure:
    index = report.calibration.time_index
    figure = _figure(
        "Prisindeks per måned",
        f"Prisnivået hver måned i forhold til verdsettingsmåneden {index.valuation_month} (= 1); en pris "
        "deles på månedens indeks. Søylene: salg i tilpasningen." + (f" {index.note}" if index.note else ""),
    )
    _footer(figure, report.source)
    axes = figure.add_axes((0.08, 0.14, 0.84, 0.7))
    months = [m.month for m in index.months]
    counts = axes.twinx()
    counts.bar(months, [m.sales for m in index.months], color="#e2e8f0", zorder=0)
    counts.set_ylabel("Salg")
    axes.set_zorder(counts.get_zorder() + 1)
    axes.patch.set_visible(False)
    axes.plot(months, [m.index for m in index.months], color=_KEPT_COLOUR, marker="o", lw=1.8)
    axes.axhline(1.0, color="#666666", lw=0.6)
    axes.set_ylabel("Indeks")
    axes.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: number(v, 3)))
    axes.tick_params(axis="x", rotation=45)
    axes.grid(True, axis="y", color="#e5e5e5", lw=0.5)
    return figure


def _excluded_pages(report: CalibrationReport) -> list[Figure]:
    calibration, source = report.calibration, report.source
    title = "Salg utelatt fra kalibreringen"
    first = _figure(
        title,
        f"{number(calibration.sales_read, 0)} salg lest, {number(len(calibration.excluded), 0)} utelatt "
        "etter reglene under (hvert salg under den første regelen som tar det), "
        f"{number(calibration.sales_used, 0)} brukt. De første "
        f"{LISTED_ROWS} av hver regel er listet; alle står i JSON-filen.",
    )
    _footer(first, source)

    def new_page() -> Figure:
        page = _figure(title + " (forts.)")
        _footer(page, source)
        return page

    counts = exclusion_counts(calibration.excluded, report.rules)
    rule_table = _Table([("Regel", 0.05, "left"), ("Salg", 0.29, "right"), ("Hva regelen tar", 0.32, "left")])
    pages, y = rule_table.draw(
        [[RULE_NAMES[rule], str(count), rule_text(rule, report.rules)] for rule, count, _ in counts],
        first,
        0.84,
        new_page,
    )
    rows = []
    unlisted: list[str] = []
    for rule, count, _ in counts:
        listed = [e for e in calibration.excluded if e.rule == rule][:LISTED_ROWS]
        rows += [
            [
                str(e.sale.line),
                e.sale.sale_id or "–",
                day(e.sale.sale_date),
                number(float(e.sale.sale_price), 0) if e.sale.sale_price is not None else "–",
                RULE_NAMES[rule],
                found_text(e),
            ]
            for e in listed
        ]
        if count > len(listed):
            unlisted.append(f"{count - len(listed)} til under «{RULE_NAMES[rule]}»")
    sale_table = _Table(
        [
            ("Linje", 0.09, "right"),
            ("Salgs-ID", 0.11, "left"),
            ("Salgsdato", 0.22, "left"),
            ("Salgspris", 0.37, "right"),
            ("Regel", 0.39, "left"),
            ("Funnet", 0.55, "left"),
        ]
    )
    figure = pages[-1] if pages else first
    more, y = sale_table.draw(rows, figure, y - 0.03, new_page)
    if unlisted:
        # Under the table, on its last page (in the bottom margin if need be), never a page of its own.
        last = (more or pages or [first])[-1]
        last.text(
            0.05,
            max(y - 0.005, 0.045),
            "Ikke listet her (alle står i JSON-filen og CSV-filen over utelatte salg): "
            + ", ".join(unlisted)
            + ".",
            fontsize=8,
            va="top",
            style="italic",
        )
    return [first, *pages, *more]


def render_calibration(report: CalibrationReport) -> bytes:
    calibration, source = report.calibration, report.source
    holdout = calibration.holdout
    sales = calibration.holdout_sales
    title = "Kalibrering av sjablongmodellen: kontroll på holdt-ut salg"
    intro = [
        f"Salgsfil: {source.sales_name} · soner: {source.zones_name} · "
        f"{number(calibration.sales_read, 0)} salg lest, {number(calibration.sales_used, 0)} brukt, "
        f"{number(calibration.training_sales, 0)} til tilpasningen, {number(len(sales), 0)} holdt ut og "
        f"verdsatt · verdsettingsdato {day(calibration.valuation_date)} · "
        f"rapportdato {day(source.report_date)}",
        "De holdt-ute salgene er ikke brukt i tilpasningen: modellens takster for dem er sammenlignet med "
        "deres tidsjusterte salgspriser.",
    ]
    if calibration.holdout_unvalued:
        intro.append(
            f"{calibration.holdout_unvalued} holdt-ute salg ligger i soner uten salg i tilpasningen."
        )
    trimmed = set(holdout.trimmed_lines)
    by_zone: dict[str, list[float]] = {}
    for sale in sales:
        if sale.line not in trimmed:
            by_zone.setdefault(sale.group, []).append(sale.ratio)
    names = {z.zone_id: z.name for z in report.zones}
    medians = {zone: statistics.median(ratios) for zone, ratios in by_zone.items()}
    figures = holdout.figures
    standards = report.standards
    with _DRAWING, _style():
        pages = _summary_pages(
            title,
            source,
            intro,
            [("Holdt ut", holdout)],
            standards,
            "Verdiendring for solgte mot usolgte eiendommer vurderes ikke i en kalibrering.",
        )
        pages.append(
            _scatter_page(
                sales,
                trimmed,
                figures.median_ratio if figures else None,
                standards,
                source,
                "Holdt-ute salg: forholdstall mot tidsjustert salgspris",
            )
        )
        pages += _box_pages(
            [(zone, ratios, medians[zone]) for zone, ratios in by_zone.items()],
            standards,
            source,
            "Holdt-ute salg: forholdstall per sone",
            "Sone",
        )
        pages.append(
            _map_page(
                report.zones,
                medians,
                source,
                "Holdt-ute salg: medianforhold per sone",
                "Medianen av de holdt-ute salgenes forholdstall i hver sone (etter trimming); "
                "soner med få salg "
                "gir usikre medianer.",
                "Medianforhold (takst / salgspris)",
                "ingen holdt-ute salg",
            )
        )
        pages.append(_rates_page(report))
        pages.append(_zone_factor_page(report))
        pages.append(_index_page(report))
        pages += _trimmed_pages(
            "Holdt-ute salg utelatt som avvikere",
            source,
            [(s.line, "holdt ut", s) for s in sales if s.line in trimmed],
            f"Forholdstall mer enn {number(standards.iqr_k, 0)} kvartilavstander under første eller over "
            f"tredje kvartil (IAAO 2013, tillegg B.1). Gruppe: sonen ({len(names)} soner).",
        )
        pages += _excluded_pages(report)
        return _pdf(pages, source, title)


class MatplotlibQualityReports:
    """QualityReports as PDF, drawn with matplotlib."""

    def ratio_study(self, report: RatioStudyReport) -> bytes:
        return render_ratio_study(report)

    def calibration(self, report: CalibrationReport) -> bytes:
        return render_calibration(report)
