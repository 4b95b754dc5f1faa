"""Command: replace the zones and give every located property the zone it lies in."""

from __future__ import annotations

from dataclasses import dataclass

from services.assessment.application.config import AssessmentConfig
from services.assessment.application.ports import AssessmentUnitOfWork
from services.assessment.application.valuing import propose_valuations
from services.assessment.domain.valuation import ValuationRoute
from services.assessment.domain.zones import Zone, ZoneIndex
from services.platform.errors import FailedPrecondition

SAMPLE = 5  # properties named in a refusal; the count says how many more


@dataclass(frozen=True)
class ZoneImport:
    zones: int
    properties_in_zones: int
    properties_outside: int


def _uncovered(
    located: list[tuple[str, float, float]], current: ZoneIndex, found: list[Zone | None]
) -> list[str]:
    """Registered properties the current zones cover and the new ones would leave outside every zone."""
    before = current.locate([lon for _, lon, _ in located], [lat for _, _, lat in located])
    return sorted(
        pid
        for (pid, _, _), old, new in zip(located, before, found, strict=True)
        if old is not None and new is None
    )


def import_zones(
    uow: AssessmentUnitOfWork, zones: list[Zone], config: AssessmentConfig, allow_uncovered: bool = False
) -> ZoneImport:
    """Standard-rate values depend on the zone factor, so those properties are valued anew. Zones that
    would leave properties the current zones cover outside every zone are refused before anything is
    replaced, unless `allow_uncovered`."""
    index = ZoneIndex(zones)
    with uow:
        located = uow.properties.located()
        found = index.locate([lon for _, lon, _ in located], [lat for _, _, lat in located])
        if not allow_uncovered:
            left_out = _uncovered(located, uow.zones.index(), found)
            if left_out:
                more = f" and {len(left_out) - SAMPLE} more" if len(left_out) > SAMPLE else ""
                sample = ", ".join(p[:40] for p in left_out[:SAMPLE])
                raise FailedPrecondition(
                    f"the new zones leave {len(left_out)} registered properties outside every zone that the "
                    f"current zones cover, e.g. {sample}{more}; nothing "
                    "was replaced. Check the file's coordinates and CRS, or import with --allow-uncovered "
                    "(allow_uncovered) to replace the zones anyway"
                )
        uow.zones.replace_all(zones)
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
