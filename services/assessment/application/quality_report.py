"""What the valuation-quality report shows (issue 15 item 3): the study or calibration as computed once (the
same objects the RPC's answer and so the JSON come from), the sales behind it and the zones to map it on.
The `QualityReports` port renders it (a PDF in Norwegian bokmål, adapters/quality_report_pdf.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.assessment.application.calibration import Calibration
from services.assessment.domain.calibration import ExclusionRules
from services.assessment.domain.ratio_study import RatioSale, RatioStandards, RatioStudy
from services.assessment.domain.zones import Zone


@dataclass(frozen=True)
class ReportSource:
    """What was studied, as the report's first page names it, and the report's business date (also the
    PDF's creation date, so that the same input gives the same document)."""

    sales_name: str
    report_date: date
    zones_name: str = ""


@dataclass(frozen=True)
class RatioStudyReport:
    """A ratio study with its sales (in file order; the group is a zone's id or name when the map is to
    show it) and, when given, the zone polygons."""

    source: ReportSource
    study: RatioStudy
    sales: Sequence[RatioSale]
    zones: Sequence[Zone] = ()


@dataclass(frozen=True)
class CalibrationReport:
    """A calibration: the holdout's ratio study with its valued sales (`Calibration.holdout_sales`), the
    exclusion rules it applied and the standards the holdout was judged by, the fitted rates, zone factors
    and price index, and the zones."""

    source: ReportSource
    calibration: Calibration
    rules: ExclusionRules
    standards: RatioStandards
    zones: Sequence[Zone]
