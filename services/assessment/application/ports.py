"""What assessment's handlers need from outside, whatever provides it: the unit of work with its
repositories, the identity vault, the import file readers and the tax list renderer.

The service implements them over SQL, Fernet, CSV/GeoJSON/GeoPackage readers and CSV/PDF writers, its
service.py injects them, and tests/fakes/assessment.py keeps the repositories in memory. A repository
lists only what a handler calls.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Literal, Protocol

from services.assessment.application.import_rows import HousingValueRow, OwnershipChangeRows, PropertyRow
from services.assessment.application.tax_list import TaxListHeading, TaxListRow
from services.assessment.domain.calibration import (
    CalibrationSale,
    FactorFamily,
    FitSale,
    FittedModel,
    ModelForm,
)
from services.assessment.domain.field_results import FieldResult
from services.assessment.domain.inspection_needs import (
    HistoryEvent,
    HistoryRow,
    InspectionNeed,
    RegisterEntry,
)
from services.assessment.domain.inspection_planning import (
    Assessor,
    DayRoute,
    InspectionCancellation,
    InspectionNotice,
    InspectionPlan,
    OwnerLetter,
    OwnerRequest,
    PlanningProblem,
    PlanningSolution,
)
from services.assessment.domain.levy import LeviedTaxBase, LevyJob, LevyJobState
from services.assessment.domain.municipality import Municipality
from services.assessment.domain.ownership import OwnerKind, OwnerShare
from services.assessment.domain.property import CadastralId, Property, PropertyCategory
from services.assessment.domain.ratio_study import (
    RatioFigures,
    RatioSale,
    RatioStandards,
    UnsoldProperty,
)
from services.assessment.domain.tax import AdoptedValue, TaxableProperty, TaxStatus
from services.assessment.domain.valuation import Valuation, ValuationNeed, ValuationRoute
from services.assessment.domain.zones import Zone, ZoneIndex
from services.platform.money import Money
from services.platform.ports import TransactionalWork

if TYPE_CHECKING:  # the report's shapes hold a Calibration, whose module needs this one's ports
    from services.assessment.application.quality_report import CalibrationReport, RatioStudyReport

# The geographic formats an import may declare (the request's format field, checked against the content).
GeoFormat = Literal["geojson", "gpkg"]
GEOJSON: GeoFormat = "geojson"
GPKG: GeoFormat = "gpkg"


@dataclass(frozen=True)
class ListedTaxBase:
    """A current tax base as a tax list shows it: with the property's cadastral id and address."""

    cadastral_id: str | None
    address: str
    levied: LeviedTaxBase


class PropertyRepository(Protocol):
    def add(self, prop: Property, registered_at: datetime) -> None: ...

    def add_many(
        self, props: Sequence[Property], registered_at: datetime, wkt: dict[str, str] | None = None
    ) -> None: ...

    def replace_many(self, props: Sequence[Property], wkt: dict[str, str] | None = None) -> None: ...

    def get(self, property_id: str) -> Property | None: ...

    def get_many(self, property_ids: Sequence[str]) -> dict[str, Property]: ...

    def existing_ids(self, property_ids: Sequence[str]) -> set[str]: ...

    def exists_cadastral(self, cadastral_id: CadastralId, excluding: str | None = None) -> bool: ...

    def cadastral_holders(self, cadastral_ids: Sequence[str]) -> dict[str, str]:
        """The property holding each of these cadastral ids, for those registered."""
        ...

    def find(
        self, text: str, zone_id: str, category: PropertyCategory | None, offset: int, limit: int
    ) -> list[Property]: ...

    def located(self) -> list[tuple[str, float, float]]:
        """(property id, lon, lat) of every property with a location."""
        ...

    def set_zones(self, zone_of: dict[str, str | None]) -> None: ...

    def taxables_after(self, after_id: str, limit: int, built_up: dict[str, bool]) -> list[TaxableProperty]:
        """What the levy needs of the next `limit` properties after `after_id`, in id order."""
        ...

    def all(self) -> list[Property]: ...

    def count(self) -> int: ...


