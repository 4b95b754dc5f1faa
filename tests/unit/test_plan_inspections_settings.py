"""Issue 14 item 2: the inspection settings file (minutes by category, speeds by transport, detour factor,
day start, notice window) is read as shipped, and a wrong one is refused naming the key."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from pathlib import Path

import pytest

from services.assessment.adapters.config_files import DEFAULT_INSPECTIONS, load_inspection_settings
from services.assessment.domain.inspection_planning import Transport
from services.assessment.domain.property import PropertyCategory

pytestmark = pytest.mark.unit


def test_the_shipped_settings_are_read() -> None:
    settings = load_inspection_settings()
    assert settings.inspection_minutes(PropertyCategory.COMMERCIAL) == 90
    assert settings.speed_kmh[Transport.FOOT] == Decimal("4.5")
    assert settings.detour_factor == Decimal("1.3") and settings.day_starts_at == time(8)
    assert settings.notice_window_minutes == 120
    assert (settings.longest_day_minutes, settings.results_due_days, settings.max_start_km) == (
        480,
        14,
        Decimal(50),
    )


def test_the_file_not_the_defaults_sets_the_working_day_and_the_limits(tmp_path: Path) -> None:
    text = DEFAULT_INSPECTIONS.read_text(encoding="utf-8")
    for old, new in [
        ("longest_day_minutes: 480", "longest_day_minutes: 450"),
        ("results_due_days: 14", "results_due_days: 21"),
        ("max_start_km: 50", "max_start_km: 35"),
    ]:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "inspections.yaml"
    path.write_text(text, encoding="utf-8")
    settings = load_inspection_settings(path)
    assert (settings.longest_day_minutes, settings.results_due_days, settings.max_start_km) == (
        450,
        21,
        Decimal(35),
    )


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (("  car: 22", "  car: fast"), "speed_kmh: car"),
        (("  car: 22\n", ""), "speed_kmh.car is missing"),
        (("  housing: 45", "  housing: 0"), "minutes_per_inspection: housing"),
        (("  housing: 45", "  housing: 45\n  castle: 30"), "minutes_per_inspection.castle"),
        (("detour_factor: 1.3", "detour_factor: 0.5"), "detour_factor"),
        (('day_starts_at: "08:00"', 'day_starts_at: "8 o\'clock"'), "day_starts_at"),
        (("max_start_km: 50", "max_start_km: 0"), "max_start_km"),
        (("results_due_days: 14", "results_due_days: soon"), "results_due_days"),
    ],
)
def test_a_wrong_setting_is_refused_naming_its_key(
    tmp_path: Path, change: tuple[str, str], named: str
) -> None:
    text = DEFAULT_INSPECTIONS.read_text(encoding="utf-8")
    assert change[0] in text
    path = tmp_path / "inspections.yaml"
    path.write_text(text.replace(change[0], change[1]), encoding="utf-8")
    with pytest.raises(ValueError, match=named.replace(".", r"\.")) as caught:
        load_inspection_settings(path)
    assert "inspections.yaml" in str(caught.value)
