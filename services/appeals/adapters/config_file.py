"""The appeals service's configured values (services/appeals/appeals.yaml, or the settings' file)."""

from __future__ import annotations

from pathlib import Path

import yaml

from services.appeals.application.config import AppealsConfig
from services.appeals.domain.policy import AppealsPolicy, Office

DEFAULT_FILE = Path(__file__).resolve().parents[1] / "appeals.yaml"


def load_config(path: Path | None = None) -> AppealsConfig:
    raw = yaml.safe_load((path or DEFAULT_FILE).read_text(encoding="utf-8")) or {}
    return AppealsConfig(
        AppealsPolicy.from_mapping(raw.get("policy") or {}), Office.from_mapping(raw["office"])
    )