class ValuationRepository(Protocol):
    def latest_versions(self, property_ids: Sequence[str]) -> dict[str, int]: ...

    def add_many(
        self, items: Sequence[Valuation], created_at: datetime, adoption_reference: str | None = None
    ) -> None: ...

    def newest(self, property_ids: Sequence[str]) -> list[Valuation]:
        """Each property's newest valuation version, adopted or not."""
        ...

    def newest_by_route(self, property_ids: Sequence[str]) -> dict[tuple[str, ValuationRoute], Money]:
        """The value of each property's newest valuation on each route it has been valued by."""
        ...

    def note_needs(self, property_ids: Sequence[str], needs: Sequence[ValuationNeed], at: datetime) -> None:
        """Replaces the valuation needs of these properties with `needs`."""
        ...

    def clear_need(self, property_id: str) -> None: ...

    def needs(self, offset: int = 0, limit: int | None = None) -> list[ValuationNeed]:
        """The valuation needs in property id and reason order (from `offset`, at most `limit`)."""
        ...

    def needs_between(self, first_id: str, last_id: str) -> dict[str, list[ValuationNeed]]: ...

    def for_property(self, property_id: str) -> list[Valuation]:
        """A property's valuations, newest version first."""
        ...

    def adopt(self, property_ids: Sequence[str] | None, reference: str, at: datetime) -> int:
        """Adopts each property's newest valuation when it is not adopted yet (None: every property's);
        returns how many were adopted."""
        ...

    def adopted_values_between(self, first_id: str, last_id: str) -> dict[str, AdoptedValue]: ...

    def simulation_values(self) -> dict[str, AdoptedValue]:
        """Adopted values, and for properties without one the newest housing value."""
        ...


class HousingValueRepository(Protocol):
    def replace_many(self, rows: Sequence[tuple[str, str, int, Money]]) -> None:
        """(property id, unit, year, value) rows, each replacing what was stored for its unit and year."""
        ...

    def by_unit(self, property_ids: Sequence[str], year: int) -> dict[str, dict[str, Money]]: ...

    def newest_year_by_unit(self, property_ids: Sequence[str]) -> dict[str, dict[str, Money]]: ...


class ZoneRepository(Protocol):
    def replace_all(self, items: list[Zone]) -> None: ...

    def index(self) -> ZoneIndex: ...


class DecisionRepository(Protocol):
    """The council's tax-year decisions, kept as the documents they were set with."""

    def read(self, decision_yaml: str) -> object:
        """A decision document's content (a mapping for the domain to check), read in the format the
        decisions are kept in; InvalidInput naming decision_yaml when it is no readable decision."""
        ...

    def put(self, year: int, decision_yaml: str, at: datetime) -> None: ...

    def get_yaml(self, year: int) -> str | None: ...

    def lock(self, year: int) -> bool:
        """Locks the year's decision until commit; False when there is none."""
        ...


class TaxBaseRepository(Protocol):
    def add_many(self, items: Sequence[LeviedTaxBase], at: datetime) -> None: ...

    def levied_between(self, first_id: str, last_id: str, year: int) -> set[str]: ...

    def current(self, property_id: str, year: int) -> LeviedTaxBase | None: ...

    def retire(self, property_id: str, year: int) -> None:
        """The year's tax bases of the property are no longer current."""
        ...

    def for_property(self, property_id: str) -> list[LeviedTaxBase]:
        """Newest year first, newest version first."""
        ...

    def list_rows(self, year: int, statuses: Sequence[TaxStatus]) -> Iterator[ListedTaxBase]:
        """The year's current tax bases in these statuses, in cadastral id order."""
        ...


class LevyJobRepository(Protocol):
    def add(self, job: LevyJob, at: datetime) -> None: ...

    def advance(self, job: LevyJob) -> None:
        """Writes a running job's cursor and counts; RuntimeError if it is no longer running."""
        ...

    def mark_state(
        self,
        job_id: str,
        state: LevyJobState,
        *,
        was: Collection[LevyJobState],
        error: str = "",
        finished_at: datetime | None = None,
    ) -> bool:
        """Moves the job to `state` if it is in one of the states `was`; True when it moved."""
        ...

    def get(self, job_id: str, lock: bool = False) -> LevyJob | None: ...

    def latest_for_year(self, year: int) -> LevyJob | None: ...

    def unfinished(self) -> list[LevyJob]: ...


