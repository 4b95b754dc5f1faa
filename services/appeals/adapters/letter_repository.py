"""Stores what each issued letter shows besides the case (appeal_letter_inputs), written once in the
transaction of the act that issues the letter."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from services.appeals.adapters.orm import appeal_letter_inputs
from services.appeals.domain.cases import Instance
from services.appeals.domain.committees import Committee, CommitteeKind
from services.appeals.domain.letters import IssuedLetter, LetterKind
from services.appeals.domain.policy import Office
from services.platform.money import Money


def office_json(office: Office) -> str:
    """The letterhead as stored: a JSON object with the Office's fields (the migration writes the same)."""
    return json.dumps(
        {
            "name": office.name,
            "unit": office.unit,
            "address_lines": list(office.address_lines),
            "contact": office.contact,
            "tax_authority": office.tax_authority,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def _office(text: str) -> Office:
    raw = json.loads(text)
    return Office(raw["name"], raw["unit"], tuple(raw["address_lines"]), raw["contact"], raw["tax_authority"])


def _letter(row: Any) -> IssuedLetter:
    committee = (
        None
        if row.committee_id is None
        else Committee(row.committee_id, row.committee_name, CommitteeKind(row.committee_kind))
    )
    return IssuedLetter(
        row.case_id,
        LetterKind(row.letter),
        Instance(row.instance) if row.instance else None,
        _office(row.office),
        complaint_weeks=row.complaint_weeks,
        committee=committee,
        value_before=None if row.value_before_ore is None else Money(row.value_before_ore),
        layout=row.layout,
    )


class IssuedLetterRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, letter: IssuedLetter, at: datetime) -> None:
        """Records a letter as issued. A second letter of the same key is an IntegrityError: the acts
        that issue letters happen once per case (per instance for decisions)."""
        committee = letter.committee
        self._session.execute(
            insert(appeal_letter_inputs).values(
                case_id=letter.case_id,
                letter=letter.kind.value,
                instance=letter.instance.value if letter.instance else "",
                office=office_json(letter.office),
                complaint_weeks=letter.complaint_weeks,
                committee_id=committee.committee_id if committee else None,
                committee_name=committee.name if committee else None,
                committee_kind=committee.kind.value if committee else None,
                value_before_ore=None if letter.value_before is None else letter.value_before.ore,
                layout=letter.layout,
                recorded_at=at,
            )
        )

    def get(self, case_id: str, kind: LetterKind, instance: Instance | None = None) -> IssuedLetter | None:
        c = appeal_letter_inputs.c
        row = self._session.execute(
            select(appeal_letter_inputs).where(
                c.case_id == case_id,
                c.letter == kind.value,
                c.instance == (instance.value if instance else ""),
            )
        ).first()
        return None if row is None else _letter(row)
