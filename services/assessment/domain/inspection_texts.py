"""What owners and assessors read about an inspection, in plain Norwegian bokmål: why the assessor comes."""

from __future__ import annotations

from services.assessment.domain.inspection_needs import InspectionReason

PURPOSE: dict[InspectionReason, str] = {
    InspectionReason.APPEAL: "Ny befaring etter klage på eiendomsskatten",
    InspectionReason.NEW_BUILDING: "Befaring etter nybygg på eiendommen",
    InspectionReason.DIVISION: "Befaring etter deling av eiendommen",
    InspectionReason.SECTIONING: "Befaring etter seksjonering av eiendommen",
    InspectionReason.FIRE_OR_DEMOLITION: "Befaring etter brann eller riving",
    InspectionReason.CANNOT_BE_VALUED: "Befaring for å fastsette takst (opplysninger mangler i matrikkelen)",
    InspectionReason.NEVER_INSPECTED: "Befaring for å fastsette takst for eiendomsskatt",
    InspectionReason.GENERAL_REVALUATION: "Befaring ved alminnelig omtaksering (hvert tiende år)",
}


def purpose(reason: InspectionReason) -> str:
    return PURPOSE[reason]
