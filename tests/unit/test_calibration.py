"""Calibration of the standard-rate model (issue 15 item 2): the exclusion rules and their counts, the
monthly price index, the fit recovering known parameters from synthetic sales made by the model itself,
factor families kept only where they help, the size-graded rate in the formula, the configuration as the
service loads it, and the sales file's refusals by line and column."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import shapely
import yaml

from services.assessment.adapters.calibration_fit import LeastSquaresCalibrator
from services.assessment.adapters.calibration_sales_file import read_calibration_sales
from services.assessment.adapters.config_files import load_calibration_settings, load_standard_rates
from services.assessment.adapters.ratio_statistics import AssesspyStatistics
from services.assessment.application.calibration import calibrate
from services.assessment.domain.calibration import (
    CalibrationSale,
    CalibrationSettings,
    ExclusionRule,
    ExclusionRules,
    FactorFamily,
    FitSale,
    ModelForm,
    apply_exclusions,
    exclusion_counts,
    holdout_lines,
    time_index,
)
from services.assessment.domain.property import Floor, PropertyCategory
from services.assessment.domain.ratio_study import DEFAULT_STANDARDS
from services.assessment.domain.valuation import SizeBand, StandardRates, graded_m2, standard_rate_valuation
from services.assessment.domain.zones import Zone
from services.platform.errors import InvalidInput
from services.platform.money import Money

HOUSING = PropertyCategory.HOUSING


def sale(line: int, **changes: object) -> CalibrationSale:
    base = CalibrationSale(
        line=line,
        sale_id=f"p{line}",
        sale_date=date(2014, 6, 1),
        sale_price=Decimal(3_000_000),
        bra_m2=Decimal(100),
        plot_m2=Decimal(500),
        lon=10.0,
        lat=60.0,
        build_year=1970,
        condition=3,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


# The exclusion rules -----------------------------------------------------------------------------------


def test_each_rule_takes_its_sales_with_a_count_and_its_reason() -> None:
    rules = ExclusionRules()
    sales = [sale(line) for line in range(2, 14)]  # 12 ordinary sales in zone a, 30,000 per m²
    sales += [
        sale(20, sale_price=None),
        sale(21, sale_price=Decimal(0)),
        sale(22, bra_m2=None),
        sale(23, bra_m2=Decimal(14)),
        sale(24, plot_m2=None),
        sale(25, sale_date=date(2015, 7, 1)),
        sale(26),  # outside every zone
        sale(27, sale_id="p2", sale_date=date(2014, 9, 1)),  # p2 again 92 days later: a resale
        sale(28, sale_id="p3", sale_date=date(2015, 1, 1)),  # p3 again 214 days later: kept
        sale(29, sale_price=Decimal(30_000_000)),  # 300,000 per m²: far beyond the zone's fences
        sale(30, sale_price=Decimal(30_000_000)),
    ]
    zones: list[str | None] = ["a"] * len(sales)
    zones[sales.index(next(s for s in sales if s.line == 26))] = None
    kept, excluded = apply_exclusions(sales, zones, date(2015, 5, 31), rules)
    by_line = {e.sale.line: e.rule for e in excluded}
    assert by_line == {
        20: ExclusionRule.NO_PRICE,
        21: ExclusionRule.NO_PRICE,
        22: ExclusionRule.NO_AREA,
        23: ExclusionRule.NO_AREA,
        24: ExclusionRule.NO_AREA,
        25: ExclusionRule.AFTER_VALUATION_DATE,
        26: ExclusionRule.OUTSIDE_ZONES,
        27: ExclusionRule.RESALE,
        29: ExclusionRule.PRICE_PER_M2_OUTLIER,
        30: ExclusionRule.PRICE_PER_M2_OUTLIER,
    }
    assert [u.sale.line for u in kept] == [*range(2, 14), 28]
    assert "92 days after line 2" in next(e.detail for e in excluded if e.sale.line == 27)
    counts = exclusion_counts(excluded, rules)
    assert [(rule.value, count) for rule, count, _ in counts] == [
        ("no_price", 2),
        ("no_area", 3),
        ("after_valuation_date", 1),
        ("outside_zones", 1),
        ("resale", 1),
        ("price_per_m2_outlier", 2),
    ]
    assert "within 180 days" in counts[4][2] and "Q1 − 3·IQR" in counts[5][2]


def test_the_price_per_m2_rule_needs_enough_sales_in_the_zone() -> None:
    sales = [sale(line) for line in range(2, 8)] + [sale(8, sale_price=Decimal(30_000_000))]
    kept, excluded = apply_exclusions(sales, ["small"] * len(sales), date(2015, 1, 1), ExclusionRules())
    assert len(kept) == 7 and not excluded
    stricter = ExclusionRules(iqr_min_sales=5)
    _, excluded = apply_exclusions(sales, ["small"] * len(sales), date(2015, 1, 1), stricter)
    assert [e.sale.line for e in excluded] == [8]


def test_the_holdout_is_seeded_and_its_share() -> None:
    lines = list(range(2, 1002))
    first = holdout_lines(lines, 0.2, 7)
    assert (
        len(first) == 200 and first == holdout_lines(lines, 0.2, 7) and first != holdout_lines(lines, 0.2, 8)
    )
    with pytest.raises(ValueError):
        holdout_lines(lines, 1.0, 7)


# The monthly price index -------------------------------------------------------------------------------


def test_the_index_is_relative_to_the_valuation_month_and_fills_months_without_sales() -> None:
    effects = {"2014-05": 0.0, "2014-06": 0.01, "2014-08": 0.05}
    index = time_index(effects, {"2014-05": 10, "2014-06": 12, "2014-08": 9}, date(2014, 8, 15))
    assert [m.month for m in index.months] == ["2014-05", "2014-06", "2014-07", "2014-08"]
    assert [round(m.index, 4) for m in index.months] == [
        round(math.exp(-0.05), 4),
        round(math.exp(-0.04), 4),
        round(math.exp(-0.04), 4),
        1.0,
    ]
    assert index.months[2].sales == 0 and index.note == ""
    assert index.factor(date(2014, 6, 3)) == pytest.approx(math.exp(0.04))
    later = time_index(effects, {}, date(2015, 1, 1))
    assert later.months[-1].index == 1.0 and "no sales" in later.note
    with pytest.raises(ValueError):
        time_index(effects, {}, date(2014, 1, 1))


def _synthetic(count: int, seed: int, condition_effect: bool = True) -> list[FitSale]:
    """Sales made by the model itself: rate 3,000 per m² graded 1 / 0.6 / 0.4 from 150 and 250 m², plot
    rate 100 graded 1 / 0.05 from 1,000 m², zones a 0.8, b 1.0, c 1.3, condition 2 0.85, 3 1, 4 1.05,
    prices rising 1 % a month, noise 2 % (log)."""
    rng = random.Random(seed)
    zones = {"a": 0.8, "b": 1.0, "c": 1.3}
    conditions = {2: 0.85, 3: 1.0, 4: 1.05}
    found = []
    for _ in range(count):
        bra = rng.uniform(50, 400)
        plot = rng.uniform(100, 3000)
        zone = rng.choice("abc")
        condition = rng.choice([2, 3, 3, 3, 4])
        month = rng.randrange(12)
        building = graded_m2(Decimal(repr(bra)), BANDS) * 3000
        land = graded_m2(Decimal(repr(plot)), PLOT_BANDS) * 100
        level = float(building + land) * zones[zone] * (conditions[condition] if condition_effect else 1.0)
        price = level * math.exp(0.01 * month + rng.gauss(0, 0.02))
        found.append(
            FitSale(
                bra, plot, zone, HOUSING, f"2014-{month + 1:02d}", {FactorFamily.CONDITION: condition}, price
            )
        )
    return found


BANDS = (
    SizeBand(Decimal(0), Decimal(1)),
    SizeBand(Decimal(150), Decimal("0.6")),
    SizeBand(Decimal(250), Decimal("0.4")),
)
PLOT_BANDS = (SizeBand(Decimal(0), Decimal(1)), SizeBand(Decimal(1000), Decimal("0.05")))
FORM = ModelForm(area_bands_m2=(Decimal(150), Decimal(250)), plot_bands_m2=(Decimal(1000),))


def test_the_month_effects_recover_a_known_trend() -> None:
    # The index regression is log-linear in the areas, not the model's own form: near, not exact.
    effects = LeastSquaresCalibrator().month_effects(_synthetic(4000, 1))
    assert effects["2014-01"] == 0.0
    assert effects["2014-12"] == pytest.approx(0.11, abs=0.015)
    assert effects["2014-06"] == pytest.approx(0.05, abs=0.015)


def test_the_fit_recovers_the_model_that_made_the_sales() -> None:
    sales = [replace(s, price=s.price / math.exp(0.01 * (int(s.month[5:]) - 1))) for s in _synthetic(1500, 2)]
    model = LeastSquaresCalibrator().fit(sales, FORM, [FactorFamily.CONDITION])
    # The level is shared between the rates and the zone factors (their geometric mean is 1): compare the
    # products, which the values depend on.
    rate = model.rates[HOUSING]
    for zone, true_factor in {"a": 0.8, "b": 1.0, "c": 1.3}.items():
        assert rate * model.zone_factors[zone] == pytest.approx(3000 * true_factor, rel=0.02)
        assert model.plot_rate * model.zone_factors[zone] == pytest.approx(100 * true_factor, rel=0.1)
    assert model.area_band_factors == pytest.approx((1.0, 0.6, 0.4), rel=0.03)
    assert model.plot_band_factors[0] == 1.0 and model.plot_band_factors[1] == pytest.approx(0.05, abs=0.03)
    assert model.families[FactorFamily.CONDITION] == pytest.approx({2: 0.85, 3: 1.0, 4: 1.05}, rel=0.02)
    assert model.statistics.converged and model.statistics.rmse_log < 0.03
    weights = {z: sum(1 for s in sales if s.zone_id == z) for z in "abc"}
    mean_log = sum(math.log(model.zone_factors[z]) * w for z, w in weights.items()) / len(sales)
    assert mean_log == pytest.approx(0.0, abs=1e-9)


# The whole calibration ---------------------------------------------------------------------------------

SQUARES = {
    "a": shapely.box(10.0, 59.0, 10.5, 59.5),
    "b": shapely.box(10.5, 59.0, 11.0, 59.5),
    "c": shapely.box(11.0, 59.0, 11.5, 59.5),
}
ZONES = [Zone(z, f"zone {z}", Decimal(1), geometry) for z, geometry in SQUARES.items()]


def _file_sales(condition_effect: bool) -> list[CalibrationSale]:
    found = []
    for line, fit in enumerate(_synthetic(1200, 3, condition_effect), start=2):
        centre = SQUARES[fit.zone_id].centroid
        found.append(
            sale(
                line,
                sale_date=date(2014, int(fit.month[5:]), 15),
                sale_price=Decimal(round(fit.price)),
                bra_m2=Decimal(repr(round(fit.bra_m2, 1))),
                plot_m2=Decimal(repr(round(fit.plot_m2, 1))),
                lon=centre.x,
                lat=centre.y,
                condition=fit.levels[FactorFamily.CONDITION],
            )
        )
    return found


@pytest.mark.parametrize("condition_effect", [True, False])
def test_a_calibration_keeps_the_condition_factor_only_where_it_helps(condition_effect: bool) -> None:
    settings = CalibrationSettings(form=FORM)
    standards = replace(DEFAULT_STANDARDS, bootstrap=50)
    result = calibrate(
        _file_sales(condition_effect),
        ZONES,
        date(2014, 12, 31),
        settings,
        LeastSquaresCalibrator(),
        AssesspyStatistics(),
        standards,
    )
    (choice,) = result.choices
    assert choice.family is FactorFamily.CONDITION and choice.used is condition_effect
    assert (FactorFamily.CONDITION in result.model.families) is condition_effect
    assert result.sales_read == 1200 and result.training_sales == result.sales_used - 240
    figures = result.holdout.figures
    assert figures is not None and figures.n >= 230
    assert figures.median_ratio == pytest.approx(1.0, abs=0.02)
    assert figures.cod < 5 and abs(figures.prb) < 0.02  # the model made the sales: a near-perfect fit
    assert result.time_index.months[-1].index == 1.0
    assert result.time_index.months[0].index == pytest.approx(math.exp(-0.11), abs=0.03)


def test_the_configuration_loads_with_the_services_loader_and_values_alike(tmp_path: Path) -> None:
    result = calibrate(
        _file_sales(True),
        ZONES,
        None,
        CalibrationSettings(form=FORM),
        LeastSquaresCalibrator(),
        AssesspyStatistics(),
        replace(DEFAULT_STANDARDS, bootstrap=50),
    )
    in_force = load_standard_rates()
    path = tmp_path / "rates.yaml"
    header = "\n".join(result.configuration_header(in_force, "sales.csv"))
    path.write_text(
        header + "\n" + yaml.safe_dump(result.configuration(in_force), sort_keys=False, allow_unicode=True)
    )
    rates = load_standard_rates(path)
    # The fitted category's rate replaced; every other category's rate and the floor factors carried over.
    assert rates.rate_per_m2[HOUSING] == result.model.rates.rate_per_m2[HOUSING]
    assert {c: r for c, r in rates.rate_per_m2.items() if c is not HOUSING} == {
        c: r for c, r in in_force.rate_per_m2.items() if c is not HOUSING
    }
    assert rates.floor_factors == in_force.floor_factors and rates.floor_factors
    assert rates.min_building_m2 == in_force.min_building_m2
    # The plot rate and the bands were fitted on housing sales: they value housing only.
    assert rates.plot_rate(HOUSING) == result.model.rates.plot_rate_per_m2
    assert rates.plot_rate_per_m2 == in_force.plot_rate_per_m2
    assert (
        rates.area_bands == result.model.rates.area_bands
        and rates.plot_bands == result.model.rates.plot_bands
    )
    assert rates.graded_categories == frozenset({HOUSING})
    commercial = PropertyCategory.COMMERCIAL
    assert rates.size_factor(Decimal(2400), commercial) == 1 and rates.plot_bands_for(commercial) == ()
    assert rates.plot_rate(commercial) == in_force.plot_rate_per_m2
    assert rates.size_factor(Decimal(2400), HOUSING) < 1
    text = path.read_text()
    assert text.startswith("# Written by `propertytax assessment calibrate --config-out`.")
    assert "Fitted from 960 sales of sales.csv" in text and "Holdout: 240 sales" in text
    assert "Carried over unchanged" in text and "holiday_home" in text.split("\n\n")[0]
    document = yaml.safe_load(text)
    assert set(document["zone_factors"]) == {"a", "b", "c"}
    assert document["inner_factors"]["condition"][3] == 1


def test_zones_with_too_few_sales_share_a_pooled_factor_or_1() -> None:
    sales = _file_sales(False)
    settings = CalibrationSettings(form=FORM, min_zone_sales=5)
    run = {
        "valuation_date": None,
        "settings": settings,
        "calibrator": LeastSquaresCalibrator(),
        "statistics": AssesspyStatistics(),
        "standards": replace(DEFAULT_STANDARDS, bootstrap=50),
    }
    # Keep only three sales of zone c: it is no longer fitted freely, and alone it falls to 1.
    in_c = [s for s in sales if SQUARES["c"].contains(shapely.Point(s.lon, s.lat))]
    few = [s for s in sales if s not in in_c] + in_c[:3]
    result = calibrate(few, ZONES, **run)  # type: ignore[arg-type]
    assert result.few_sales_zones == ("c",)
    assert result.model.zone_factors["c"] == Decimal(1)
    assert result.zone_sales.get("c", 0) < 5


def test_the_configured_calibration_settings_load() -> None:
    settings = load_calibration_settings()
    assert settings.rules == ExclusionRules() and settings.holdout == 0.2
    assert settings.form.area_bands_m2 == (Decimal(150), Decimal(250))


# The size-graded rate in the formula -------------------------------------------------------------------


def test_a_size_graded_rate_counts_each_band_at_its_factor() -> None:
    assert graded_m2(Decimal(100), BANDS) == Decimal(100)
    assert graded_m2(Decimal(200), BANDS) == Decimal(150) + Decimal(50) * Decimal("0.6")
    assert graded_m2(Decimal(300), BANDS) == Decimal(150) + Decimal(60) + Decimal(20)
    assert graded_m2(Decimal(300), ()) == Decimal(300)
    rates = StandardRates({HOUSING: Money.of(3000)}, Money.of(100), area_bands=BANDS, plot_bands=PLOT_BANDS)
    result = standard_rate_valuation(
        category=HOUSING,
        floors=(Floor(1, Decimal(200)), Floor(0, Decimal(100))),
        plot_m2=Decimal(1200),
        rates=rates,
        zone_factor=Decimal(1),
        zone_source="test",
    )
    size = (Decimal(300 - 70) / Decimal(300)).quantize(Decimal("0.000001"))  # 300 m² count as 230
    expected = Decimal(200) * 3000 * size + Decimal(100) * 3000 * size + (1000 + 10) * 100
    assert result.value == Money.rounded(expected.quantize(Decimal("0.01")))
    trace = {t.factor: t.value for t in result.trace}
    assert trace["size factor"] == str(size)
    assert trace["plot m² counted"] == "1010.00"


# The sales file ----------------------------------------------------------------------------------------


def test_the_sales_file_keeps_missing_prices_for_the_rules_and_refuses_bad_cells() -> None:
    header = "sale_id;sale_date;sale_price;bra_m2;plot_m2;lon;lat;build_year;condition;standard;outer\n"
    good = "".join(f"{i};2014-06-01;{500000 + i};100,5;500;-122,3;47,6;1960;3;7;0\n" for i in range(30))
    sales = read_calibration_sales((header + good + "x;2014-06-02;;;;-122,3;47,6;1960;3;;\n").encode())
    assert len(sales) == 31 and sales[0].bra_m2 == Decimal("100.5") and sales[0].standard == 7
    assert sales[-1].sale_price is None and sales[-1].bra_m2 is None and sales[-1].standard is None
    bad = header + good + "y;2014-06-31;-5;100;500;-122.3;47.6;1960;6;30;0\nz;2014-06-01;1;1;1;;47.6;;3;;\n"
    with pytest.raises(InvalidInput) as refused:
        read_calibration_sales(bad.encode())
    problems = {(v.field, v.description.split(":")[0]) for v in refused.value.violations}
    assert problems >= {
        ("line 32", "sale_date"),
        ("line 32", "sale_price"),
        ("line 32", "condition"),
        ("line 32", "standard"),
        ("line 33", "lon"),
        ("line 33", "build_year"),
    }
    with pytest.raises(InvalidInput, match="at least 30"):
        read_calibration_sales((header + good.splitlines(keepends=True)[0]).encode())
    with pytest.raises(InvalidInput, match="category"):
        read_calibration_sales((header.strip() + ";category\n" + good.replace("\n", ";castle\n")).encode())
