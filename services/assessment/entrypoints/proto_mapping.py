"""Domain ⇄ protobuf for assessment's API: requests in, responses out. The events the service publishes
carry the same messages (property, owner shares, tax bases)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from propertytax.assessment.v1 import assessment_pb2, property_pb2, tax_pb2
from propertytax.platform.v1 import money_pb2
from services.assessment.domain.levy import LeviedTaxBase
from services.assessment.domain.ownership import Delivery, OwnerKind, OwnerShare, PostalAddress
from services.assessment.domain.property import (
    BRA_M2,
    PLOT_M2,
    Floor,
    Location,
    Property,
    PropertyCategory,
    PropertyFacts,
)
from services.assessment.domain.tax import TaxStatus
from services.assessment.domain.valuation import TraceItem, Valuation, ValuationRoute
from services.platform.errors import InvalidInput, Violations
from services.platform.money import Money
from services.platform.numbers import NOK, Bounds, check_money, read_decimal

_CATEGORY_TO_PROTO = {
    PropertyCategory.HOUSING: property_pb2.PROPERTY_CATEGORY_HOUSING,
    PropertyCategory.HOLIDAY_HOME: property_pb2.PROPERTY_CATEGORY_HOLIDAY_HOME,
    PropertyCategory.COMMERCIAL: property_pb2.PROPERTY_CATEGORY_COMMERCIAL,
    PropertyCategory.POWER: property_pb2.PROPERTY_CATEGORY_POWER,
    PropertyCategory.UNDEVELOPED: property_pb2.PROPERTY_CATEGORY_UNDEVELOPED,
    PropertyCategory.AGRICULTURE: property_pb2.PROPERTY_CATEGORY_AGRICULTURE,
}
_CATEGORY_FROM_PROTO: dict[int, PropertyCategory] = {int(v): k for k, v in _CATEGORY_TO_PROTO.items()}
_ROUTE_TO_PROTO = {
    ValuationRoute.HOUSING_VALUE: tax_pb2.VALUATION_ROUTE_HOUSING_VALUE,
    ValuationRoute.STANDARD_RATE: tax_pb2.VALUATION_ROUTE_STANDARD_RATE,
    ValuationRoute.MANUAL: tax_pb2.VALUATION_ROUTE_MANUAL,
    ValuationRoute.APPEAL: tax_pb2.VALUATION_ROUTE_APPEAL,
}
STATUS_TO_PROTO = {
    TaxStatus.TAXED: tax_pb2.TAX_STATUS_TAXED,
    TaxStatus.EXEMPT: tax_pb2.TAX_STATUS_EXEMPT,
    TaxStatus.OUT_OF_SCOPE: tax_pb2.TAX_STATUS_OUT_OF_SCOPE,
    TaxStatus.BELOW_MINIMUM: tax_pb2.TAX_STATUS_BELOW_MINIMUM,
    TaxStatus.NOT_VALUED: tax_pb2.TAX_STATUS_NOT_VALUED,
}


def money(amount: Money) -> money_pb2.Money:
    return money_pb2.Money(ore=amount.ore)


def category_from_proto(value: int) -> PropertyCategory | None:
    return _CATEGORY_FROM_PROTO.get(value)


def category_to_proto(category: PropertyCategory) -> property_pb2.PropertyCategory.ValueType:
    return _CATEGORY_TO_PROTO[category]


def _decimal(text: str, field: str, limits: Bounds, problems: Violations) -> Decimal:
    if not text.strip():
        return Decimal(0)
    try:
        return read_decimal(text, limits)
    except ValueError as exc:
        problems.add(field, str(exc))
        return Decimal(0)


def money_from_proto(given: money_pb2.Money, field: str, limits: Bounds = NOK) -> Money:
    """An amount a caller sent in øre, within `limits`; InvalidInput naming `field` otherwise."""
    try:
        return check_money(Money(given.ore), limits)
    except ValueError as exc:
        raise InvalidInput.single(field, str(exc)) from None


def facts_from_proto(message: assessment_pb2.PropertyFacts) -> PropertyFacts:
    """Raises InvalidInput for numbers that are not numbers; the domain checks the rest."""
    problems = Violations()
    floors = tuple(
        Floor(f.level, _decimal(f.bra_m2, f"floors[{i}].bra_m2", BRA_M2, problems))
        for i, f in enumerate(message.floors)
    )
    plot = _decimal(message.plot_m2, "plot_m2", PLOT_M2, problems)
    problems.raise_if_any()
    return PropertyFacts(
        cadastral_id=message.cadastral_id,
        address=message.address,
        category=category_from_proto(message.category),
        dwelling_units=message.dwelling_units,
        location=Location(message.location.lon, message.location.lat)
        if message.HasField("location")
        else None,
        floors=floors,
        plot_m2=plot,
        build_year=message.build_year or None,
        exemption_code=message.exemption_code,
    )


def property_to_proto(prop: Property) -> property_pb2.Property:
    message = property_pb2.Property(
        property_id=prop.property_id,
        cadastral_id=str(prop.cadastral_id) if prop.cadastral_id else "",
        address=prop.address,
        category=_CATEGORY_TO_PROTO[prop.category],
        dwelling_units=prop.dwelling_units,
        floors=[property_pb2.Floor(level=f.level, bra_m2=str(f.bra_m2)) for f in prop.floors],
        plot_m2=str(prop.plot_m2),
        build_year=prop.build_year or 0,
        exemption_code=prop.exemption_code,
        zone_id=prop.zone_id or "",
    )
    if prop.location is not None:
        message.location.lon = prop.location.lon
        message.location.lat = prop.location.lat
    return message


def _trace(items: tuple[TraceItem, ...]) -> list[tax_pb2.TraceItem]:
    return [tax_pb2.TraceItem(factor=t.factor, value=t.value, source=t.source) for t in items]


def valuation_to_proto(valuation: Valuation) -> tax_pb2.Valuation:
    return tax_pb2.Valuation(
        valuation_id=valuation.valuation_id,
        property_id=valuation.property_id,
        version=valuation.version,
        route=_ROUTE_TO_PROTO[valuation.route],
        value=money(valuation.value),
        trace=_trace(valuation.trace),
        reason=valuation.reason,
        adopted=valuation.adopted,
    )


def tax_base_to_proto(levied: LeviedTaxBase, with_trace: bool = True) -> tax_pb2.TaxBase:
    base = levied.base
    return tax_pb2.TaxBase(
        property_id=base.property_id,
        tax_year=base.tax_year,
        version=levied.version,
        status=STATUS_TO_PROTO[base.status],
        category=_CATEGORY_TO_PROTO[base.category],
        dwelling_units=base.dwelling_units,
        value=money(base.value),
        reduction=str(base.reduction),
        deduction=money(base.deduction),
        tax_base=money(base.tax_base),
        rate_per_mille=str(base.rate_per_mille),
        tax=money(base.tax),
        valuation_version=base.valuation_version,
        exemption_code=base.exemption_code,
        trace=_trace(base.trace) if with_trace else [],
        terms=levied.terms,
        reason=levied.reason,
    )


_KIND_TO_PROTO = {
    OwnerKind.PERSON: property_pb2.OWNER_KIND_PERSON,
    OwnerKind.ORGANISATION: property_pb2.OWNER_KIND_ORGANISATION,
}
_KIND_FROM_PROTO: dict[int, OwnerKind] = {int(v): k for k, v in _KIND_TO_PROTO.items()}


def owner_kind_from_proto(value: int) -> OwnerKind | None:
    return _KIND_FROM_PROTO.get(value)


def owner_share_to_proto(share: OwnerShare, since: date) -> property_pb2.OwnerShare:
    found = property_pb2.OwnerShare(
        owner_ref=share.owner_ref,
        kind=_KIND_TO_PROTO[share.kind],
        name=share.name,
        share_numerator=share.share.numerator,
        share_denominator=share.share.denominator,
        since=since.isoformat(),
        organisation_number=share.organisation_number,
        billing_channel=share.delivery.channel,
        invoice_interval=share.delivery.interval,
    )
    address = share.delivery.address
    if address is not None:
        found.postal_address.CopyFrom(
            property_pb2.PostalAddress(
                address_lines=[line.strip() for line in address.lines if line.strip()],
                postcode=address.postcode,
                city=address.city.strip(),
            )
        )
    return found


def delivery_from_proto(address: property_pb2.PostalAddress | None, channel: str, interval: str) -> Delivery:
    """How a new owner is invoiced, as a request gave it; an address none of whose parts is given is none."""
    given = address is not None and (any(address.address_lines) or address.postcode or address.city)
    return Delivery(
        PostalAddress(tuple(address.address_lines), address.postcode.strip(), address.city)
        if given and address is not None
        else None,
        channel.strip().lower(),
        interval.strip().lower(),
    )


def masked(identity_number: str) -> str:
    """For screens that must show which number it is: the birth date part only."""
    return identity_number[:6] + "*" * (len(identity_number) - 6)
