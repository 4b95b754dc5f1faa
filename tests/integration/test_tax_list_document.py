"""The public tax list (eigedomsskattelova § 15) and the exempt list as citizens read them: sorted by
cadastral number as numbers, headed with the municipality, the year and the display period, 'side x av y'
on every page, only the columns the law makes public, amounts in Norwegian form, and metadata that names
the list and the municipality."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from devstack.synthetic_register import OSLO_2024_DECISION
from services.assessment.adapters.config_files import (
    load_legal_limits,
    load_municipality,
    load_standard_rates,
    read_decision,
)
from services.assessment.adapters.property_files import read_properties_csv
from services.assessment.adapters.tax_list_documents import tax_list_pdf
from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.application.adopt_valuations import adopt_valuations
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.import_properties import import_properties
from services.assessment.application.levy import levy_chunk, start_levy
from services.assessment.application.set_decision import set_decision
from services.assessment.application.tax_list import TaxListHeading, TaxListRow
from services.assessment.domain.decision import TaxListDisplay
from services.assessment.domain.levy import LevyJobState
from services.assessment.domain.municipality import Municipality
from services.assessment.service import SPEC, export_tax_list
from services.platform.db import create_db_engine, session_factory
from services.platform.errors import InvalidInput
from services.platform.migrations import upgrade_to_head
from tests.pdf_info import pdf_info, pdf_pages
from tests.pdf_text import pdf_text

Make = Callable[[], SqlAssessmentUnitOfWork]
CONFIG = AssessmentConfig(load_legal_limits(), load_standard_rates())
HEADER = (
    "property_id,cadastral_id,address,category,units,housing_value,bra_m2,plot_m2,lon,lat,exempt_reason\n"
)
DISPLAYED = OSLO_2024_DECISION + "tax_list_display: {from: 2024-02-26, to: 2024-03-18}\n"
# Written out of order: the list must put 1/2 before 1/10 and 2/1 before 10/1.
REGISTER = (
    "P-A,0301-10/1/0/0,Tiende gate 1,housing,1,9000000,120,300,,,\n"
    "P-B,0301-1/10/0/0,Tiendeveien 2,housing,1,9500000,120,300,,,\n"
    "P-C,0301-2/1/0/0,Andre gate 3,housing,1,8000000,120,300,,,\n"
    "P-D,0301-1/2/0/0,Andreveien 4,housing,1,10000000,120,300,,,\n"
    "P-E,0301-1/2/0/3,Andreveien 4 seksjon 3,housing,1,7000000,80,0,,,\n"
    "P-F,0301-30/2/0/0,Kirkebakken 1,housing,1,9000000,120,300,,,§ 5 h\n"
    "P-G,0301-3/2/0/0,Kapellveien 2,housing,1,9000000,120,300,,,§ 5 h\n"
)
ORDER = ["0301-1/2/0/0", "0301-1/2/0/3", "0301-1/10/0/0", "0301-2/1/0/0", "0301-10/1/0/0"]


@pytest.fixture
def make(sqlite_url: str) -> Make:
    upgrade_to_head(SPEC.migrations_dir, sqlite_url)
    sessions = session_factory(create_db_engine(sqlite_url))
    return lambda: SqlAssessmentUnitOfWork(sessions)


def _levied(make: Make, decision_yaml: str = DISPLAYED) -> None:
    import_properties(make(), read_properties_csv((HEADER + REGISTER).encode()), 2024, CONFIG)
    adopt_valuations(make(), None, "sak 1/2024")
    decision = set_decision(make(), decision_yaml, CONFIG)
    job = start_levy(make(), 2024, CONFIG, date(2024, 2, 20), date(2024, 2, 20))
    while job.state == LevyJobState.RUNNING:
        job = levy_chunk(make(), job.job_id, decision, CONFIG, 50)
    assert job.state == LevyJobState.COMPLETED


def _positions(text: str, ids: list[str]) -> list[int]:
    return [text.index(i) for i in ids]


def test_the_public_list_is_in_cadastral_order_with_its_heading_and_only_the_public_columns(
    make: Make,
) -> None:
    _levied(make)
    pdf = export_tax_list(make(), 2024, exempt=False, pdf=True)
    text = pdf_text(pdf)
    assert _positions(text, ORDER) == sorted(_positions(text, ORDER))
    assert "Skatteliste for eiendomsskatt 2024 – Oslo kommune" in text
    assert "Utlagt til offentlig ettersyn 26.02.2024–18.03.2024" in text
    for heading in (
        "Eiendom",
        "Adresse",
        "Takstgrunnlag (kr)",
        "Bunnfradrag (kr)",
        "Promille",
        "Eiendomsskatt (kr)",
    ):
        assert heading in text
    # One meaning per word: the column is the reduced value (takstgrunnlag); skattegrunnlag, the CLI's
    # "tax base", is what is left after the basic deduction, and the list says so.
    assert "Skattegrunnlag (kr)" not in text and "Eigedomsskatt" not in text
    assert "Skattegrunnlaget er takstgrunnlaget minus bunnfradraget" in " ".join(text.split())
    # Andreveien 4: 10 000 000 less 30 % is 7 000 000; less 4 700 000 at 2,8 ‰ is 6 440 kr.
    assert re.search(r"0301-1/2/0/0 Andreveien 4 7 000 000,00 4 700 000,00 2,8 6 440,00", text), text
    # Nothing the law does not make public: not the service's property ids, not the value before reduction.
    assert "P-D" not in text and "10 000 000" not in text and "Reduksjon" not in text
    info = pdf_info(pdf)
    assert info["Title"] == "Skatteliste for eiendomsskatt 2024 – Oslo kommune"
    assert info["Author"] == "Oslo kommune"
    # Dated the levy's business date (20.02.2024), not ReportLab's invariant 2000-01-01.
    assert info["CreationDate"].startswith("Tue Feb 20 00:00:00 2024"), info
    pages = pdf_pages(pdf)
    assert len(pages) == int(info["Pages"]) == 1
    assert "side 1 av 1" in pages[0]
    assert pdf == export_tax_list(make(), 2024, exempt=False, pdf=True)  # the same list, the same bytes


def test_the_csv_has_the_same_order_and_columns_in_machine_form(make: Make) -> None:
    _levied(make)
    rows = list(csv.DictReader(io.StringIO(export_tax_list(make(), 2024, exempt=False, pdf=False).decode())))
    assert [r["cadastral_id"] for r in rows] == ORDER
    assert list(rows[0]) == [
        "cadastral_id",
        "address",
        "tax_value_nok",
        "deduction_nok",
        "rate_per_mille",
        "tax_nok",
    ]
    assert rows[0] == {
        "cadastral_id": "0301-1/2/0/0",
        "address": "Andreveien 4",
        "tax_value_nok": "7000000.00",
        "deduction_nok": "4700000.00",
        "rate_per_mille": "2.8",
        "tax_nok": "6440.00",
    }


def test_the_exempt_list_is_sorted_and_named_too(make: Make) -> None:
    _levied(make)
    pdf = export_tax_list(make(), 2024, exempt=True, pdf=True)
    text = pdf_text(pdf)
    assert text.index("0301-3/2/0/0") < text.index("0301-30/2/0/0")
    assert "Fritatte eiendommer 2024 – Oslo kommune" in text and "P-F" not in text
    info = pdf_info(pdf)
    assert (info["Title"], info["Author"]) == ("Fritatte eiendommer 2024 – Oslo kommune", "Oslo kommune")
    assert info["CreationDate"].startswith("Tue Feb 20 00:00:00 2024")  # the levy's business date
    assert "side 1 av 1" in pdf_pages(pdf)[0]
    rows = list(csv.DictReader(io.StringIO(export_tax_list(make(), 2024, exempt=True, pdf=False).decode())))
    assert [r["cadastral_id"] for r in rows] == ["0301-3/2/0/0", "0301-30/2/0/0"]
    assert list(rows[0]) == ["cadastral_id", "address", "exemption"]


def test_without_a_display_period_the_line_is_left_out(make: Make) -> None:
    _levied(make, OSLO_2024_DECISION)
    text = pdf_text(export_tax_list(make(), 2024, exempt=False, pdf=True))
    assert "Utlagt til offentlig ettersyn" not in text and "Skatteliste for eiendomsskatt 2024" in text


def test_a_long_list_says_side_x_av_y_on_every_page_and_repeats_its_heading_row() -> None:
    rows = [
        TaxListRow(
            f"0301-{n}/1/0/0",
            f"Gate {n}",
            Decimal(7_000_000),
            Decimal(4_700_000),
            Decimal("2.8"),
            Decimal(6440),
        )
        for n in range(120, 0, -1)
    ]
    heading = TaxListHeading(
        Municipality("Bergen kommune", "4601"), 2025, TaxListDisplay(date(2025, 3, 1), date(2025, 3, 22))
    )
    pdf = tax_list_pdf(rows, exempt=False, heading=heading)
    pages = pdf_pages(pdf)
    assert len(pages) == int(pdf_info(pdf)["Pages"]) > 2
    for number, page in enumerate(pages, start=1):
        assert f"side {number} av {len(pages)}" in page
        assert "Eiendomsskatt (kr)" in page
    first = pages[0]
    assert first.index("0301-1/1/0/0") < first.index("0301-2/1/0/0") < first.index("0301-10/1/0/0")
    assert pdf_info(pdf)["Author"] == "Bergen kommune"
    # No levy date given: dated the first day of display, never the clock or 2000-01-01.
    assert pdf_info(pdf)["CreationDate"].startswith("Sat Mar  1 00:00:00 2025")


def test_the_municipality_comes_from_its_config_file() -> None:
    loaded = load_municipality()
    assert (loaded.name, loaded.number) == ("Oslo kommune", "0301")


@pytest.mark.parametrize(
    ("display", "field", "says"),
    [
        ("{from: 2024-03-18, to: 2024-02-26}", "tax_list_display.to", "must be after from (2024-03-18)"),
        ("{from: 2024-02-26, to: 2024-02-26}", "tax_list_display.to", "must be after from"),
        ("{from: '2024-02-30', to: 2024-03-18}", "tax_list_display.from", "February 2024 has 29 days"),
        ("{from: 2024-02-26}", "tax_list_display.to", "is required"),
        ("{from: 2024-02-26, to: 2024-03-18, til: 2024-03-19}", "tax_list_display.til", "unknown field"),
        ("26.02.2024", "tax_list_display", "from: and to:"),
    ],
)
def test_a_bad_display_period_is_refused_by_field(display: str, field: str, says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_decision(OSLO_2024_DECISION + f"tax_list_display: {display}\n", CONFIG)
    [violation] = refused.value.violations
    assert violation.field == field and says in violation.description


def test_a_display_period_reads_dates_as_people_write_them() -> None:
    decision = read_decision(
        OSLO_2024_DECISION + "tax_list_display: {from: '26.02.2024', to: 2024-03-18}\n", CONFIG
    )
    assert decision.tax_list_display == TaxListDisplay(date(2024, 2, 26), date(2024, 3, 18))


def test_the_readmes_sample_decision_puts_its_display_period_on_the_list(make: Make) -> None:
    sample = Path(__file__).resolve().parents[2] / "data" / "samples" / "decision-2024.yaml"
    _levied(make, sample.read_text(encoding="utf-8"))
    text = pdf_text(export_tax_list(make(), 2024, exempt=False, pdf=True))
    assert "Utlagt til offentlig ettersyn 26.02.2024–18.03.2024" in text, text
