"""Proposing new valuation versions when a property's facts or housing values give a new value."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.application.config import AssessmentConfig
from services.assessment.domain.property import Property
from services.assessment.domain.valuation import (
    Valuation,
    ValuationResult,
    housing_value_valuation,
    standard_rate_valuation,
)
from services.assessment.domain.zones import ZoneIndex
from services.platform.ids import new_id
from services.platform.money import Money


def value_property(
    prop: Property,
    housing: Mapping[str, Money] | None,
    housing_year: int,
    zones: ZoneIndex,
    config: AssessmentConfig,
) -> ValuationResult:
    """The housing-value route when the tax authority's values exist, else the standard-rate formula."""
    if housing:
        return housing_value_valuation(housing, housing_year)
    zone = zones.by_id(prop.zone_id)
    return standard_rate_valuation(
        category=prop.category,
        floors=prop.floors,
        plot_m2=prop.plot_m2,
        rates=config.rates,
        zone_factor=zone.factor if zone else Decimal(1),
        zone_source=f"zone {zone.zone_id} {zone.name}" if zone else "outside every zone",
    )


def propose_valuations(
    uow: SqlAssessmentUnitOfWork,
    props: Sequence[Property],
    housing: Mapping[str, Mapping[str, Money]],
    housing_year: int,
    config: AssessmentConfig,
    zones: ZoneIndex | None = None,
) -> int:
    """Adds a proposed valuation for each property whose value is new; returns how many."""
    if not props:
        return 0
    zones = zones or uow.zones.index()
    ids = [p.property_id for p in props]
    latest = uow.valuations.latest_versions(ids)
    newest_values = {v.property_id: v.value for v in uow.valuations.newest([i for i in ids if i in latest])}
    proposed: list[Valuation] = []
    for prop in props:
        result = value_property(prop, housing.get(prop.property_id), housing_year, zones, config)
        if prop.property_id in newest_values and newest_values[prop.property_id] == result.value:
            continue
        proposed.append(
            Valuation(
                valuation_id=new_id(),
                property_id=prop.property_id,
                version=latest.get(prop.property_id, 0) + 1,
                route=result.route,
                value=result.value,
                trace=result.trace,
                reason=result.reason,
                adopted=False,
            )
        )
    uow.valuations.add_many(proposed, uow.now())
    return len(proposed)
