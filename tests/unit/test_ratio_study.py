"""Ratio studies (issue 15, items 1 and 4): the IAAO standard's worked examples (Tables 1-1, 1-4, D-1,
D-2) to the decimals assesspy quotes for them, agreement with assesspy on real King County sales (trimming,
median ratio, COD, PRD, PRB, intervals), the ranges judged inclusively with the COD limit by class, the
signs of sales chasing, and the sales file's refusals by line and column."""

from __future__ import annotations

import csv
import random
import statistics
import warnings
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import assesspy
import numpy as np
import pandas as pd
import pytest

from services.assessment.adapters.ratio_sales_file import read_ratio_sales, read_unsold
from services.assessment.adapters.ratio_statistics import AssesspyStatistics
from services.assessment.application.ratio_study import ratio_study
from services.assessment.domain.ratio_study import (
    DEFAULT_STANDARDS,
    Interval,
    PropertyClass,
    RatioFigures,
    RatioSale,
    RatioStandards,
    UnsoldProperty,
    compare_value_changes,
    iqr_outliers,
    judge,
    notes_for,
)
from services.platform.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[2]
IAAO = ROOT / "tests" / "data" / "iaao"
KING_COUNTY = ROOT / "data" / "king_county_sales_sample.csv"
QUICK = replace(DEFAULT_STANDARDS, bootstrap=200)


