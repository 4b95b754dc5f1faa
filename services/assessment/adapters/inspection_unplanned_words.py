"""Why a need stayed out of a plan, in plain Norwegian for the office's documents (the plan map). The
planner and the schedule state the reason in English for the API and the CLI (route_planner._reason,
inspection_schedule.NO_LOCATION and PAST); each form is matched here and said again in Norwegian, its
dates as 07.05.2024 and its times as 10.00. A reason no pattern knows is shown as it is, after a
Norwegian lead-in, rather than dropped."""

from __future__ import annotations

import re
from collections.abc import Callable

_DAY = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
_TIME = re.compile(r"\b(\d\d):(\d\d)\b")


def _dated(text: str) -> str:
    """'2024-05-10 10:00–12:00' → '10.05.2024 10.00–12.00'."""
    return _TIME.sub(r"\1.\2", _DAY.sub(r"\3.\2.\1", text))


# How an assessor travels (route_planner._BY), in Norwegian.
_BY = {"on foot": "til fots", "by bike": "på sykkel", "by e-bike": "på elsykkel", "by car": "med bil"}

# (pattern of the English reason, its Norwegian form from the pattern's groups), most specific first.
_FORMS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"^the owner's day \((\S+)\) is outside the period$"),
        lambda m: f"dagen eieren ba om ({m[1]}), er utenfor perioden",
    ),
    (
        re.compile(r"^no location in the register$"),
        lambda m: "eiendommen har ikke kartkoordinater i matrikkelen",
    ),
    (
        re.compile(r"^the day or hours the owner asked for are past at the re-plan$"),
        lambda m: "dagen eller tidsrommet eieren ba om, var passert da planen ble lagt om",
    ),
    (
        re.compile(r"^pinned to (\S+) on (\S+), who has no working day then$"),
        lambda m: f"avtalt med {m[1]} {_dated(m[2])}, men {m[1]} arbeider ikke den dagen",
    ),
    (
        re.compile(r"^no room on (\S+)'s day (\S+) it is pinned to$"),
        lambda m: f"ikke plass på dagen den er avtalt, hos {m[1]} {_dated(m[2])}",
    ),
    (
        re.compile(r"^the owner's window (.+) is after the case's deadline (\S+)$"),
        lambda m: f"tidsrommet eieren ba om ({_dated(m[1])}) er etter klagesakens frist {_dated(m[2])}",
    ),
    (
        re.compile(r"^the owner's windows (.+) … \((\d+) in all\) have no assessor free$"),
        lambda m: f"ingen taksator er ledig i tidsrommene eieren ba om ({_dated(m[1])} … {m[2]} i alt)",
    ),
    (
        re.compile(r"^the owner's window (.+) has no assessor free$"),
        lambda m: f"ingen taksator er ledig i tidsrommet eieren ba om ({_dated(m[1])})",
    ),
    (
        re.compile(r"^no working day before the case's deadline (\S+)$"),
        lambda m: f"ingen arbeidsdag i perioden før klagesakens frist {_dated(m[1])}",
    ),
    (re.compile(r"^no working day left in the period$"), lambda m: "ingen arbeidsdag igjen i perioden"),
    (
        re.compile(r"^no room before the case's deadline (\S+)$"),
        lambda m: f"ikke plass før klagesakens frist {_dated(m[1])}",
    ),
    (
        re.compile(
            r"^no assessor can reach it and back within a day "
            r"\(shortest: (\d+) min (on foot|by bike|by e-bike|by car), day (\d+) min\)$"
        ),
        lambda m: (
            f"ingen taksator rekker fram og tilbake på en arbeidsdag (korteste: {m[1]} min "
            f"{_BY[m[2]]}, dagen {m[3]} min)"
        ),
    ),
    (
        re.compile(r"^no room in the period: more urgent visits fill the assessors' days$"),
        lambda m: "ikke plass i perioden: mer hastende befaringer fyller taksatorenes dager",
    ),
    (
        re.compile(r"^no assessor-day has room before its deadline$"),
        lambda m: "ingen taksatordag har plass før fristen",
    ),
)


def unplanned_words(reason: str) -> str:
    """The Norwegian form of an unplanned need's reason."""
    for pattern, words in _FORMS:
        found = pattern.match(reason.strip())
        if found:
            return words(found)
    return f"ikke planlagt ({_dated(reason)})" if reason else "ikke planlagt"