class OwnershipRepository(Protocol):
    def put_owners(self, found: Mapping[str, tuple[OwnerKind, str, str]]) -> None:
        """Owners by reference: (kind, name, sealed identity), each replacing what was stored for it."""
        ...

    def latest_starts(self, property_ids: Sequence[str]) -> dict[str, date]:
        """The first day of each property's newest ownership (properties without owners left out)."""
        ...

    def shares_by_start(
        self, property_ids: Sequence[str]
    ) -> dict[tuple[str, date], set[tuple[str, Fraction]]]: ...

    def close_current(self, on: Mapping[str, date]) -> None:
        """Ends each property's current ownership on its day (exclusive)."""
        ...

    def add_periods(self, periods: Sequence[tuple[str, date, date | None, tuple[OwnerShare, ...]]]) -> None:
        """(property, first day, end (exclusive; None while current), shares) as ownership periods."""
        ...

    def current(self, property_id: str) -> list[tuple[OwnerShare, date, str]]:
        """(share, owned since, sealed identity) of today's owners, by name."""
        ...


class InspectionNeedRepository(Protocol):
    """Inspection needs, the inspection history and registered changes, and field results."""

    def add_history(self, rows: Sequence[tuple[str, HistoryEvent, date]]) -> tuple[int, int]:
        """(property id, event, day) rows, each kept once; (inspections, changes) newly recorded."""
        ...

    def history(self, property_ids: Sequence[str]) -> dict[str, list[tuple[HistoryEvent, date]]]: ...

    def all_history(self) -> dict[str, list[tuple[HistoryEvent, date]]]:
        """Every property's history rows (one bulk read for the needs of the whole register)."""
        ...

    def register_entries(self) -> list[RegisterEntry]:
        """What the register says of every property that decides its needs, in property id order (one
        bulk read of the properties and whether the tax authority valued each above 0 kr)."""
        ...

    def queue_appeal(self, need: InspectionNeed) -> None:
        """An appeal case's need (replacing an earlier one of the same case)."""
        ...

    def appeal_needs(self) -> list[InspectionNeed]:
        """The appeal cases' needs not yet done."""
        ...

    def mark_done(self, property_id: str, on: date) -> list[InspectionNeed]:
        """The property's appeal needs closed by an inspection on `on`; returns them."""
        ...

    def add_result(
        self, result: FieldResult, result_id: str, valuation_id: str | None, recorded_at: datetime
    ) -> None: ...


@dataclass(frozen=True)
class PlanSummary:
    """A plan's latest version in brief (the ListInspectionPlans answer's InspectionPlanSummary)."""

    plan_id: str
    version: int
    first_day: date
    last_day: date
    made_on: date
    cause: str
    visits: int  # visits planned
    unplanned: int  # needs left unplanned
    assessor_ids: tuple[str, ...]


@dataclass(frozen=True)
class PlanOverlap:
    """Another plan over some of the same days with some of the same assessors (its latest version)."""

    plan_id: str
    first_day: date
    last_day: date
    shared: tuple[str, ...]  # the assessor ids both plans have, in order


