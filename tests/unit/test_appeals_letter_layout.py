"""Letters issued now put the date and the reference on lines of their own and carry the letter's date,
title and the municipality as author in the PDF; letters issued before (layout 1) render as they were
sent: one line, ReportLab's fixed 01.01.2000 (issue 12's trial)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.appeals.adapters.documents_pdf import acknowledgement_pdf
from services.appeals.domain import cases as flow
from services.appeals.domain import letters
from tests.pdf_info import pdf_info, pdf_pages
from tests.unit.test_appeals_documents import OFFICE
from tests.unit.test_appeals_domain import CALENDAR, NOTICE, POLICY, complaint

pytestmark = pytest.mark.unit

DATED = date(2024, 3, 20)


def _case() -> flow.AppealCase:
    return flow.register("c", "2024-00001", complaint(), NOTICE, CALENDAR, POLICY, "sek").case


def _lines(pdf: bytes) -> list[str]:
    return [line.strip() for line in pdf_pages(pdf)[0].splitlines() if line.strip()]


def test_a_letter_issued_now_has_date_and_reference_apart_and_its_own_date_in_the_pdf() -> None:
    case = _case()
    issued = letters.acknowledgement(case, OFFICE, POLICY)
    assert issued.layout == letters.LAYOUT == 2
    pdf = acknowledgement_pdf(case, issued, DATED).content
    lines = _lines(pdf)
    assert "Dato: 20.03.2024" in lines and "Vår referanse: 2024-00001" in lines
    info = pdf_info(pdf)
    assert "Mar 20 00:00:00 2024" in info["CreationDate"], info["CreationDate"]
    assert (info["Title"], info["Author"]) == ("Vi har mottatt klagen din", OFFICE.name)
    assert acknowledgement_pdf(case, issued, DATED).content == pdf  # the same letter, the same bytes


def test_a_letter_issued_before_keeps_its_one_line_letterhead_and_pdf_date() -> None:
    case = _case()
    issued = replace(letters.acknowledgement(case, OFFICE, POLICY), layout=1)
    pdf = acknowledgement_pdf(case, issued, DATED).content
    assert any(
        line.startswith("Dato: 20.03.2024") and line.endswith("Vår referanse: 2024-00001")
        for line in _lines(pdf)
    )
    assert "2000" in pdf_info(pdf)["CreationDate"]
