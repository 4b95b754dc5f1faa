"""Collection rules from their YAML file (domain/collection_rules.py), read within the bounds of
platform/yaml_input.py; Norway's rules are the default file beside this package."""

from __future__ import annotations

from pathlib import Path

from services.billing.domain.collection_rules import CollectionRules, parse_collection_rules
from services.platform.yaml_input import read_yaml

DEFAULT_RULES_FILE = Path(__file__).resolve().parent.parent / "collection_rules.yaml"


def read_collection_rules(document: str) -> CollectionRules:
    """The rules from YAML text; InvalidInput naming the key (or "rules" with the line for bad YAML)."""
    return parse_collection_rules(read_yaml(document, "rules"))


def load_collection_rules(path: Path | None = None) -> CollectionRules:
    """The rules of the file at `path` (Norway's by default)."""
    return read_collection_rules((path or DEFAULT_RULES_FILE).read_text(encoding="utf-8"))
