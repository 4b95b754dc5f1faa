"""What the assessment handlers need besides storage: the configured limits and valuation basis."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.assessment.domain.decision import LegalLimits
from services.assessment.domain.inspection_planning import DEFAULT_SETTINGS, PlanningSettings
from services.assessment.domain.valuation import StandardRates


@dataclass(frozen=True)
class AssessmentConfig:
    limits: LegalLimits
    rates: StandardRates
    inspections: PlanningSettings = field(default=DEFAULT_SETTINGS)
