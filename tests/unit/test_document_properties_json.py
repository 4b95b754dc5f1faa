"""The properties an invoice names are frozen as JSON at issue: every field written, read back equal."""

from __future__ import annotations

import json
from dataclasses import fields

import pytest

from services.billing.adapters.document_parties_store import _properties_json, _property_on_document
from services.billing.domain.document_parties import PropertyOnDocument

pytestmark = pytest.mark.unit


def test_every_field_is_written_and_read_back_equal() -> None:
    shown = PropertyOnDocument(
        "p1", "Storgata 1, 0155 Oslo", "0301-208/1/0/0", 1, 2, (("water", "98,3 m³ × 13,40 kr per m³"),)
    )
    stored = json.loads(_properties_json([shown]))
    assert set(stored[0]) == {f.name for f in fields(PropertyOnDocument)}  # a new field is never dropped
    assert _property_on_document(stored[0]) == shown
