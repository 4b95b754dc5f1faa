"""Reads and writes assessment's tables (SQLAlchemy Core; bulk statements for bulk work)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Select, Table, and_, bindparam, func, or_, select, true, update
from sqlalchemy.orm import Session

from services.assessment.adapters.orm import housing_values, properties, valuation_needs, valuations
from services.assessment.domain.property import CadastralId, Floor, Location, Property, PropertyCategory
from services.assessment.domain.tax import AdoptedValue, TaxableProperty
from services.assessment.domain.valuation import (
    NeedReason,
    TraceItem,
    Valuation,
    ValuationNeed,
    ValuationRoute,
)
from services.platform.bulk import bulk_insert
from services.platform.money import Money
from services.platform.search_text import search_fold

CHUNK = 5000  # keeps IN lists and bulk statements well inside every database's limits


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def trace_to_json(trace: Iterable[TraceItem]) -> str:
    return json.dumps([[t.factor, t.value, t.source] for t in trace], ensure_ascii=False)


def trace_from_json(text: str) -> tuple[TraceItem, ...]:
    return tuple(TraceItem(*item) for item in json.loads(text))


def _floors_json(floors: tuple[Floor, ...]) -> str:
    return json.dumps([[f.level, str(f.bra_m2)] for f in floors])


def _to_property(row: Any) -> Property:
    location = Location(row.lon, row.lat) if row.lon is not None and row.lat is not None else None
    return Property(
        property_id=row.property_id,
        cadastral_id=CadastralId.parse(row.cadastral_id) if row.cadastral_id else None,
        address=row.address,
        category=PropertyCategory(row.category),
        dwelling_units=row.dwelling_units,
        location=location,
        floors=tuple(Floor(level, Decimal(bra)) for level, bra in json.loads(row.floors)),
        plot_m2=row.plot_m2,
        build_year=row.build_year,
        exemption_code=row.exemption_code,
        zone_id=row.zone_id,
    )


def _property_values(prop: Property) -> dict[str, Any]:
    return {
        "property_id": prop.property_id,
        "cadastral_id": str(prop.cadastral_id) if prop.cadastral_id else None,
        "address": prop.address,
        "category": prop.category.value,
        "dwelling_units": prop.dwelling_units,
        "lon": prop.location.lon if prop.location else None,
        "lat": prop.location.lat if prop.location else None,
        "floors": _floors_json(prop.floors),
        "plot_m2": prop.plot_m2,
        "build_year": prop.build_year,
        "exemption_code": prop.exemption_code,
        "zone_id": prop.zone_id,
        "search_text": search_fold(f"{prop.address}\n{prop.property_id}"),
    }


class PropertyRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, prop: Property, registered_at: datetime) -> None:
        self.add_many([prop], registered_at)

    def add_many(
        self, props: Sequence[Property], registered_at: datetime, wkt: dict[str, str] | None = None
    ) -> None:
        rows = [
            {
                **_property_values(p),
                "registered_at": registered_at,
                "geometry_wkt": (wkt or {}).get(p.property_id),
            }
            for p in props
        ]
        bulk_insert(self._session, properties, rows)

    def replace_many(self, props: Sequence[Property], wkt: dict[str, str] | None = None) -> None:
        """Replaces the facts of existing properties (bulk UPDATE by primary key)."""
        rows = [
            {
                **{f"v_{k}": v for k, v in _property_values(p).items()},
                "v_geometry_wkt": (wkt or {}).get(p.property_id),
            }
            for p in props
        ]
        columns = [c for c in _property_values(props[0]) if c != "property_id"] if props else []
        statement = (
            update(properties)
            .where(properties.c.property_id == bindparam("v_property_id"))
            .values({c: bindparam(f"v_{c}") for c in [*columns, "geometry_wkt"]})
        )
        for part in chunks(rows):
            self._session.connection().execute(statement, list(part))

    def get(self, property_id: str) -> Property | None:
        row = self._session.execute(select(properties).where(properties.c.property_id == property_id)).first()
        return _to_property(row) if row else None

    def get_many(self, property_ids: Sequence[str]) -> dict[str, Property]:
        found: dict[str, Property] = {}
        for part in chunks(property_ids):
            for row in self._session.execute(select(properties).where(properties.c.property_id.in_(part))):
                found[row.property_id] = _to_property(row)
        return found

    def existing_ids(self, property_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for part in chunks(property_ids):
            found.update(
                self._session.scalars(
                    select(properties.c.property_id).where(properties.c.property_id.in_(part))
                )
            )
        return found

    def exists_cadastral(self, cadastral_id: CadastralId, excluding: str | None = None) -> bool:
        query = select(properties.c.property_id).where(properties.c.cadastral_id == str(cadastral_id))
        if excluding:
            query = query.where(properties.c.property_id != excluding)
        return self._session.execute(query).first() is not None

    def cadastral_holders(self, cadastral_ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for part in chunks(cadastral_ids):
            rows = self._session.execute(
                select(properties.c.cadastral_id, properties.c.property_id).where(
                    properties.c.cadastral_id.in_(part)
                )
            )
            found.update({r.cadastral_id: r.property_id for r in rows})
        return found

    def find(
        self, text: str, zone_id: str, category: PropertyCategory | None, offset: int, limit: int
    ) -> list[Property]:
        query = select(properties)
        if text:
            # Both sides folded in Python, so that "ØVRE" finds "Øvre Ærvei 6" on SQLite as on PostgreSQL;
            # LIKE's wildcards in the text are matched as themselves.
            folded = search_fold(text).replace("\n", " ")
            escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(
                or_(
                    properties.c.search_text.like(f"%{escaped}%", escape="\\"),
                    properties.c.cadastral_id.like(f"%{escaped}%", escape="\\"),
                )
            )
        if zone_id:
            query = query.where(properties.c.zone_id == zone_id)
        if category is not None:
            query = query.where(properties.c.category == category.value)
        rows = self._session.execute(query.order_by(properties.c.property_id).offset(offset).limit(limit))
        return [_to_property(r) for r in rows]

    def located(self) -> list[tuple[str, float, float]]:
        rows = self._session.execute(
            select(properties.c.property_id, properties.c.lon, properties.c.lat).where(
                properties.c.lon.is_not(None), properties.c.lat.is_not(None)
            )
        )
        return [(r.property_id, r.lon, r.lat) for r in rows]

    def set_zones(self, zone_of: dict[str, str | None]) -> None:
        statement = (
            update(properties)
            .where(properties.c.property_id == bindparam("v_id"))
            .values(zone_id=bindparam("v_zone"))
        )
        rows = [{"v_id": k, "v_zone": v} for k, v in zone_of.items()]
        for part in chunks(rows):
            self._session.connection().execute(statement, list(part))

    def taxables_after(self, after_id: str, limit: int, built_up: dict[str, bool]) -> list[TaxableProperty]:
        """What the levy needs of the next properties in id order (not the full facts: it is faster)."""
        rows = self._session.execute(
            select(
                properties.c.property_id,
                properties.c.category,
                properties.c.dwelling_units,
                properties.c.exemption_code,
                properties.c.zone_id,
            )
            .where(properties.c.property_id > after_id)
            .order_by(properties.c.property_id)
            .limit(limit)
        )
        return [
            TaxableProperty(
                r.property_id,
                PropertyCategory(r.category),
                r.dwelling_units,
                r.exemption_code,
                built_up.get(r.zone_id or "", True),
            )
            for r in rows
        ]

    def all(self) -> list[Property]:
        return [
            _to_property(r)
            for r in self._session.execute(select(properties).order_by(properties.c.property_id))
        ]

    def count(self) -> int:
        return int(self._session.execute(select(func.count()).select_from(properties)).scalar_one())


def _to_valuation(row: Any) -> Valuation:
    return Valuation(
        valuation_id=row.valuation_id,
        property_id=row.property_id,
        version=row.version,
        route=ValuationRoute(row.route),
        value=Money(row.value_ore),
        trace=trace_from_json(row.trace),
        reason=row.reason,
        adopted=row.adopted,
    )


def _to_need(row: Any) -> ValuationNeed:
    return ValuationNeed(row.property_id, NeedReason(row.reason), row.detail)


class ValuationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def latest_versions(self, property_ids: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for part in chunks(property_ids):
            rows = self._session.execute(
                select(valuations.c.property_id, func.max(valuations.c.version))
                .where(valuations.c.property_id.in_(part))
                .group_by(valuations.c.property_id)
            )
            found.update({r[0]: int(r[1]) for r in rows})
        return found

    def add_many(
        self, items: Sequence[Valuation], created_at: datetime, adoption_reference: str | None = None
    ) -> None:
        rows = [
            {
                "valuation_id": v.valuation_id,
                "property_id": v.property_id,
                "version": v.version,
                "route": v.route.value,
                "value_ore": v.value.ore,
                "trace": trace_to_json(v.trace),
                "reason": v.reason,
                "adopted": v.adopted,
                "adoption_reference": adoption_reference if v.adopted else None,
                "created_at": created_at,
                "adopted_at": created_at if v.adopted else None,
            }
            for v in items
        ]
        bulk_insert(self._session, valuations, rows)

    def newest(self, property_ids: Sequence[str]) -> list[Valuation]:
        """Each property's newest valuation version, adopted or not."""
        found: list[Valuation] = []
        for part in chunks(list(property_ids)):
            rows = self._session.execute(_rows_of_highest(valuations, valuations.c.version, part))
            found.extend(_to_valuation(r) for r in rows)
        return found

    def newest_by_route(self, property_ids: Sequence[str]) -> dict[tuple[str, ValuationRoute], Money]:
        """The value of each property's newest valuation on each route it has been valued by."""
        found: dict[tuple[str, ValuationRoute], Money] = {}
        for part in chunks(list(property_ids)):
            newest = (
                select(
                    valuations.c.property_id,
                    valuations.c.route,
                    func.max(valuations.c.version).label("version"),
                )
                .where(valuations.c.property_id.in_(part))
                .group_by(valuations.c.property_id, valuations.c.route)
                .subquery()
            )
            rows = self._session.execute(
                select(valuations.c.property_id, valuations.c.route, valuations.c.value_ore).join(
                    newest,
                    and_(
                        valuations.c.property_id == newest.c.property_id,
                        valuations.c.version == newest.c.version,
                    ),
                )
            )
            found.update({(r.property_id, ValuationRoute(r.route)): Money(r.value_ore) for r in rows})
        return found

    def note_needs(self, property_ids: Sequence[str], needs: Sequence[ValuationNeed], at: datetime) -> None:
        """Replaces the valuation needs of these properties with `needs`, every reason of a property one
        row (those not in it have none)."""
        for part in chunks(list(property_ids)):
            self._session.execute(valuation_needs.delete().where(valuation_needs.c.property_id.in_(part)))
        rows = [
            {"property_id": n.property_id, "reason": n.reason.value, "detail": n.detail, "noted_at": at}
            for n in needs
        ]
        bulk_insert(self._session, valuation_needs, rows)

    def clear_need(self, property_id: str) -> None:
        """An assessor valued the property: it needs no valuation any more, for any reason."""
        self._session.execute(valuation_needs.delete().where(valuation_needs.c.property_id == property_id))

    def needs(self, offset: int = 0, limit: int | None = None) -> list[ValuationNeed]:
        """The valuation needs, every reason of each property, in id and reason order (from `offset`, at
        most `limit`)."""
        query = (
            select(valuation_needs)
            .order_by(valuation_needs.c.property_id, valuation_needs.c.reason)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        return [_to_need(r) for r in self._session.execute(query)]

    def needs_of(self, property_ids: Sequence[str]) -> dict[str, list[ValuationNeed]]:
        """Each of these properties' needs (every reason), for those that have any."""
        found: dict[str, list[ValuationNeed]] = {}
        for part in chunks(list(property_ids)):
            rows = self._session.execute(
                select(valuation_needs)
                .where(valuation_needs.c.property_id.in_(part))
                .order_by(valuation_needs.c.property_id, valuation_needs.c.reason)
            )
            for r in rows:
                found.setdefault(r.property_id, []).append(_to_need(r))
        return found

    def needs_between(self, first_id: str, last_id: str) -> dict[str, list[ValuationNeed]]:
        """The needs (every reason) of the properties with first_id ≤ id ≤ last_id (the levy's chunks)."""
        rows = self._session.execute(
            select(valuation_needs)
            .where(valuation_needs.c.property_id >= first_id, valuation_needs.c.property_id <= last_id)
            .order_by(valuation_needs.c.property_id, valuation_needs.c.reason)
        )
        found: dict[str, list[ValuationNeed]] = {}
        for r in rows:
            found.setdefault(r.property_id, []).append(_to_need(r))
        return found

    def for_property(self, property_id: str) -> list[Valuation]:
        rows = self._session.execute(
            select(valuations)
            .where(valuations.c.property_id == property_id)
            .order_by(valuations.c.version.desc())
        )
        return [_to_valuation(r) for r in rows]

    def adopt(self, property_ids: Sequence[str] | None, reference: str, at: datetime) -> int:
        """Adopts each property's newest valuation when it is not adopted yet."""
        newest = (
            select(valuations.c.property_id, func.max(valuations.c.version).label("version"))
            .group_by(valuations.c.property_id)
            .subquery()
        )
        query = (
            select(valuations.c.valuation_id)
            .join(
                newest,
                and_(
                    valuations.c.property_id == newest.c.property_id, valuations.c.version == newest.c.version
                ),
            )
            .where(valuations.c.adopted.is_(False))
        )
        ids: list[str] = []
        if property_ids is None:
            ids = list(self._session.scalars(query))
        else:
            for part in chunks(list(property_ids)):
                ids.extend(self._session.scalars(query.where(valuations.c.property_id.in_(part))))
        for part in chunks(ids):
            self._session.execute(
                update(valuations)
                .where(valuations.c.valuation_id.in_(part))
                .values(adopted=True, adoption_reference=reference, adopted_at=at)
            )
        return len(ids)

    def _newest(self, scope: Any, condition: Any) -> dict[str, AdoptedValue]:
        """Newest version per property among the rows matching condition, within scope (a filter on
        property_id, applied inside and outside the grouping so the database never scans the rest)."""
        sub = (
            select(valuations.c.property_id, func.max(valuations.c.version).label("version"))
            .where(condition, scope)
            .group_by(valuations.c.property_id)
            .subquery()
        )
        rows = self._session.execute(
            select(valuations.c.property_id, valuations.c.version, valuations.c.value_ore)
            .join(
                sub,
                and_(valuations.c.property_id == sub.c.property_id, valuations.c.version == sub.c.version),
            )
            .where(scope)
        )
        return {r.property_id: AdoptedValue(Money(r.value_ore), r.version) for r in rows}

    def adopted_values(self) -> dict[str, AdoptedValue]:
        """The newest adopted value of every property."""
        return self._newest(true(), valuations.c.adopted.is_(True))

    def adopted_values_between(self, first_id: str, last_id: str) -> dict[str, AdoptedValue]:
        """The newest adopted value of each property with first_id ≤ id ≤ last_id (the levy's chunks)."""
        scope = and_(valuations.c.property_id >= first_id, valuations.c.property_id <= last_id)
        return self._newest(scope, valuations.c.adopted.is_(True))

    def simulation_values(self) -> dict[str, AdoptedValue]:
        """Adopted values, and for properties without one the newest housing value (which counts as
        adopted for simulation: the tax authority's value needs no committee to be a fair estimate)."""
        found = self._newest(true(), valuations.c.route == ValuationRoute.HOUSING_VALUE.value)
        found.update(self.adopted_values())
        return found


class HousingValueRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def replace_many(self, rows: Sequence[tuple[str, str, int, Money]]) -> None:
        by_unit_year: dict[tuple[str, int], list[str]] = {}
        for property_id, unit, year, _ in rows:
            by_unit_year.setdefault((unit, year), []).append(property_id)
        for (unit, year), property_ids in by_unit_year.items():
            for part in chunks(property_ids):
                self._session.execute(
                    housing_values.delete().where(
                        housing_values.c.unit == unit,
                        housing_values.c.year == year,
                        housing_values.c.property_id.in_(part),
                    )
                )
        values = [{"property_id": p, "unit": u, "year": y, "value_ore": v.ore} for p, u, y, v in rows]
        bulk_insert(self._session, housing_values, values)

    def by_unit(self, property_ids: Sequence[str], year: int) -> dict[str, dict[str, Money]]:
        found: dict[str, dict[str, Money]] = {}
        for part in chunks(list(property_ids)):
            rows = self._session.execute(
                select(housing_values).where(
                    housing_values.c.property_id.in_(part), housing_values.c.year == year
                )
            )
            for r in rows:
                found.setdefault(r.property_id, {})[r.unit] = Money(r.value_ore)
        return found

    def newest_year_by_unit(self, property_ids: Sequence[str]) -> dict[str, dict[str, Money]]:
        """Each property's housing values of the newest year it has any for."""
        found: dict[str, dict[str, Money]] = {}
        for part in chunks(list(property_ids)):
            rows = self._session.execute(_rows_of_highest(housing_values, housing_values.c.year, part))
            for r in rows:
                found.setdefault(r.property_id, {})[r.unit] = Money(r.value_ore)
        return found


def _rows_of_highest(table: Table, column: Column[Any], property_ids: Sequence[str]) -> Select[Any]:
    """The rows of `table` whose `column` is the highest of each of the properties' rows."""
    highest = (
        select(table.c.property_id, func.max(column).label("highest"))
        .where(table.c.property_id.in_(property_ids))
        .group_by(table.c.property_id)
        .subquery()
    )
    return select(table).join(
        highest, and_(table.c.property_id == highest.c.property_id, column == highest.c.highest)
    )
