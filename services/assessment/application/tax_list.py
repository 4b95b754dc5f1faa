"""The public tax list and the exempt list as the export handler puts them together, before a document
writer (ports.py TaxListDocuments) writes them as CSV or PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.assessment.domain.decision import TaxListDisplay
from services.assessment.domain.municipality import Municipality


@dataclass(frozen=True)
class TaxListRow:
    cadastral_id: str
    address: str
    tax_value_nok: Decimal  # takstgrunnlag: the value after the reduction, before the basic deduction
    deduction_nok: Decimal
    rate_per_mille: Decimal
    tax_nok: Decimal
    exemption_code: str = ""


@dataclass(frozen=True)
class TaxListHeading:
    """What the list says about itself: whose list, which year, when it is on display, and its date (the
    levy's business date: the PDF's creation date, so the same list is the same bytes)."""

    municipality: Municipality
    year: int
    display: TaxListDisplay | None = None
    dated: date | None = None

    def creation_date(self) -> date:
        """The levy's business date; a list without one is dated the first day of display, else 1 January
        of its year (never the machine's clock)."""
        if self.dated is not None:
            return self.dated
        return self.display.first_day if self.display is not None else date(self.year, 1, 1)
