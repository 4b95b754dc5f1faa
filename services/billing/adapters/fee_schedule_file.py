"""The fee schedule's file form: YAML text, read within the bounds of platform/yaml_input.py."""

from __future__ import annotations

from services.billing.domain.fee_schedule import FeeSchedule, parse_fee_schedule
from services.platform.yaml_input import read_yaml


def read_fee_schedule(document: str) -> FeeSchedule:
    """The schedule from its YAML text (the request's document); a document that is no bounded YAML is a
    violation of `document` with its line, a bad field a violation named by its path (domain)."""
    return parse_fee_schedule(read_yaml(document, "document"))
