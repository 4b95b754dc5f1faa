"""AssessmentService's Calibrate RPC: proto ⇄ command, nothing more. Mixed into the servicer in
grpc_api.py, whose __init__ sets the attributes declared here."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import yaml

from propertytax.assessment.v1 import calibration_pb2
from services.assessment.application.calibration import Calibration, calibrate
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.ports import Calibrator, ImportFiles, QualityReports, RatioStatistics
from services.assessment.application.quality_report import CalibrationReport, ReportSource
from services.assessment.domain.calibration import CalibrationSettings, exclusion_counts
from services.assessment.domain.ratio_study import DEFAULT_STANDARDS
from services.assessment.domain.valuation import StandardRates
from services.assessment.entrypoints.grpc_ratio_study import group_to_proto, report_date
from services.platform.errors import InvalidInput


class CalibrationRpcs:
    _config: AssessmentConfig
    _files: ImportFiles
    _ratio_statistics: RatioStatistics
    _calibrator: Calibrator
    _calibration: CalibrationSettings
    _quality_reports: QualityReports

    def Calibrate(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        settings = settings_from_request(request, self._calibration)
        valuation_date = _valuation_date(request.valuation_date)
        report_day = report_date(request.report_date)
        try:
            zones = self._files.calibration_zones(request.zones)
        except InvalidInput as bad:
            raise bad.prefixed("zones.") from None
        sales = self._files.calibration_sales(request.sales)  # refusals name "line N" and columns
        result = calibrate(
            sales,
            zones,
            valuation_date,
            settings,
            self._calibrator,
            self._ratio_statistics,
            DEFAULT_STANDARDS,
        )
        answer = calibration_to_proto(result, settings)
        answer.configuration_yaml = configuration_yaml(result, self._config.rates, request.sales_name)
        if request.report:
            source = ReportSource(request.sales_name or "salgsfil", report_day, request.zones_name or "soner")
            answer.report = self._quality_reports.calibration(
                CalibrationReport(source, result, settings.rules, DEFAULT_STANDARDS, zones)
            )
        return answer


def settings_from_request(
    request: calibration_pb2.CalibrateRequest, configured: CalibrationSettings
) -> CalibrationSettings:
    if request.holdout and not 0 < request.holdout < 1:
        raise InvalidInput.single("holdout", "a share above 0 and below 1, e.g. 0.2 (0: the configured one)")
    if request.HasField("seed") and not 0 <= request.seed <= 2**32 - 1:
        raise InvalidInput.single("seed", "from 0 to 4294967295")
    return replace(
        configured,
        holdout=request.holdout or configured.holdout,
        seed=request.seed if request.HasField("seed") else configured.seed,
    )


def _valuation_date(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput.single("valuation_date", "a date as YYYY-MM-DD") from None


def calibration_to_proto(
    result: Calibration, settings: CalibrationSettings
) -> calibration_pb2.CalibrateResponse:
    model = result.model
    chosen = {c.family: c for c in result.choices}
    return calibration_pb2.CalibrateResponse(
        valuation_date=result.valuation_date.isoformat(),
        sales_read=result.sales_read,
        sales_used=result.sales_used,
        training_sales=result.training_sales,
        exclusions=[
            calibration_pb2.CalibrationExclusion(rule=rule.value, description=text, count=count)
            for rule, count, text in exclusion_counts(result.excluded, settings.rules)
        ],
        excluded=[
            calibration_pb2.ExcludedSale(
                line=e.sale.line, sale_id=e.sale.sale_id, rule=e.rule.value, detail=e.detail
            )
            for e in result.excluded
        ],
        time_index=[
            calibration_pb2.IndexMonth(month=m.month, index=m.index, sales=m.sales)
            for m in result.time_index.months
        ],
        time_index_note=result.time_index.note,
        rates=[
            calibration_pb2.CategoryRate(category=c.value, rate_per_m2=float(r.nok))
            for c, r in model.rates.rate_per_m2.items()
        ],
        plot_rate_per_m2=float(model.rates.plot_rate_per_m2.nok),
        area_bands=[
            calibration_pb2.SizeBand(from_m2=float(b.from_m2), factor=float(b.factor))
            for b in model.rates.area_bands
        ],
        plot_bands=[
            calibration_pb2.SizeBand(from_m2=float(b.from_m2), factor=float(b.factor))
            for b in model.rates.plot_bands
        ],
        zone_factors=[
            calibration_pb2.ZoneFactor(
                zone_id=z,
                name=result.zone_names.get(z, z),
                factor=float(f),
                sales=result.zone_sales.get(z, 0),
                too_few_sales=z in result.few_sales_zones,
            )
            for z, f in model.zone_factors.items()
        ],
        factor_families=[
            calibration_pb2.FactorFamily(
                name=c.family.value,
                inner=c.family.inner,
                used=c.used,
                bic_with=c.bic_with,
                bic_without=c.bic_without,
                factors=[
                    calibration_pb2.LevelFactor(level=lvl, factor=float(f))
                    for lvl, f in model.families.get(c.family, {}).items()
                ],
            )
            for c in chosen.values()
        ],
        holdout=group_to_proto(result.holdout),
        holdout_unvalued=result.holdout_unvalued,
        fit=calibration_pb2.CalibrationFit(
            sales=result.fit.sales,
            parameters=result.fit.parameters,
            r2_log=result.fit.r2_log,
            rmse_log=result.fit.rmse_log,
            bic=result.fit.bic,
            converged=result.fit.converged,
            method=result.fit.method,
            seconds=result.seconds,
        ),
    )


def configuration_yaml(result: Calibration, in_force: StandardRates, sales_name: str) -> str:
    """The complete standard_rates.yaml document with its header comments."""
    header = "\n".join(result.configuration_header(in_force, sales_name))
    body = yaml.safe_dump(result.configuration(in_force), sort_keys=False, allow_unicode=True)
    return header + "\n" + body