class InspectionPlanRepository(Protocol):
    """Inspection plans (every version kept), owners' requests and the notices issued."""

    def next_version(self, plan_id: str) -> int: ...

    def add(self, plan: InspectionPlan, at: datetime) -> None: ...

    def get(self, plan_id: str, version: int = 0) -> InspectionPlan | None:
        """A version (0: the latest) of a plan."""
        ...

    def latest_plan_id(self) -> str | None: ...

    def planned_property_ids(self, on: date) -> set[str]:
        """Properties with a visit on or after `on` in the latest version of any plan."""
        ...

    def visit_days(self, on: date) -> dict[str, date]:
        """The last day each property is visited on or after `on` in the latest version of any plan."""
        ...

    def summaries(self, from_day: date | None) -> list[PlanSummary]:
        """The latest version of each plan whose period has a day on or after `from_day` (None: every
        plan), newest period first (by first day, then last day, then plan id, all descending)."""
        ...

    def put_request(self, request: OwnerRequest) -> None:
        """The owner's wish for the property, replacing an earlier one."""
        ...

    def requests(self, property_ids: Collection[str]) -> dict[str, OwnerRequest]: ...

    def overlapping_plans(
        self, first_day: date, last_day: date, assessor_ids: Collection[str]
    ) -> list[PlanOverlap]:
        """The plans whose latest version's period overlaps [first_day, last_day] and has one of
        `assessor_ids` among its assessors, in id order."""
        ...

    def add_notices(self, notices: Sequence[InspectionNotice], at: datetime) -> None: ...

    def add_cancellations(self, cancellations: Sequence[InspectionCancellation], at: datetime) -> None:
        """Cancellation letters, stored with the notices (their day the cancelled visit's)."""
        ...

    def latest_notices(self, property_ids: Collection[str]) -> dict[str, OwnerLetter]:
        """The last letter issued for each property that has one: a notice, or a cancellation (the owner
        is then not told of any visit)."""
        ...

    def notices_of(self, plan_id: str, version: int) -> list[InspectionNotice]: ...

    def cancellations_of(self, plan_id: str, version: int) -> list[InspectionCancellation]:
        """The cancellation letters issued with a version, by property."""
        ...

    def visits_of(self, property_id: str) -> list[InspectionPlan]:
        """The latest versions of the plans whose latest version visits the property or left its visit
        unplanned (domain.field_results.has_visit), newest period first (by first day, then last day,
        then plan id, all descending)."""
        ...


class AssessmentUnitOfWork(TransactionalWork, Protocol):
    """One transaction over the register; the repositories are there inside its `with` block."""

    @property
    def properties(self) -> PropertyRepository: ...

    @property
    def valuations(self) -> ValuationRepository: ...

    @property
    def housing_values(self) -> HousingValueRepository: ...

    @property
    def zones(self) -> ZoneRepository: ...

    @property
    def decisions(self) -> DecisionRepository: ...

    @property
    def tax_bases(self) -> TaxBaseRepository: ...

    @property
    def levy_jobs(self) -> LevyJobRepository: ...

    @property
    def ownerships(self) -> OwnershipRepository: ...

    @property
    def inspection_needs(self) -> InspectionNeedRepository: ...

    @property
    def inspection_plans(self) -> InspectionPlanRepository: ...


UnitOfWorkFactory = Callable[[], AssessmentUnitOfWork]


class IdentityVault(Protocol):
    """Keeps owners' identity numbers sealed and gives each owner a stable opaque reference."""

    def seal(self, identity_number: str) -> str: ...

    def reveal(self, sealed: str) -> str: ...

    def reference(self, kind: str, identity_number: str) -> str: ...


class ImportFiles(Protocol):
    """Reads the import files a request brings; InvalidInput naming every bad line, feature or column."""

    def properties_csv(self, content: bytes) -> list[PropertyRow]: ...

    def properties_geo(self, content: bytes, declared: GeoFormat) -> list[PropertyRow]: ...

    def housing_values(self, content: bytes, default_year: int) -> list[HousingValueRow]: ...

    def owners(self, content: bytes) -> list[OwnershipChangeRows]: ...

    def zones(
        self, content: bytes, id_property: str, name_property: str, factor_property: str, declared: GeoFormat
    ) -> list[Zone]: ...

    def inspection_history(self, content: bytes) -> list[HistoryRow]:
        """The inspection history CSV (property_id, event, date), rows in file order."""
        ...

    def assessors(self, content: bytes) -> list[Assessor]:
        """The assessors CSV (assessor_id, name, transport, start_lon, start_lat, minutes_per_day), all
        or nothing, in file order."""
        ...

    def ratio_sales(self, content: bytes, group_by: str) -> list[RatioSale]:
        """The sales CSV of a ratio study (assessed_value, sale_price and, when `group_by` is given, that
        column), all or nothing, in file order."""
        ...

    def unsold_properties(self, content: bytes, group_by: str) -> list[UnsoldProperty]:
        """The properties not sold in the study period (assessed_value, previous_value and the group
        column), all or nothing, in file order."""
        ...

    def calibration_sales(self, content: bytes) -> list[CalibrationSale]:
        """The sales CSV of a calibration (sale_price, sale_date, bra_m2, plot_m2, lon, lat, build_year,
        condition; optional sale_id, category, standard, outer), all or nothing, in file order."""
        ...

    def calibration_zones(self, content: bytes) -> list[Zone]:
        """Zone polygons (GeoJSON or GeoPackage: zone_id, name, factor) anywhere on earth: a calibration
        may study another place's sales."""
        ...


