"""Issue 14 trial fix: the letter to an owner whose told visit a re-plan left out
(adapters/inspection_notice_pdf.py cancellation_pdf) — the notice's sibling: same letterhead, addressee
and reference block, plain Norwegian, the cancelled day and window, that a new notice follows, how to
ask; the same bytes every time — and served with the version's documents
(application/inspection_documents.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import pytest

from services.assessment.adapters.inspection_documents import InspectionDocumentWriter
from services.assessment.application.inspection_documents import DocumentChoice, plan_documents
from services.assessment.domain.inspection_planning import (
    DayRoute,
    InspectionCancellation,
    InspectionNotice,
    InspectionPlan,
)
from services.assessment.domain.zones import Zone
from tests.fakes.assessment import FakeAssessmentUnitOfWork
from tests.inspection_document_samples import NOTICE, OSLO, pdf_words
from tests.pdf_info import pdf_info
from tests.unit.test_replan_inspections import _planned, _replan

pytestmark = pytest.mark.unit

CANCELLATION = InspectionCancellation(
    notice_id="5e0c2d7a-1b3f-4c5d-8e9f-a0b1c2d3e4f5",
    plan_id=NOTICE.plan_id,
    plan_version=2,
    property_id=NOTICE.property_id,
    address=NOTICE.address,
    replaces="3f2a9c1e-77b0-4d2e-9a51-0c6d8e4f1b23",
    cancelled_day=NOTICE.day,
    cancelled_window=NOTICE.window,
    issued_on=date(2024, 5, 3),
    recipient_name=NOTICE.recipient_name,
    recipient_lines=NOTICE.recipient_lines,
)


def _letter(**changes: object) -> bytes:
    return InspectionDocumentWriter(OSLO).cancellation(replace(CANCELLATION, **changes))  # type: ignore[arg-type]


def test_the_letter_says_the_told_visit_is_off_and_a_new_notice_follows() -> None:
    text = pdf_words(_letter())

    assert text.index("Oslo kommune Eiendomsskattekontoret Postboks 1, Sentrum 0037 Oslo") == 0
    assert "Máret Ŋuolláš Sárá c/o Ødegård Thorvald Meyers gate 50 0555 Oslo" in text
    assert "Dato: 03.05.2024 Eiendom: 0301-227/31/0/0 Vår referanse: BEF-5E0C2D7A" in text
    assert (
        "Befaringen av Thorvald Meyers gate 50, 0555 Oslo mandag 6. mai 2024 kl. 10.00–12.00 blir ikke "
        "som varslet (varselet med referanse BEF-3F2A9C1E)."
    ) in text
    assert "Vi sender nytt varsel når ny tid er satt." in text
    assert "ringe oss på telefon 21 80 21 80" in text and "Oppgi eiendommen: 0301-227/31/0/0." in text
    assert "5e0c2d7a-1b3f" not in text  # the full id stays in the stored letter


def test_the_same_letter_is_the_same_bytes_dated_the_day_it_was_issued() -> None:
    letter = _letter()

    assert _letter() == letter
    assert pdf_info(letter)["CreationDate"].startswith("Fri May  3 00:00:00 2024")
    assert pdf_info(letter)["Title"].startswith("Befaringen av eiendommen Thorvald Meyers gate 50")


class _Listing:
    """InspectionDocuments that says what it was asked to render."""

    def route_sheet(self, plan: InspectionPlan, route: DayRoute, zones: Sequence[Zone]) -> bytes:
        return b"route"

    def plan_map(self, plan: InspectionPlan, zones: Sequence[Zone]) -> bytes:
        return b"map"

    def notice(self, notice: InspectionNotice) -> bytes:
        return f"notice {notice.notice_id}".encode()

    def cancellation(self, cancellation: InspectionCancellation) -> bytes:
        return f"cancellation {cancellation.notice_id}".encode()


def test_a_versions_cancellations_are_served_with_its_notices() -> None:
    uow = FakeAssessmentUnitOfWork()
    made = _planned(uow, 55, told=tuple(range(1, 56)))
    result = _replan(uow, made.plan.plan_id)
    assert result.cancellations
    choice = DocumentChoice(route_sheets=False, map=False)
    served = dict(plan_documents(uow, _Listing(), made.plan.plan_id, 2, choice))
    for letter in result.cancellations:
        name = f"cancellation-{letter.property_id.replace('/', '-')}-2.pdf"
        assert served[name] == f"cancellation {letter.notice_id}".encode()
    assert sum(name.startswith("notice-") for name in served) == len(result.notices)
    assert len(served) == len(result.notices) + len(result.cancellations)
    none = DocumentChoice(route_sheets=False, map=False, notices=False)
    assert dict(plan_documents(uow, _Listing(), made.plan.plan_id, 2, none)) == {}
