"""The annual levy (utskriving) as a resumable job: progress is a cursor over the register."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from services.assessment.domain.tax import TaxBase, TaxStatus
from services.platform.money import Money


class LevyJobState(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True)
class LevyJob:
    job_id: str
    tax_year: int
    state: LevyJobState
    cursor: str  # the last property id done, in id order; "" before the first
    processed: int
    total: int
    taxed: int = 0
    exempt: int = 0
    not_valued: int = 0
    total_tax: Money = Money(0)
    error: str = ""
    # The levy's business date: the day its tax bases are determined, whenever the job runs (a 2024 levy
    # run or resumed later is still dated in 2024). None only on a job built without one.
    levied_on: date | None = None

    def advanced(self, cursor: str, bases: list[TaxBase]) -> LevyJob:
        return replace(
            self,
            cursor=cursor,
            processed=self.processed + len(bases),
            taxed=self.taxed + sum(1 for b in bases if b.status == TaxStatus.TAXED),
            exempt=self.exempt + sum(1 for b in bases if b.status == TaxStatus.EXEMPT),
            not_valued=self.not_valued + sum(1 for b in bases if b.status == TaxStatus.NOT_VALUED),
            total_tax=self.total_tax + Money(sum(b.tax.ore for b in bases)),
        )


@dataclass(frozen=True)
class LeviedTaxBase:
    """A tax base as stored: the computation, its version for the year, the terms it is paid in."""

    base: TaxBase
    version: int
    terms: int
    reason: str = ""


@dataclass(frozen=True)
class TaxBaseDetermined:
    """Domain event: the levy set a property's tax base for a year, on the levy's business date."""

    levied: LeviedTaxBase
    levied_on: date


@dataclass(frozen=True)
class TaxBaseCorrected:
    """Domain event: a tax base was corrected (§ 17, or after a complaint), on the correction's business
    date (the day given with a § 17 correction, or the committee's decision): the corrected bill is dated
    by it, whenever the event is written."""

    previous: LeviedTaxBase
    current: LeviedTaxBase
    reason: str
    corrected_on: date
    appeal_case_id: str = ""
