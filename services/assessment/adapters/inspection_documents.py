"""A plan's documents behind application/ports.py InspectionDocuments: route sheets and owners' letters
(notices, cancellations) as PDF (adapters/inspection_route_sheet_pdf.py, adapters/
inspection_notice_pdf.py), the plan's map as an offline HTML page (adapters/inspection_map_html.py)."""

from __future__ import annotations

from collections.abc import Sequence

from services.assessment.adapters.config_files import load_municipality
from services.assessment.adapters.inspection_map_html import plan_map_html
from services.assessment.adapters.inspection_notice_pdf import cancellation_pdf, notice_pdf
from services.assessment.adapters.inspection_route_sheet_pdf import route_sheet_pdf
from services.assessment.domain.inspection_planning import (
    DayRoute,
    InspectionCancellation,
    InspectionNotice,
    InspectionPlan,
)
from services.assessment.domain.municipality import Municipality
from services.assessment.domain.zones import Zone


class InspectionDocumentWriter:
    """Implements InspectionDocuments for `municipality` (its name on every document, its office's
    contact on the owners' letters; by default the one in municipality.yaml). Same inputs, same bytes."""

    def __init__(self, municipality: Municipality | None = None) -> None:
        self.municipality = municipality or load_municipality()

    def route_sheet(self, plan: InspectionPlan, route: DayRoute, zones: Sequence[Zone]) -> bytes:
        return route_sheet_pdf(plan, route, zones, self.municipality)

    def plan_map(self, plan: InspectionPlan, zones: Sequence[Zone]) -> bytes:
        return plan_map_html(plan, zones, self.municipality)

    def notice(self, notice: InspectionNotice) -> bytes:
        return notice_pdf(notice, self.municipality)

    def cancellation(self, cancellation: InspectionCancellation) -> bytes:
        return cancellation_pdf(cancellation, self.municipality)
