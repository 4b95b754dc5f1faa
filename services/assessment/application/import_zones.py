"""Command: replace the zones and give every located property the zone it lies in."""

from __future__ import annotations

from dataclasses import dataclass

from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.valuing import propose_valuations
from services.assessment.domain.valuation import ValuationRoute
from services.assessment.domain.zones import Zone, ZoneIndex


@dataclass(frozen=True)
class ZoneImport:
    zones: int
    properties_in_zones: int
    properties_outside: int


def import_zones(uow: SqlAssessmentUnitOfWork, zones: list[Zone], config: AssessmentConfig) -> ZoneImport:
    """Standard-rate values depend on the zone factor, so those properties are valued anew."""
    index = ZoneIndex(zones)
    with uow:
        uow.zones.replace_all(zones)
        located = uow.properties.located()
        found = index.locate([lon for _, lon, _ in located], [lat for _, _, lat in located])
        zone_of = {pid: (z.zone_id if z else None) for (pid, _, _), z in zip(located, found, strict=True)}
        uow.properties.set_zones(zone_of)
        routes = {v.property_id: v.route for v in uow.valuations.newest(list(zone_of))}
        standard = [
            pid
            for pid in zone_of
            if routes.get(pid, ValuationRoute.STANDARD_RATE) == ValuationRoute.STANDARD_RATE
        ]
        props = uow.properties.get_many(standard)
        propose_valuations(uow, [props[pid] for pid in standard], {}, 0, config, index)
        uow.commit()
    inside = sum(1 for z in zone_of.values() if z is not None)
    return ZoneImport(zones=len(zones), properties_in_zones=inside, properties_outside=len(zone_of) - inside)
