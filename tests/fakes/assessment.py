"""Assessment's unit of work in memory: every repository of application/ports.py over plain dicts and lists,
so that assessment's handlers run without a database (tests/unit/test_assessment_handlers*.py).

Decisions are read with the service's own decision reader (the YAML format they are kept in), and the
identity vault seals by a reversible tag, so tests can see that events carry references, never numbers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from fractions import Fraction

from services.assessment.adapters.config_files import parse_decision_yaml
from services.assessment.application.ports import ListedTaxBase
from services.assessment.domain.levy import LeviedTaxBase, LevyJob, LevyJobState
from services.assessment.domain.ownership import OwnerKind, OwnerShare
from services.assessment.domain.property import CadastralId, Property, PropertyCategory
from services.assessment.domain.tax import AdoptedValue, TaxableProperty, TaxStatus
from services.assessment.domain.valuation import Valuation, ValuationNeed, ValuationRoute
from services.assessment.domain.zones import Zone, ZoneIndex
from services.platform.money import Money
from tests.fakes.inspection_needs import InMemoryInspectionNeeds
from tests.fakes.inspection_plans import InMemoryInspectionPlans
from tests.fakes.unit_of_work import FIXED_NOW, FakeUnitOfWork


class InMemoryProperties:
    def __init__(self) -> None:
        self.rows: dict[str, Property] = {}
        self.registered_at: dict[str, datetime] = {}
        self.geometry_wkt: dict[str, str | None] = {}

    def add(self, prop: Property, registered_at: datetime) -> None:
        self.add_many([prop], registered_at)

    def add_many(
        self, props: Sequence[Property], registered_at: datetime, wkt: dict[str, str] | None = None
    ) -> None:
        for prop in props:
            if prop.property_id in self.rows:
                raise ValueError(f"duplicate property {prop.property_id}")  # the primary key
            self.rows[prop.property_id] = prop
            self.registered_at[prop.property_id] = registered_at
            self.geometry_wkt[prop.property_id] = (wkt or {}).get(prop.property_id)

    def replace_many(self, props: Sequence[Property], wkt: dict[str, str] | None = None) -> None:
        for prop in props:
            if prop.property_id in self.rows:
                self.rows[prop.property_id] = prop
                self.geometry_wkt[prop.property_id] = (wkt or {}).get(prop.property_id)

    def get(self, property_id: str) -> Property | None:
        return self.rows.get(property_id)

    def get_many(self, property_ids: Sequence[str]) -> dict[str, Property]:
        return {pid: self.rows[pid] for pid in property_ids if pid in self.rows}

    def existing_ids(self, property_ids: Sequence[str]) -> set[str]:
        return {pid for pid in property_ids if pid in self.rows}

    def exists_cadastral(self, cadastral_id: CadastralId, excluding: str | None = None) -> bool:
        return any(p.cadastral_id == cadastral_id and p.property_id != excluding for p in self.rows.values())

    def cadastral_holders(self, cadastral_ids: Sequence[str]) -> dict[str, str]:
        wanted = set(cadastral_ids)
        return {
            str(p.cadastral_id): p.property_id
            for p in self.rows.values()
            if p.cadastral_id is not None and str(p.cadastral_id) in wanted
        }

    def find(
        self, text: str, zone_id: str, category: PropertyCategory | None, offset: int, limit: int
    ) -> list[Property]:
        folded = text.casefold()
        found = [
            p
            for p in self.all()
            if (
                not folded
                or folded in f"{p.address}\n{p.property_id}".casefold()
                or folded in str(p.cadastral_id or "").casefold()
            )
            and (not zone_id or p.zone_id == zone_id)
            and (category is None or p.category == category)
        ]
        return found[offset : offset + limit]

    def located(self) -> list[tuple[str, float, float]]:
        return [(p.property_id, p.location.lon, p.location.lat) for p in self.all() if p.location is not None]

    def set_zones(self, zone_of: dict[str, str | None]) -> None:
        for pid, zone_id in zone_of.items():
            self.rows[pid] = replace(self.rows[pid], zone_id=zone_id)

    def taxables_after(self, after_id: str, limit: int, built_up: dict[str, bool]) -> list[TaxableProperty]:
        return [
            TaxableProperty(
                p.property_id,
                p.category,
                p.dwelling_units,
                p.exemption_code,
                built_up.get(p.zone_id or "", True),
            )
            for p in self.all()
            if p.property_id > after_id
        ][:limit]

    def all(self) -> list[Property]:
        return [self.rows[pid] for pid in sorted(self.rows)]

    def count(self) -> int:
        return len(self.rows)


class InMemoryValuations:
    def __init__(self) -> None:
        self.rows: list[Valuation] = []
        self.adoption_references: dict[str, str] = {}  # valuation id → the committee's reference
        self.open_needs: dict[str, list[ValuationNeed]] = {}

    def latest_versions(self, property_ids: Sequence[str]) -> dict[str, int]:
        return {v.property_id: v.version for v in self.newest(property_ids)}

    def add_many(
        self, items: Sequence[Valuation], created_at: datetime, adoption_reference: str | None = None
    ) -> None:
        for item in items:
            self.rows.append(item)
            if item.adopted and adoption_reference is not None:
                self.adoption_references[item.valuation_id] = adoption_reference

    def newest(self, property_ids: Sequence[str]) -> list[Valuation]:
        found: dict[str, Valuation] = {}
        for v in self.rows:
            if v.property_id in property_ids and (
                v.property_id not in found or v.version > found[v.property_id].version
            ):
                found[v.property_id] = v
        return list(found.values())

    def newest_by_route(self, property_ids: Sequence[str]) -> dict[tuple[str, ValuationRoute], Money]:
        found: dict[tuple[str, ValuationRoute], Valuation] = {}
        for v in self.rows:
            key = (v.property_id, v.route)
            if v.property_id in property_ids and (key not in found or v.version > found[key].version):
                found[key] = v
        return {key: v.value for key, v in found.items()}

    def note_needs(self, property_ids: Sequence[str], needs: Sequence[ValuationNeed], at: datetime) -> None:
        for pid in property_ids:
            self.open_needs.pop(pid, None)
        for need in needs:
            self.open_needs.setdefault(need.property_id, []).append(need)

    def clear_need(self, property_id: str) -> None:
        self.open_needs.pop(property_id, None)

    def _ordered_needs(self) -> list[ValuationNeed]:
        return sorted(
            (n for needs in self.open_needs.values() for n in needs), key=lambda n: (n.property_id, n.reason)
        )

    def needs(self, offset: int = 0, limit: int | None = None) -> list[ValuationNeed]:
        ordered = self._ordered_needs()[offset:]
        return ordered if limit is None else ordered[:limit]

    def needs_between(self, first_id: str, last_id: str) -> dict[str, list[ValuationNeed]]:
        found: dict[str, list[ValuationNeed]] = {}
        for need in self._ordered_needs():
            if first_id <= need.property_id <= last_id:
                found.setdefault(need.property_id, []).append(need)
        return found

    def for_property(self, property_id: str) -> list[Valuation]:
        return sorted((v for v in self.rows if v.property_id == property_id), key=lambda v: -v.version)

    def adopt(self, property_ids: Sequence[str] | None, reference: str, at: datetime) -> int:
        scope = sorted({v.property_id for v in self.rows}) if property_ids is None else list(property_ids)
        adopted = 0
        for newest in self.newest(scope):
            if not newest.adopted:
                self.rows[self.rows.index(newest)] = replace(newest, adopted=True)
                self.adoption_references[newest.valuation_id] = reference
                adopted += 1
        return adopted

    def _newest_where(self, wanted: list[Valuation]) -> dict[str, AdoptedValue]:
        found: dict[str, Valuation] = {}
        for v in wanted:
            if v.property_id not in found or v.version > found[v.property_id].version:
                found[v.property_id] = v
        return {pid: AdoptedValue(v.value, v.version) for pid, v in found.items()}

    def adopted_values_between(self, first_id: str, last_id: str) -> dict[str, AdoptedValue]:
        return self._newest_where(
            [v for v in self.rows if v.adopted and first_id <= v.property_id <= last_id]
        )

    def simulation_values(self) -> dict[str, AdoptedValue]:
        found = self._newest_where([v for v in self.rows if v.route == ValuationRoute.HOUSING_VALUE])
        found.update(self._newest_where([v for v in self.rows if v.adopted]))
        return found


class InMemoryHousingValues:
    def __init__(self) -> None:
        self.values: dict[tuple[str, str, int], Money] = {}  # (property, unit, year) → value

    def replace_many(self, rows: Sequence[tuple[str, str, int, Money]]) -> None:
        for property_id, unit, year, value in rows:
            self.values[(property_id, unit, year)] = value

    def by_unit(self, property_ids: Sequence[str], year: int) -> dict[str, dict[str, Money]]:
        found: dict[str, dict[str, Money]] = {}
        for (pid, unit, y), value in self.values.items():
            if pid in property_ids and y == year:
                found.setdefault(pid, {})[unit] = value
        return found

    def newest_year_by_unit(self, property_ids: Sequence[str]) -> dict[str, dict[str, Money]]:
        newest: dict[str, int] = {}
        for pid, _, year in self.values:
            if pid in property_ids:
                newest[pid] = max(year, newest.get(pid, year))
        found: dict[str, dict[str, Money]] = {}
        for (pid, unit, year), value in self.values.items():
            if newest.get(pid) == year:
                found.setdefault(pid, {})[unit] = value
        return found


class InMemoryZones:
    def __init__(self) -> None:
        self.items: list[Zone] = []

    def replace_all(self, items: list[Zone]) -> None:
        self.items = list(items)

    def index(self) -> ZoneIndex:
        return ZoneIndex(sorted(self.items, key=lambda z: z.zone_id))


class InMemoryDecisions:
    def __init__(self) -> None:
        self.documents: dict[int, str] = {}
        self.locked: set[int] = set()

    def read(self, decision_yaml: str) -> object:
        return parse_decision_yaml(decision_yaml)

    def put(self, year: int, decision_yaml: str, at: datetime) -> None:
        self.documents[year] = decision_yaml

    def get_yaml(self, year: int) -> str | None:
        return self.documents.get(year)

    def lock(self, year: int) -> bool:
        if year not in self.documents:
            return False
        self.locked.add(year)
        return True


class InMemoryTaxBases:
    def __init__(self, properties: InMemoryProperties) -> None:
        self._properties = properties
        self.rows: list[tuple[LeviedTaxBase, bool]] = []  # (tax base, is current)

    def add_many(self, items: Sequence[LeviedTaxBase], at: datetime) -> None:
        self.rows.extend((item, True) for item in items)

    def levied_between(self, first_id: str, last_id: str, year: int) -> set[str]:
        return {
            t.base.property_id
            for t, _ in self.rows
            if first_id <= t.base.property_id <= last_id and t.base.tax_year == year
        }

    def current(self, property_id: str, year: int) -> LeviedTaxBase | None:
        return next(
            (
                t
                for t, now in self.rows
                if now and t.base.property_id == property_id and t.base.tax_year == year
            ),
            None,
        )

    def retire(self, property_id: str, year: int) -> None:
        self.rows = [
            (t, now and not (t.base.property_id == property_id and t.base.tax_year == year))
            for t, now in self.rows
        ]

    def for_property(self, property_id: str) -> list[LeviedTaxBase]:
        return sorted(
            (t for t, _ in self.rows if t.base.property_id == property_id),
            key=lambda t: (-t.base.tax_year, -t.version),
        )

    def list_rows(self, year: int, statuses: Sequence[TaxStatus]) -> Iterator[ListedTaxBase]:
        listed = []
        for t, now in self.rows:
            prop = self._properties.get(t.base.property_id)
            if now and prop is not None and t.base.tax_year == year and t.base.status in statuses:
                cadastral = str(prop.cadastral_id) if prop.cadastral_id else None
                listed.append(ListedTaxBase(cadastral, prop.address, t))
        yield from sorted(listed, key=lambda item: (item.cadastral_id or "", item.levied.base.property_id))


class InMemoryLevyJobs:
    def __init__(self) -> None:
        self.jobs: dict[str, LevyJob] = {}  # in the order they were started
        self.finished_at: dict[str, datetime] = {}

    def add(self, job: LevyJob, at: datetime) -> None:
        self.jobs[job.job_id] = job

    def advance(self, job: LevyJob) -> None:
        stored = self.jobs[job.job_id]
        if stored.state != LevyJobState.RUNNING:
            raise RuntimeError(f"levy job {job.job_id} is {stored.state}, not running")
        self.jobs[job.job_id] = replace(
            stored,
            cursor=job.cursor,
            processed=job.processed,
            taxed=job.taxed,
            exempt=job.exempt,
            not_valued=job.not_valued,
            total_tax=job.total_tax,
        )

    def mark_state(
        self,
        job_id: str,
        state: LevyJobState,
        *,
        was: Collection[LevyJobState],
        error: str = "",
        finished_at: datetime | None = None,
    ) -> bool:
        stored = self.jobs.get(job_id)
        if stored is None or stored.state not in was:
            return False
        self.jobs[job_id] = replace(stored, state=state, error=error)
        if finished_at is not None:
            self.finished_at[job_id] = finished_at
        return True

    def get(self, job_id: str, lock: bool = False) -> LevyJob | None:
        return self.jobs.get(job_id)

    def latest_for_year(self, year: int) -> LevyJob | None:
        return next((j for j in reversed(self.jobs.values()) if j.tax_year == year), None)

    def unfinished(self) -> list[LevyJob]:
        return [j for j in self.jobs.values() if j.state == LevyJobState.RUNNING]


class InMemoryOwnerships:
    def __init__(self) -> None:
        self.owners: dict[str, tuple[OwnerKind, str, str]] = {}  # reference → (kind, name, sealed identity)
        # (property, owner reference, first day, end (exclusive), share)
        self.periods: list[tuple[str, str, date, date | None, Fraction]] = []

    def put_owners(self, found: Mapping[str, tuple[OwnerKind, str, str]]) -> None:
        self.owners.update(found)

    def latest_starts(self, property_ids: Sequence[str]) -> dict[str, date]:
        found: dict[str, date] = {}
        for pid, _, start, _, _ in self.periods:
            if pid in property_ids:
                found[pid] = max(start, found.get(pid, start))
        return found

    def shares_by_start(
        self, property_ids: Sequence[str]
    ) -> dict[tuple[str, date], set[tuple[str, Fraction]]]:
        found: dict[tuple[str, date], set[tuple[str, Fraction]]] = {}
        for pid, ref, start, _, share in self.periods:
            if pid in property_ids:
                found.setdefault((pid, start), set()).add((ref, share))
        return found

    def close_current(self, on: Mapping[str, date]) -> None:
        self.periods = [
            (pid, ref, start, on[pid] if end is None and pid in on else end, share)
            for pid, ref, start, end, share in self.periods
        ]

    def add_periods(self, periods: Sequence[tuple[str, date, date | None, tuple[OwnerShare, ...]]]) -> None:
        for pid, start, end, shares in periods:
            self.periods.extend((pid, s.owner_ref, start, end, s.share) for s in shares)

    def current(self, property_id: str) -> list[tuple[OwnerShare, date, str]]:
        found = []
        for pid, ref, start, end, share in self.periods:
            if pid == property_id and end is None:
                kind, name, sealed = self.owners[ref]
                found.append((OwnerShare(ref, kind, name, share), start, sealed))
        return sorted(found, key=lambda item: item[0].name)


class FakeAssessmentUnitOfWork(FakeUnitOfWork):
    """Satisfies application/ports.py AssessmentUnitOfWork; the same instance may be used for every
    transaction of a test (its repositories keep what was written)."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        super().__init__(now)
        self.properties = InMemoryProperties()
        self.valuations = InMemoryValuations()
        self.housing_values = InMemoryHousingValues()
        self.zones = InMemoryZones()
        self.decisions = InMemoryDecisions()
        self.tax_bases = InMemoryTaxBases(self.properties)
        self.levy_jobs = InMemoryLevyJobs()
        self.ownerships = InMemoryOwnerships()
        self.inspection_needs = InMemoryInspectionNeeds(self.properties, self.housing_values)
        self.inspection_plans = InMemoryInspectionPlans()


class FakeIdentityVault:
    """Seals by a visible tag (so a test can reveal it) and references by a digest of kind and number."""

    def seal(self, identity_number: str) -> str:
        return f"sealed:{identity_number[::-1]}"

    def reveal(self, sealed: str) -> str:
        return sealed.removeprefix("sealed:")[::-1]

    def reference(self, kind: str, identity_number: str) -> str:
        return "owner-" + hashlib.sha256(f"{kind}:{identity_number}".encode()).hexdigest()[:24]
