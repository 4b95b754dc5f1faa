"""What the unit tests of planning and re-planning share: a register of properties around Oslo centre, hand-
made needs, two assessors, and the commands run over the fake unit of work with the greedy planner."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction

from services.assessment.application.config import AssessmentConfig
from services.assessment.application.plan_inspections import PlanMade, PlanPeriod, plan_inspections
from services.assessment.application.ports import AssessmentUnitOfWork
from services.assessment.domain.inspection_needs import InspectionNeed, InspectionReason
from services.assessment.domain.inspection_planning import Absence, Assessor, Transport
from services.assessment.domain.ownership import OwnerKind, OwnerShare
from services.assessment.domain.property import Location, Property, PropertyCategory
from tests.fakes.assessment import FakeAssessmentUnitOfWork
from tests.fakes.route_planner import GreedyRoutePlanner
from tests.unit.test_tax_and_decision import LIMITS
from tests.unit.test_valuation_needs import RATES

CONFIG = AssessmentConfig(limits=LIMITS, rates=RATES)
CENTRE = Location(10.75, 59.91)
MONDAY = date(2024, 5, 6)  # a week without holidays: 6–10 May (9 May is Ascension Day: a holiday)
FRIDAY = date(2024, 5, 10)
A1 = Assessor("A1", "Ingrid Bækken", Transport.CAR, CENTRE, 420)
A2 = Assessor("A2", "Ánte Somby", Transport.EBIKE, CENTRE, 420)


def pid(n: int) -> str:
    return f"0301-{n}/1/0/0"


def register(uow: FakeAssessmentUnitOfWork, count: int, *, without_location: Sequence[int] = ()) -> None:
    """`count` housing properties within a few km of the centre; `without_location` have none."""
    for n in range(1, count + 1):
        where = (
            None if n in without_location else Location(10.70 + (n % 10) * 0.01, 59.90 + (n // 10) * 0.005)
        )
        uow.properties.add(
            Property(pid(n), None, f"Testveien {n}", PropertyCategory.HOUSING, 1, where), uow.now()
        )


def own(uow: FakeAssessmentUnitOfWork, n: int, *names: str, since: date = date(2020, 1, 1)) -> None:
    for name in names:
        ref = f"ref-{name}"
        uow.ownerships.put_owners({ref: (OwnerKind.PERSON, name, "sealed")})
        share = OwnerShare(ref, OwnerKind.PERSON, name, Fraction(1, len(names)))
        uow.ownerships.add_periods([(pid(n), since, None, (share,))])


def need(n: int, reason: InspectionReason = InspectionReason.NEVER_INSPECTED, **kw: object) -> InspectionNeed:
    return InspectionNeed(pid(n), reason, "test", date(2024, 1, 1), address=f"Testveien {n}", **kw)  # type: ignore[arg-type]


class Needs:
    """A gatherer of hand-made needs, recording the days it was asked for."""

    def __init__(self, needs: Sequence[InspectionNeed]) -> None:
        self.needs = list(needs)
        self.asked: list[date] = []

    def __call__(self, uow: AssessmentUnitOfWork, on: date) -> list[InspectionNeed]:
        self.asked.append(on)
        return list(self.needs)


def plan(
    uow: FakeAssessmentUnitOfWork,
    needs: Sequence[InspectionNeed],
    *,
    assessors: tuple[Assessor, ...] = (A1, A2),
    absences: tuple[Absence, ...] = (),
    first: date = MONDAY,
    last: date = FRIDAY,
    planner: GreedyRoutePlanner | None = None,
) -> PlanMade:
    period = PlanPeriod(first, last, assessors, absences, planned_on=date(2024, 4, 22))
    return plan_inspections(uow, period, CONFIG, planner or GreedyRoutePlanner(), Needs(needs))
