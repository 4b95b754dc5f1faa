"""The municipality's office contact that owners' notices print (municipality.yaml `contact`, optional)."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.assessment.adapters.config_files import load_municipality
from services.assessment.adapters.inspection_documents import InspectionDocumentWriter
from services.assessment.domain.municipality import Municipality, OfficeContact


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "municipality.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_gives_oslos_office_and_how_to_reach_it() -> None:
    oslo = load_municipality()

    assert (oslo.name, oslo.number) == ("Oslo kommune", "0301")
    assert oslo.contact.office == "Eiendomsskattekontoret"
    assert oslo.contact.address_lines == ("Postboks 1, Sentrum", "0037 Oslo")
    assert oslo.contact.phone and oslo.contact.email and oslo.contact.web


def test_a_file_without_a_contact_reads_as_before(tmp_path: Path) -> None:
    municipality = load_municipality(_file(tmp_path, 'name: Bergen kommune\nnumber: "4601"\n'))

    assert municipality == Municipality("Bergen kommune", "4601")
    assert municipality.contact == OfficeContact()


def test_some_parts_of_a_contact_are_enough(tmp_path: Path) -> None:
    text = 'name: Bergen kommune\nnumber: "4601"\ncontact:\n  phone: "55 56 60 00"\n'

    assert load_municipality(_file(tmp_path, text)).contact == OfficeContact(phone="55 56 60 00")


@pytest.mark.parametrize(
    "contact",
    ["contact: 5555", "contact:\n  address_lines: Postboks 7900", "contact:\n  phone: [1, 2]"],
)
def test_a_contact_of_the_wrong_shape_is_refused_naming_its_parts(tmp_path: Path, contact: str) -> None:
    with pytest.raises(ValueError, match="contact has the texts office, phone, email, web and address_lines"):
        load_municipality(_file(tmp_path, f'name: Bergen kommune\nnumber: "4601"\n{contact}\n'))


def test_the_document_writer_prints_the_configured_municipality_unless_given_one() -> None:
    assert InspectionDocumentWriter().municipality == load_municipality()
    bergen = Municipality("Bergen kommune", "4601")
    assert InspectionDocumentWriter(bergen).municipality == bergen
