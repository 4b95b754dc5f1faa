"""Proposing new valuation versions when a property's facts or housing values give a new value, and
noting the properties that cannot be valued (valuation needs) instead of valuing them at 0 kr."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from services.assessment.application.config import AssessmentConfig
from services.assessment.application.ports import AssessmentUnitOfWork
from services.assessment.domain.property import Property
from services.assessment.domain.valuation import (
    Valuation,
    ValuationNeed,
    ValuationResult,
    ValuationRoute,
    housing_value_need,
    housing_value_valuation,
    housing_values_in_force,
    standard_rate_valuation,
    why_not_valued,
    zero_value_need,
)
from services.assessment.domain.zones import Zone, ZoneIndex
from services.platform.ids import new_id
from services.platform.money import Money
from services.platform.paging import encode_token, parse_page


def value_property(
    prop: Property,
    housing: Mapping[str, Money] | None,
    housing_year: int,
    zones: ZoneIndex,
    config: AssessmentConfig,
) -> ValuationResult | tuple[ValuationNeed, ...]:
    """The housing-value route when the tax authority's values exist, else the standard-rate formula;
    every reason the property cannot be valued when neither can (never a value of 0 kr).

    When the tax authority's values cannot value it (a unit at 0 kr), the formula's reasons are listed
    too: each is a cause an assessor must cure, and curing one leaves the others."""
    zone = zones.by_id(prop.zone_id)
    facts_needs = why_not_valued(
        property_id=prop.property_id,
        category=prop.category,
        floors=prop.floors,
        plot_m2=prop.plot_m2,
        location=prop.location,
        in_zone=zone is not None,
        zones_exist=bool(zones.zones),
        rates=config.rates,
    )
    if housing and housing_values_in_force(housing):
        zero = housing_value_need(prop.property_id, housing)
        if zero is not None:
            return (zero, *facts_needs)
        return housing_value_valuation(housing, housing_year)
    if facts_needs:
        return facts_needs
    factor, source = zone_factor(zone)
    result = standard_rate_valuation(
        category=prop.category,
        floors=prop.floors,
        plot_m2=prop.plot_m2,
        rates=config.rates,
        zone_factor=factor,
        zone_source=source,
    )
    zero_formula = zero_value_need(prop.property_id, result)
    return (zero_formula,) if zero_formula else result


def zone_factor(zone: Zone | None) -> tuple[Decimal, str]:
    """The standard-rate formula's zone factor and its source for the trace: the property's zone's, or 1
    where the municipality has registered no zones (a property outside existing zones is not valued)."""
    if zone is None:
        return Decimal(1), "no zones registered"
    return zone.factor, f"zone {zone.zone_id} {zone.name}"


@dataclass(frozen=True)
class Proposals:
    """What valuing a set of properties did: new versions proposed, and the properties that need one."""

    proposed: int
    needs: list[ValuationNeed] = field(default_factory=list)


def value_and_propose(
    uow: AssessmentUnitOfWork,
    props: Sequence[Property],
    housing_year: int,
    config: AssessmentConfig,
    zones: ZoneIndex | None = None,
) -> Proposals:
    """Values each property from the register (its stored housing values for the year, else its facts).

    A new version is proposed only when the route's inputs give a value that route did not give last
    time: the same file imported again proposes nothing, and a § 17 correction or an assessor's value
    is not overridden by inputs that have not changed. A property that cannot be valued gets no proposal
    and is noted with every reason it has (replacing its earlier ones, so a cured cause goes and the
    others stay), unless its newest valuation is an assessor's or a committee's (made because the
    register could not value it: the same causes do not reopen the need); one that can be valued loses
    its needs. An open need makes the property not valued for the levy whatever older valuation it has
    (`determine_tax`).
    """
    if not props:
        return Proposals(0)
    zones = zones or uow.zones.index()
    ids = [p.property_id for p in props]
    housing = uow.housing_values.by_unit(ids, housing_year) if housing_year else {}
    if not housing_year:
        housing = uow.housing_values.newest_year_by_unit(ids)
    latest = uow.valuations.latest_versions(ids)
    last_by_route = uow.valuations.newest_by_route([i for i in ids if i in latest])
    # An assessor's or a committee's value (which cleared the property's needs) stands until the register
    # gives a value of its own: the register's causes are not noted again over it.
    valued_by_hand = {
        v.property_id
        for v in uow.valuations.newest([i for i in ids if i in latest])
        if v.route in (ValuationRoute.MANUAL, ValuationRoute.APPEAL)
    }
    proposed: list[Valuation] = []
    needs: list[ValuationNeed] = []
    for prop in props:
        result = value_property(prop, housing.get(prop.property_id), housing_year, zones, config)
        if isinstance(result, tuple):
            if prop.property_id not in valued_by_hand:
                needs.extend(result)
            continue
        if last_by_route.get((prop.property_id, result.route)) == result.value:
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
    uow.valuations.note_needs(ids, needs, uow.now())
    return Proposals(len(proposed), needs)


def propose_valuations(
    uow: AssessmentUnitOfWork,
    props: Sequence[Property],
    housing: Mapping[str, Mapping[str, Money]],
    housing_year: int,
    config: AssessmentConfig,
    zones: ZoneIndex | None = None,
) -> int:
    """`value_and_propose` for callers that need only the count. `housing` is not used: the stored
    housing values are (a caller stores what its file brought before valuing)."""
    del housing
    return value_and_propose(uow, props, housing_year, config, zones).proposed


def list_valuation_needs(
    uow: AssessmentUnitOfWork, page_size: int, page_token: str
) -> tuple[list[ValuationNeed], str]:
    """Query: a page of the valuation needs (an inspection's causes), in property id order, every reason
    of a property one after the other."""
    page = parse_page(page_size, page_token)
    with uow:
        found = uow.valuations.needs(page.offset, page.size + 1)
    next_token = encode_token(page.offset + page.size) if len(found) > page.size else ""
    return found[: page.size], next_token
