"""Tax-year decisions, tax bases and levy jobs."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from services.assessment.adapters.config_files import parse_decision_yaml
from services.assessment.adapters.orm import decisions, levy_jobs, properties, tax_bases
from services.assessment.adapters.repository import trace_from_json, trace_to_json
from services.assessment.application.ports import ListedTaxBase
from services.assessment.domain.levy import LeviedTaxBase, LevyJob, LevyJobState
from services.assessment.domain.property import PropertyCategory
from services.assessment.domain.tax import TaxBase, TaxStatus
from services.platform import job_rows
from services.platform.bulk import bulk_insert
from services.platform.money import Money


class DecisionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def read(self, decision_yaml: str) -> object:
        """Decisions are kept as the YAML documents they were set with."""
        return parse_decision_yaml(decision_yaml)

    def put(self, year: int, decision_yaml: str, at: datetime) -> None:
        self._session.execute(decisions.delete().where(decisions.c.year == year))
        self._session.execute(insert(decisions).values(year=year, decision_yaml=decision_yaml, set_at=at))

    def get_yaml(self, year: int) -> str | None:
        return self._session.scalar(select(decisions.c.decision_yaml).where(decisions.c.year == year))

    def lock(self, year: int) -> bool:
        """Locks the year's decision until commit (False when there is none): the year's levy starts queue
        on it, so two never both find no job and create one each."""
        return (
            self._session.execute(
                select(decisions.c.year).where(decisions.c.year == year).with_for_update()
            ).first()
            is not None
        )


def _to_stored(row: Any) -> LeviedTaxBase:
    return LeviedTaxBase(
        base=TaxBase(
            property_id=row.property_id,
            tax_year=row.tax_year,
            category=PropertyCategory(row.category),
            dwelling_units=row.dwelling_units,
            status=TaxStatus(row.status),
            value=Money(row.value_ore),
            reduction=row.reduction,
            deduction=Money(row.deduction_ore),
            tax_base=Money(row.tax_base_ore),
            rate_per_mille=row.rate_per_mille,
            tax=Money(row.tax_ore),
            valuation_version=row.valuation_version,
            exemption_code=row.exemption_code,
            trace=trace_from_json(row.trace),
        ),
        version=row.version,
        terms=row.terms,
        reason=row.reason,
    )


class TaxBaseRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_many(self, items: Sequence[LeviedTaxBase], at: datetime) -> None:
        rows = [
            {
                "property_id": s.base.property_id,
                "tax_year": s.base.tax_year,
                "version": s.version,
                "status": s.base.status.value,
                "category": s.base.category.value,
                "dwelling_units": s.base.dwelling_units,
                "value_ore": s.base.value.ore,
                "reduction": s.base.reduction,
                "deduction_ore": s.base.deduction.ore,
                "tax_base_ore": s.base.tax_base.ore,
                "rate_per_mille": s.base.rate_per_mille,
                "tax_ore": s.base.tax.ore,
                "valuation_version": s.base.valuation_version,
                "exemption_code": s.base.exemption_code,
                "trace": trace_to_json(s.base.trace),
                "terms": s.terms,
                "reason": s.reason,
                "is_current": True,
                "determined_at": at,
            }
            for s in items
        ]
        bulk_insert(self._session, tax_bases, rows)

    def levied_between(self, first_id: str, last_id: str, year: int) -> set[str]:
        """Properties with first_id ≤ id ≤ last_id that have a tax base for the year (the levy's chunks)."""
        return set(
            self._session.scalars(
                select(tax_bases.c.property_id).where(
                    tax_bases.c.property_id >= first_id,
                    tax_bases.c.property_id <= last_id,
                    tax_bases.c.tax_year == year,
                )
            )
        )

    def current(self, property_id: str, year: int) -> LeviedTaxBase | None:
        row = self._session.execute(
            select(tax_bases).where(
                tax_bases.c.property_id == property_id,
                tax_bases.c.tax_year == year,
                tax_bases.c.is_current.is_(True),
            )
        ).first()
        return _to_stored(row) if row else None

    def retire(self, property_id: str, year: int) -> None:
        self._session.execute(
            update(tax_bases)
            .where(tax_bases.c.property_id == property_id, tax_bases.c.tax_year == year)
            .values(is_current=False)
        )

    def for_property(self, property_id: str) -> list[LeviedTaxBase]:
        rows = self._session.execute(
            select(tax_bases)
            .where(tax_bases.c.property_id == property_id)
            .order_by(tax_bases.c.tax_year.desc(), tax_bases.c.version.desc())
        )
        return [_to_stored(r) for r in rows]

    def list_rows(self, year: int, statuses: Sequence[TaxStatus]) -> Iterator[ListedTaxBase]:
        """The year's current tax bases in the given statuses, with their properties' cadastral id and
        address."""
        rows = self._session.execute(
            select(tax_bases, properties.c.cadastral_id, properties.c.address)
            .join(properties, properties.c.property_id == tax_bases.c.property_id)
            .where(
                tax_bases.c.tax_year == year,
                tax_bases.c.is_current.is_(True),
                tax_bases.c.status.in_([s.value for s in statuses]),
            )
            .order_by(properties.c.cadastral_id, tax_bases.c.property_id)
        )
        for row in rows:
            yield ListedTaxBase(row.cadastral_id, row.address, _to_stored(row))


def _to_job(row: Any) -> LevyJob:
    return LevyJob(
        job_id=row.job_id,
        tax_year=row.tax_year,
        state=LevyJobState(row.state),
        cursor=row.cursor,
        processed=row.processed,
        total=row.total,
        taxed=row.taxed,
        exempt=row.exempt,
        not_valued=row.not_valued,
        total_tax=Money(row.total_tax_ore),
        error=row.error,
        levied_on=row.levied_on,
    )


class LevyJobRepository:
    """Each write changes only the columns its step owns (a start the row, a chunk the cursor and counts,
    the others the state), so a writer holding an old copy of the job never rewinds what another wrote."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, job: LevyJob, at: datetime) -> None:
        self._session.execute(insert(levy_jobs).values(**self._values(job), started_at=at))

    def advance(self, job: LevyJob) -> None:
        """Writes what a chunk moves, the cursor and the counts, of a running job (the chunk holds its row
        lock); raises RuntimeError, rolling the chunk back, if the job is no longer running."""
        progress = {
            "cursor": job.cursor,
            "processed": job.processed,
            "taxed": job.taxed,
            "exempt": job.exempt,
            "not_valued": job.not_valued,
            "total_tax_ore": job.total_tax.ore,
        }
        job_rows.advance(self._session, levy_jobs, job.job_id, LevyJobState.RUNNING.value, progress)

    def mark_state(
        self,
        job_id: str,
        state: LevyJobState,
        *,
        was: Collection[LevyJobState],
        error: str = "",
        finished_at: datetime | None = None,
    ) -> bool:
        """Compare-and-set: moves the job to `state` with `error` (and `finished_at`, when given) if it is
        in one of the states `was`; True when it moved. Cursor and counts are not touched."""
        return job_rows.set_state(
            self._session,
            levy_jobs,
            job_id,
            state.value,
            was=[s.value for s in was],
            error=error,
            finished_at=finished_at,
        )

    @staticmethod
    def _values(job: LevyJob) -> dict[str, Any]:
        return {
            "job_id": job.job_id,
            "tax_year": job.tax_year,
            "state": job.state.value,
            "cursor": job.cursor,
            "processed": job.processed,
            "total": job.total,
            "taxed": job.taxed,
            "exempt": job.exempt,
            "not_valued": job.not_valued,
            "total_tax_ore": job.total_tax.ore,
            "error": job.error,
            "levied_on": job.levied_on,
        }

    def get(self, job_id: str, lock: bool = False) -> LevyJob | None:
        query = select(levy_jobs).where(levy_jobs.c.job_id == job_id)
        if lock:
            query = query.with_for_update()
        row = self._session.execute(query).first()
        return _to_job(row) if row else None

    def latest_for_year(self, year: int) -> LevyJob | None:
        row = self._session.execute(
            select(levy_jobs)
            .where(levy_jobs.c.tax_year == year)
            .order_by(levy_jobs.c.started_at.desc())
            .limit(1)
        ).first()
        return _to_job(row) if row else None

    def unfinished(self) -> list[LevyJob]:
        rows = self._session.execute(select(levy_jobs).where(levy_jobs.c.state == LevyJobState.RUNNING.value))
        return [_to_job(r) for r in rows]

    def count_for_year(self, year: int) -> int:
        return int(
            self._session.scalar(
                select(func.count()).select_from(levy_jobs).where(levy_jobs.c.tax_year == year)
            )
            or 0
        )