class Calibrator(Protocol):
    """The calibration's statistics: the month effects of the price index (a log-price regression with
    month terms besides log BRA, log plot and zone terms; log price per month, any base) and the fit of the
    standard-rate model in its own form with the given optional factor families."""

    def month_effects(self, sales: Sequence[FitSale]) -> dict[str, float]: ...

    def fit(
        self, sales: Sequence[FitSale], form: ModelForm, families: Sequence[FactorFamily]
    ) -> FittedModel: ...


class RatioStatistics(Protocol):
    """The IAAO ratio-study figures of sales already trimmed: median ratio, COD, PRD, PRB with their
    intervals at `standards.confidence` (bootstrap with `standards.bootstrap` resamples from
    `standards.seed`, PRB closed-form) and whether the ratios look sales-chased. At least 3 sales."""

    def figures(self, sales: Sequence[RatioSale], standards: RatioStandards) -> RatioFigures: ...


class QualityReports(Protocol):
    """Renders the valuation-quality report assessors read (PDF, Norwegian bokmål): the figures per group
    and overall with their intervals and verdicts, ratio against sale price, ratios by group as box
    plots, a map of the ratios over the zones when zones are given, the trimmed sales; for a calibration
    also the excluded sales by rule and the fitted rates, zone factors and price index. The same input
    gives the same bytes."""

    def ratio_study(self, report: RatioStudyReport) -> bytes: ...

    def calibration(self, report: CalibrationReport) -> bytes: ...


class TaxListDocuments(Protocol):
    """Writes a tax list or an exempt list as a document."""

    def municipality(self) -> Municipality:
        """Whose list it is (the configured municipality)."""
        ...

    def csv(self, rows: Sequence[TaxListRow], exempt: bool) -> bytes: ...

    def pdf(self, rows: Sequence[TaxListRow], exempt: bool, heading: TaxListHeading) -> bytes: ...


class RoutePlanner(Protocol):
    """Fits visits into assessor-days: each day a compact cluster in a good order within its minutes, the
    most urgent first, windows and latest days kept, pins kept; what does not fit is unplanned with why."""

    def plan(self, problem: PlanningProblem) -> PlanningSolution: ...

    def naive_distance(self, problem: PlanningProblem) -> Decimal:
        """The naive plan's kilometres (PlanningSolution.naive_distance_km) of all problem.visits: in
        property-id order over problem.days, no windows, pins or deadlines heeded. A re-plan measures its
        version so, like the first plan's, rather than adding up parts."""
        ...


class InspectionDocuments(Protocol):
    """Renders a plan's documents. `zones` are the base layer's polygons (the register's zones)."""

    def route_sheet(self, plan: InspectionPlan, route: DayRoute, zones: Sequence[Zone]) -> bytes:
        """One assessor-day: the stops in order (address, window, purpose) and a map of the route (PDF)."""
        ...

    def plan_map(self, plan: InspectionPlan, zones: Sequence[Zone]) -> bytes:
        """The whole plan as one HTML page that works offline (UTF-8)."""
        ...

    def notice(self, notice: InspectionNotice) -> bytes:
        """The owner's letter (PDF, Norwegian bokmål); the same bytes every time for the same notice."""
        ...

    def cancellation(self, cancellation: InspectionCancellation) -> bytes:
        """The owner's letter that a visit is off (PDF, Norwegian bokmål); the same bytes every time."""
        ...