def _iaao(table: str) -> list[RatioSale]:
    with (IAAO / f"table_{table}.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    return [RatioSale(i + 2, Decimal(r["estimate"]), Decimal(r["sale_price"])) for i, r in enumerate(rows)]


def king_county_valued() -> list[RatioSale]:
    """The real sales valued as a standard-rate model would: the zip code's median price per square foot
    of living area times the home's living area, rounded to a thousand. Group: the zip code."""
    with KING_COUNTY.open() as handle:
        rows = list(csv.DictReader(handle))
    per_sqft: dict[str, list[float]] = {}
    for r in rows:
        per_sqft.setdefault(r["zipcode"], []).append(float(r["price"]) / float(r["sqft_living"]))
    rate = {z: statistics.median(v) for z, v in per_sqft.items()}
    return [
        RatioSale(
            i + 2,
            Decimal(round(rate[r["zipcode"]] * float(r["sqft_living"]), -3)),
            Decimal(r["price"]),
            r["zipcode"],
        )
        for i, r in enumerate(rows)
    ]


# IAAO Standard on Ratio Studies (2013), the figures assesspy's tests quote for its Tables 1-1, 1-4, D-1 and
# D-2 (assesspy/tests/test_metrics.py, commit c36a75f, on its fixtures iaao_table_*.csv, which
# tests/data/iaao/ copies): COD to 1 decimal, PRD and PRB to the decimals quoted. The standard's own pages
# could not be read here (tests/data/iaao/README.md says what was and was not checked). Each table goes
# through the whole study, trimming included: none of the four has a ratio beyond k = 3 IQRs, so every
# sale is kept and the figures are those of the table's sales.
@pytest.mark.parametrize(
    ("table", "sales", "cod", "prd", "prd_decimals", "prb"),
    [
        ("1_1", 36, 29.8, 0.98, 2, 0.232),
        ("1_4", 17, 14.5, 0.98, 2, 0.135),
        ("d_1", 25, 7.5, 1.027, 3, -0.120),
        ("d_2", 16, 7.8, 1.056, 3, -0.011),
    ],
)
def test_the_iaao_worked_examples_to_the_quoted_decimals(
    table: str, sales: int, cod: float, prd: float, prd_decimals: int, prb: float
) -> None:
    study = ratio_study(_iaao(table), "", QUICK, AssesspyStatistics())
    assert (study.overall.sales, study.overall.trimmed_lines) == (sales, ())
    figures = study.overall.figures
    assert figures is not None and figures.n == sales
    assert round(figures.cod, 1) == cod
    assert round(figures.prd, prd_decimals) == prd
    assert round(figures.prb, 3) == prb


def test_table_d1_as_transcribed_before_had_four_errors_that_made_two_false_outliers() -> None:
    """Table D-1 was first copied here with its first sale (116 700 / 114 500) left out and three digits
    misread: prices 739 000 and 719 000 for 139 000 and 219 000 (a 1 read as 7: assesspy's copy lists the
    sales by rising price, and those two stand between 133 900 and 145 000, and 216 150 and 235 000), and
    a value of 183 400 for 143 400. The two misread prices gave ratios near 0.2 that k = 3 trimming
    removed, and the rest came to COD 8.3 and PRB −0.127 against the quoted 7.5 and −0.120. As assesspy
    has it, the table is 25 sales in rising price order with no ratio beyond the fences (0.469–1.338)."""
    sales = _iaao("d_1")
    prices = [s.sale_price for s in sales]
    assert prices == sorted(prices) and len(sales) == 25
    assert (sales[0].assessed_value, sales[0].sale_price) == (Decimal(116700), Decimal(114500))
    assert [s.sale_price for s in sales if s.assessed_value in (145500, 205500)] == [139000, 219000]
    assert [s.assessed_value for s in sales if s.sale_price == 161100] == [Decimal(143400)]
    assert not any(iqr_outliers([s.ratio for s in sales], 3.0))


def test_trimming_agrees_with_assesspy_is_outlier_on_real_sales() -> None:
    sales = king_county_valued()
    # Pull a few far out, as data errors would, so that trimming has something to find.
    sales[5] = replace(sales[5], assessed_value=sales[5].assessed_value * 8)
    sales[77] = replace(sales[77], assessed_value=sales[77].assessed_value / 9)
    ratios = [s.ratio for s in sales]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # assesspy's note on flags inside the 5–95 % range
        expected = assesspy.is_outlier(pd.Series(ratios), method="iqr", mult=3.0).tolist()
    assert iqr_outliers(ratios, 3.0) == expected
    assert expected[5] and not expected[77]  # the lower fence lies below 0 on these ratios


def test_figures_agree_with_assesspy_per_zip_code_on_real_sales() -> None:
    sales = king_county_valued()
    study = ratio_study(sales, "zipcode", QUICK, AssesspyStatistics())
    assert [g.group for g in study.groups] == ["98038", "98103", "98115"]
    assert study.overall.sales == 300
    for group in (*study.groups, study.overall):
        kept = [
            s
            for s in sales
            if (s.group == group.group or not group.group) and s.line not in group.trimmed_lines
        ]
        estimate = pd.Series([float(s.assessed_value) for s in kept])
        price = pd.Series([float(s.sale_price) for s in kept])
        figures = group.figures
        assert figures is not None and figures.n == len(kept)
        assert round(figures.median_ratio, 4) == round(float((estimate / price).median()), 4)
        assert round(figures.cod, 2) == round(assesspy.cod(estimate, price), 2)
        assert round(figures.prd, 4) == round(assesspy.prd(estimate, price), 4)
        assert round(figures.prb, 4) == round(assesspy.prb(estimate, price), 4)
        low, high = assesspy.prb_ci(estimate, price, alpha=0.05)
        assert (round(figures.prb_ci.low, 4), round(figures.prb_ci.high, 4)) == (
            round(low, 4),
            round(high, 4),
        )
        np.random.seed(QUICK.seed)
        median_ci = assesspy.boot_ci(
            lambda e, s: float((e / s).median()), estimate, price, nboot=QUICK.bootstrap, alpha=0.05
        )
        cod_ci = assesspy.cod_ci(estimate, price, nboot=QUICK.bootstrap, alpha=0.05)
        assert round(figures.median_ratio_ci.low, 4) == round(median_ci[0], 4)
        assert round(figures.cod_ci.high, 2) == round(cod_ci[1], 2)
        assert figures.cod_ci.low <= figures.cod <= figures.cod_ci.high
    # A standard-rate model by zip code is uniform enough on these sales but not perfectly level.
    assert study.overall.figures is not None and 0.9 <= study.overall.figures.median_ratio <= 1.1


def test_the_same_file_gives_the_same_intervals() -> None:
    sales = _iaao("1_1")
    first = AssesspyStatistics().figures(sales, QUICK)
    np.random.seed(1)  # someone else moved numpy's global state in between
    assert AssesspyStatistics().figures(sales, QUICK) == first


def _figures(median: float = 1.0, cod: float = 10.0, prd: float = 1.0, prb: float = 0.0) -> RatioFigures:
    unit = Interval(0, 0)
    return RatioFigures(30, median, cod, prd, prb, unit, unit, unit, unit, ratios_bunched=False)


def test_the_ranges_are_inclusive_at_both_ends() -> None:
    assert judge(_figures(median=0.90, cod=15.0, prd=0.98, prb=-0.05), DEFAULT_STANDARDS).passed
    assert judge(_figures(median=1.10, prd=1.03, prb=0.05), DEFAULT_STANDARDS).passed
    verdict = judge(_figures(median=0.899, cod=15.01, prd=1.031, prb=0.051), DEFAULT_STANDARDS)
    assert (verdict.median_ratio, verdict.cod, verdict.prd, verdict.prb, verdict.passed) == (
        False,
        False,
        False,
        False,
        False,
    )


def test_the_cod_limit_follows_the_class_or_is_set() -> None:
    homogeneous = RatioStandards(property_class=PropertyClass.HOMOGENEOUS)
    assert (DEFAULT_STANDARDS.cod_limit, homogeneous.cod_limit) == (15.0, 10.0)
    assert not judge(_figures(cod=12.0), homogeneous).cod
    assert judge(_figures(cod=12.0), DEFAULT_STANDARDS).cod
    assert RatioStandards(cod_max=20.0).cod_limit == 20.0


def test_notes_name_each_miss_and_an_unacceptable_prb() -> None:
    figures = _figures(median=0.85, cod=18.0, prd=1.05, prb=-0.12)
    notes = notes_for(figures, judge(figures, DEFAULT_STANDARDS), DEFAULT_STANDARDS)
    assert notes == (
        "median ratio 0.850 outside 0.90–1.10",
        "COD 18.0 above 15 (residential)",
        "PRD 1.0500 outside 0.98–1.03 (regressive)",
        "PRB -0.1200 beyond ±0.10: unacceptable",
    )


def test_groups_valued_at_or_near_their_sale_prices_are_flagged_as_sales_chased() -> None:
    """Item 4: a fifth of the values moved onto the sale prices bunches the ratios at 1, which assesspy's
    is_sales_chased finds (a gap in the CDF and IAAO Appendix E's ±2 % test, the data shaped as in
    assesspy's own test: normal ratios with a spike at 1); values all within a few per cent of the prices
    give a COD under 5, flagged as implausibly uniform. Honest values are flagged by neither."""
    rng = random.Random(7)

    def group(name: str, first_line: int, ratio: object) -> list[RatioSale]:
        prices = [rng.randrange(2_000_000, 9_000_000) for _ in range(500)]
        return [
            RatioSale(first_line + i, Decimal(round(p * ratio(i))), Decimal(p), name)  # type: ignore[operator]
            for i, p in enumerate(prices)
        ]

    sales = (
        group("honest", 2, lambda i: rng.gauss(1.0, 0.15))
        + group("bunched", 1000, lambda i: 1.0 if i % 5 == 0 else rng.gauss(1.0, 0.15))
        + group("uniform", 2000, lambda i: rng.gauss(1.0, 0.04))
    )
    study = ratio_study(sales, "group", QUICK, AssesspyStatistics())
    by_name = {g.group: g for g in study.groups}
    flags = {
        name: (g.low_cod, g.figures is not None and g.figures.ratios_bunched) for name, g in by_name.items()
    }
    assert flags == {"honest": (False, False), "bunched": (False, True), "uniform": (True, False)}
    assert any("possible sales chasing" in note for note in by_name["bunched"].notes)
    assert any("COD" in note and "under 5" in note for note in by_name["uniform"].notes)


def test_a_group_with_too_few_sales_has_no_figures() -> None:
    sales = [*_iaao("1_1"), RatioSale(99, Decimal(100), Decimal(100), "tiny")]
    study = ratio_study([replace(s, group=s.group or "big") for s in sales], "g", QUICK, AssesspyStatistics())
    tiny = {g.group: g for g in study.groups}["tiny"]
    assert tiny.figures is None and tiny.verdict is None
    assert tiny.notes == ("1 sale after trimming: too few for a ratio study (at least 5)",)


def test_the_sales_file_is_read_with_groups_and_refused_by_line_and_column() -> None:
    good = "zone;assessed_value;sale_price\nA;4 500 000;5000000\nB;3000000,50;3100000\nA;1;2\nA;3;4\nB;5;6\n"
    sales = read_ratio_sales(good.encode(), "zone")
    assert [(s.line, s.group, s.assessed_value) for s in sales][:2] == [
        (2, "A", Decimal(4500000)),
        (3, "B", Decimal("3000000.50")),
    ]
    bad = "zone,assessed_value,sale_price\nA,abc,100\n,100,100\nB,100,0\nC,100,100\n"
    with pytest.raises(InvalidInput) as refused:
        read_ratio_sales(bad.encode(), "zone")
    fields = {(v.field, v.description.split(":")[0]) for v in refused.value.violations}
    assert {("line 2", "assessed_value"), ("line 3", "zone"), ("line 4", "sale_price")} <= fields
    with pytest.raises(InvalidInput) as missing:
        read_ratio_sales(b"assessed_value,price\n1,2\n", "")
    assert "missing columns: sale_price" in str(missing.value.violations)
    with pytest.raises(InvalidInput) as no_group:
        read_ratio_sales(good.encode(), "kommune")
    ((field, text),) = [(v.field, v.description) for v in no_group.value.violations]
    assert field == "group_by", field
    assert text == "kommune: no such column in the sales file (columns: zone, assessed_value, sale_price)"
    with pytest.raises(InvalidInput) as few:
        read_ratio_sales(b"assessed_value,sale_price\n1,2\n3,4\n5,6\n7,8\n", "")
    assert "the file has 4 sales; a ratio study needs at least 5 (and each group at least 5" in str(
        few.value.violations
    )


def test_sold_values_that_moved_more_than_unsold_ones_are_flagged() -> None:
    """Item 4, IAAO 2013 Appendix E: the sold properties' median value change is compared with the
    unsold ones'; in the chased group sold values rose 20 % and unsold 5 %, in the honest group both 5 %."""
    rng = random.Random(3)
    sales: list[RatioSale] = []
    unsold: list[UnsoldProperty] = []
    for group, sold_rise in (("chased", 1.20), ("honest", 1.05)):
        for _ in range(40):
            price = rng.randrange(2_000_000, 9_000_000)
            value = round(price * rng.gauss(1.0, 0.1))
            previous = Decimal(round(value / (sold_rise * rng.gauss(1.0, 0.01))))
            sales.append(RatioSale(len(sales) + 2, Decimal(value), Decimal(price), group, previous))
        for i in range(60):
            previous_value = rng.randrange(2_000_000, 9_000_000)
            now = Decimal(round(previous_value * 1.05 * rng.gauss(1.0, 0.01)))
            unsold.append(UnsoldProperty(i + 2, now, Decimal(previous_value), group))
    study = ratio_study(sales, "group", QUICK, AssesspyStatistics(), unsold)
    by_name = {g.group: g for g in study.groups}
    chased, honest = by_name["chased"].value_change, by_name["honest"].value_change
    assert chased is not None and honest is not None
    assert (chased.sold, chased.unsold, chased.flagged, honest.flagged) == (40, 60, True, False)
    assert round(chased.sold_median_change, 1) == 1.2 and round(chased.unsold_median_change, 2) == 1.05
    assert any(n.startswith("sold properties' values moved +") for n in by_name["chased"].notes)
    assert not any(n.startswith("sold properties") for n in by_name["honest"].notes)
    assert study.overall.value_change is not None and study.overall.value_change.unsold == 120


def test_without_unsold_properties_or_previous_values_there_is_no_comparison() -> None:
    sales = _iaao("1_4")
    assert ratio_study(sales, "", QUICK, AssesspyStatistics()).overall.value_change is None
    unsold = [UnsoldProperty(i + 2, Decimal(105), Decimal(100)) for i in range(10)]
    assert compare_value_changes(sales, unsold, QUICK) is None  # the sales carry no previous value


def test_the_unsold_file_is_read_and_refused_by_line_and_column() -> None:
    found = read_unsold(b"zone,assessed_value,previous_value\nA,105,100\nB,210,200\n", "zone")
    assert [(u.line, u.group, u.previous_value) for u in found] == [
        (2, "A", Decimal(100)),
        (3, "B", Decimal(200)),
    ]
    with pytest.raises(InvalidInput) as refused:
        read_unsold(b"assessed_value,previous_value\n105,\n0,100\n", "")
    fields = {(v.field, v.description) for v in refused.value.violations}
    assert ("line 2", "previous_value: is required") in fields
    assert ("line 3", "assessed_value: must be above 0") in fields
    sales = read_ratio_sales(
        b"assessed_value,sale_price,previous_value\n105,100,90\n1,2,\n3,4,5\n6,7,\n8,9,\n", ""
    )
    assert [s.previous_value for s in sales] == [Decimal(90), None, Decimal(5), None, None]


def test_a_figure_just_beyond_a_limit_is_shown_with_enough_decimals_not_to_look_within() -> None:
    from propertytax.assessment.v1 import ratio_study_pb2
    from services.assessment.adapters.quality_report_pdf import decimals_off_limits
    from services.cli.ratio_study import group_row

    assert decimals_off_limits(0.0501, 3, (0.05,)) == 4
    assert decimals_off_limits(-0.0501, 3, (0.05,)) == 4
    assert decimals_off_limits(1.0304, 3, (0.98, 1.03)) == 4
    assert decimals_off_limits(0.061, 3, (0.05,)) == 3
    group = ratio_study_pb2.RatioGroup(
        computed=True, n=400, median_ratio=0.97, cod=22.3, prd=1.064, prb=-0.0501, median_ratio_met=True
    )
    row = [str(cell) for cell in group_row(group, "overall")]
    assert row[6].startswith("-0.0501 (") and row[6].endswith(" ✗"), row
    assert row[5].startswith("1.064 ("), row
