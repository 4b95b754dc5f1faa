"""Who needs an inspection on a day, and how urgently (DOMAIN.md § 1, § 2; domain/inspection_needs.py):
reckoned from the register, the inspection history, the valuation needs and appeal cases' requests, in a
few bulk reads whatever the register's size. Appeal cases' requests are queued here too."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from services.assessment.application.ports import AssessmentUnitOfWork
from services.assessment.domain.inspection_needs import (
    NOT_IN_REGISTER,
    PRIORITY,
    InspectionNeed,
    InspectionReason,
    NeedStatus,
    appeal_need,
    property_need,
    urgency,
)
from services.assessment.domain.valuation import ValuationNeed, describe_needs
from services.platform.errors import InvalidInput
from services.platform.paging import encode_token, parse_page


def gather_needs(uow: AssessmentUnitOfWork, on: date) -> list[InspectionNeed]:
    """The open needs on the reckoning day `on`, most urgent first (`urgency`), one per property, each
    with its address and status OPEN, or PLANNED when a plan visits the property on or after `on`.

    Runs inside the caller's open `with uow:` block (it neither opens nor commits a transaction). An
    appeal case's property that the register does not know is listed all the same, its detail saying so."""
    entries = uow.inspection_needs.register_entries()
    history = uow.inspection_needs.all_history()
    cannot = _by_property(uow.valuations.needs())
    appeals: dict[str, list[InspectionNeed]] = {}
    for queued in uow.inspection_needs.appeal_needs():
        appeals.setdefault(queued.property_id, []).append(queued)
    planned = uow.inspection_plans.planned_property_ids(on)
    found: list[InspectionNeed] = []
    for entry in entries:
        need = property_need(
            entry,
            history.get(entry.property_id, ()),
            describe_needs(cannot.get(entry.property_id, ())),
            appeals.pop(entry.property_id, ()),
            on,
        )
        if need is not None:
            found.append(need)
    for waiting in appeals.values():  # properties not in the register
        current = sorted((n for n in waiting if n.since <= on), key=urgency)
        if current:
            found.append(replace(current[0], detail=f"{current[0].detail} ({NOT_IN_REGISTER})"))
    found = [replace(n, status=NeedStatus.PLANNED) if n.property_id in planned else n for n in found]
    return sorted(found, key=urgency)


def _by_property(needs: Sequence[ValuationNeed]) -> dict[str, list[ValuationNeed]]:
    grouped: dict[str, list[ValuationNeed]] = {}
    for need in needs:
        grouped.setdefault(need.property_id, []).append(need)
    return grouped


@dataclass(frozen=True)
class NeedsPage:
    needs: list[InspectionNeed]
    next_page_token: str
    total: int  # the open needs in all (of the reason asked for)
    # How many open needs each reason has, whatever the reason asked for: most urgent reason first, only
    # reasons with needs (one gathering serves the page and the counts: a page at Oslo's scale takes ~3 s).
    by_reason: tuple[tuple[InspectionReason, int], ...] = ()


def list_inspection_needs(
    uow: AssessmentUnitOfWork, on: date, reason: str, page_size: int, page_token: str
) -> NeedsPage:
    """Query: a page of the needs on `on`, most urgent first; only those of `reason` (a code of
    InspectionReason) when given; with the count of every reason's needs (not only `reason`'s).
    InvalidInput on reason, page_size or page_token."""
    wanted: InspectionReason | None = None
    if reason:
        try:
            wanted = InspectionReason(reason.strip().lower())
        except ValueError:
            codes = ", ".join(r.value for r in InspectionReason)
            raise InvalidInput.single("reason", f"must be one of: {codes}") from None
    page = parse_page(page_size, page_token)
    with uow:
        needs = gather_needs(uow, on)
    counts = Counter(n.reason for n in needs)
    # sorted() is stable: reasons of one priority keep InspectionReason's order (new building, division, …)
    by_reason = tuple((r, counts[r]) for r in sorted(InspectionReason, key=PRIORITY.__getitem__) if counts[r])
    if wanted is not None:
        needs = [n for n in needs if n.reason == wanted]
    shown = needs[page.offset : page.offset + page.size]
    more = page.offset + page.size < len(needs)
    return NeedsPage(shown, encode_token(page.offset + page.size) if more else "", len(needs), by_reason)


def queue_appeal(
    uow: AssessmentUnitOfWork,
    case_id: str,
    property_id: str,
    requested_on: date,
    needed_by: date | None,
    note: str,
) -> InspectionNeed:
    """An appeal case asked for a re-inspection (appeals' InspectionRequested, inside the consumer's
    transaction): queued as the case's need, replacing an earlier request of the same case, so that the
    same event twice queues one need. A property the register does not know is queued all the same."""
    need = appeal_need(case_id, property_id, requested_on, needed_by, note)
    with uow:
        uow.inspection_needs.queue_appeal(need)
        uow.commit()
    return need
