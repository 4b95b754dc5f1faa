"""What the appeals handlers need besides storage: the configured periods and the office's details."""

from __future__ import annotations

from dataclasses import dataclass

from services.appeals.domain.policy import AppealsPolicy, Office


@dataclass(frozen=True)
class AppealsConfig:
    policy: AppealsPolicy
    office: Office
