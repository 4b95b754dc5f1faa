"""The configured periods of the complaint procedure. They are values an office sets (and the law may
change), not constants: services/appeals/appeals.yaml holds the defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.platform.errors import Violations


@dataclass(frozen=True)
class Period:
    """A length of time given in weeks or in calendar months (one of the two)."""

    weeks: int = 0
    months: int = 0

    def describe(self) -> str:
        """In Norwegian, for letters: "2 uker", "1 måned"."""
        if self.months:
            return f"{self.months} {'måned' if self.months == 1 else 'måneder'}"
        return f"{self.weeks} {'uke' if self.weeks == 1 else 'uker'}"


@dataclass(frozen=True)
class AppealsPolicy:
    # Eigedomsskattelova § 19 (DOMAIN.md § 2): six weeks from the later of the list's display
    # announcement and the bill's dispatch.
    complaint_weeks: int = 6
    # Forvaltningsloven § 11 a: a preliminary answer when a reply takes long, at the latest after one
    # month; Oslo's own practice is two weeks, the default here.
    preliminary_answer_after: Period = Period(weeks=2)
    # How long the complainant has to ask for the expert appeals committee after a first-instance
    # decision against them (forvaltningsloven § 29: three weeks).
    further_appeal_weeks: int = 3
    # DOMAIN.md § 2: "Partial success counts as upheld", so a partly upheld complaint is not forwarded.
    # An office whose reading differs may turn this on.
    forward_partly_upheld: bool = False

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> AppealsPolicy:
        problems = Violations()
        known = {
            "complaint_weeks",
            "preliminary_answer_after",
            "further_appeal_weeks",
            "forward_partly_upheld",
        }
        for key in sorted(set(raw) - known):
            problems.add(key, "unknown setting")
        weeks = _positive(raw.get("complaint_weeks", 6), "complaint_weeks", problems)
        further = _positive(raw.get("further_appeal_weeks", 3), "further_appeal_weeks", problems)
        period = raw.get("preliminary_answer_after", {"weeks": 2})
        answer = Period()
        if not isinstance(period, Mapping) or len(period) != 1 or set(period) - {"weeks", "months"}:
            problems.add("preliminary_answer_after", "one of {weeks: N} or {months: N}")
        else:
            (unit, count), *_ = period.items()
            amount = _positive(count, f"preliminary_answer_after.{unit}", problems)
            answer = Period(weeks=amount) if unit == "weeks" else Period(months=amount)
        forward = raw.get("forward_partly_upheld", False)
        if not isinstance(forward, bool):
            problems.add("forward_partly_upheld", "true or false")
        problems.raise_if_any()
        return cls(weeks, answer, further, bool(forward))


def _positive(value: object, field: str, problems: Violations) -> int:
    if type(value) is not int or value <= 0:
        problems.add(field, "a whole number above zero")
        return 1
    return value


@dataclass(frozen=True)
class Office:
    """Who writes to the complainants: printed on every letter and meeting document."""

    name: str
    unit: str
    address_lines: tuple[str, ...]
    contact: str
    tax_authority: str  # where complaints about the tax authority's housing value go

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> Office:
        problems = Violations()
        for key in ("name", "unit", "contact", "tax_authority"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                problems.add(f"office.{key}", "text is required")
        lines = raw.get("address_lines")
        if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
            problems.add("office.address_lines", "a list of lines")
            lines = []
        problems.raise_if_any()
        return cls(raw["name"], raw["unit"], tuple(lines), raw["contact"], raw["tax_authority"])
