"""How the appeals CLI words a complaint deadline's basis: from the later of the tax list's announcement
and the bill's dispatch, named by where the dispatch day comes from, and said when the sixth week ended
on a holiday."""

from __future__ import annotations

import pytest

from propertytax.appeals.v1 import appeals_pb2 as ap
from services.cli.appeals_view import deadline_basis


@pytest.mark.parametrize(
    ("deadline", "announced", "sent", "basis", "said"),
    [
        ("2024-05-21", "2024-02-26", "2024-04-09", ap.DISPATCH_BASIS_FIRST_INVOICE,
         "six weeks from the bill sent 09.04.2024"),
        ("2024-05-21", "2024-02-26", "2024-04-09", ap.DISPATCH_BASIS_CALENDAR,
         "six weeks from the bills' dispatch day 09.04.2024"),
        ("2024-05-21", "2024-02-26", "2024-04-09", ap.DISPATCH_BASIS_LEVY,
         "six weeks from the levy 09.04.2024 (no bill's dispatch known yet)"),
        ("2024-05-21", "2024-02-26", "2024-04-09", ap.DISPATCH_BASIS_CORRECTION,
         "six weeks from the corrected bill 09.04.2024"),
        ("2024-04-08", "2024-02-26", "2024-02-20", ap.DISPATCH_BASIS_LEVY,
         "six weeks from the tax list's announcement 26.02.2024"),
        # 20.03 + six weeks is 1 May, a public holiday: the deadline is the next business day.
        ("2024-05-02", "2024-02-26", "2024-03-20", ap.DISPATCH_BASIS_FIRST_INVOICE,
         "six weeks from the bill sent 20.03.2024, moved past a weekend or holiday"),
    ],
)  # fmt: skip
def test_the_basis_of_a_deadline_in_words(
    deadline: str, announced: str, sent: str, basis: int, said: str
) -> None:
    assert deadline_basis(deadline, announced, sent, basis) == said


def test_no_deadline_known_says_nothing() -> None:
    assert deadline_basis("", "", "", ap.DISPATCH_BASIS_UNSPECIFIED) == ""
