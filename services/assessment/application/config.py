"""What the assessment handlers need besides storage: the configured limits and valuation basis."""

from __future__ import annotations

from dataclasses import dataclass

from services.assessment.domain.decision import LegalLimits
from services.assessment.domain.valuation import StandardRates


@dataclass(frozen=True)
class AssessmentConfig:
    limits: LegalLimits
    rates: StandardRates
