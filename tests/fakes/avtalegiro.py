"""AvtaleGiro agreements in memory (services/billing/application/avtalegiro_ports.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from services.billing.domain.avtalegiro import Agreement, AgreementChange


class FakeAgreements:
    def __init__(self) -> None:
        self.rows: dict[str, Agreement] = {}
        self.updated_at: dict[str, datetime] = {}
        self.files: dict[str, tuple[date | None, date]] = {}  # sha256 → (sent_on, received_on)
        self.transmissions: dict[str, date] = {}  # transmission → received_on

    def file_received_on(self, sha256: str) -> date | None:
        return self.files[sha256][1] if sha256 in self.files else None

    def latest_file_sent_on(self) -> date | None:
        return max((sent for sent, _ in self.files.values() if sent is not None), default=None)

    def transmission_received_on(self, transmission: str) -> date | None:
        return self.transmissions.get(transmission)

    def add_file(
        self, sha256: str, sent_on: date | None, received_on: date, at: datetime, transmission: str = ""
    ) -> None:
        if sha256 in self.files or (transmission and transmission in self.transmissions):
            raise ValueError(f"agreements file {sha256} read before")  # the unique keys refuse it
        self.files[sha256] = (sent_on, received_on)
        if transmission:
            self.transmissions[transmission] = received_on

    def apply(
        self, changes: Sequence[AgreementChange], accounts: Mapping[str, str], on: date, at: datetime
    ) -> None:
        for change in changes:
            kept = self.rows.get(change.kid)
            same_standing = kept is not None and (kept.active, kept.account_id) == (
                change.active,
                accounts[change.kid],
            )
            kept_active = kept is not None and kept.active and kept.account_id == accounts[change.kid]
            became_active = change.active and not kept_active
            self.rows[change.kid] = Agreement(
                kid=change.kid,
                account_id=accounts[change.kid],
                active=change.active,
                notify=change.notify,
                registered_on=kept.registered_on if kept is not None and same_standing else on,
                active_since=on if became_active else (kept.active_since if kept is not None else None),
                ended_by=change.ended_by,
            )
            self.updated_at[change.kid] = at

    def active_for(self, account_ids: Sequence[str]) -> dict[str, Agreement]:
        wanted = set(account_ids)
        found: dict[str, Agreement] = {}
        for agreement in sorted(self.rows.values(), key=lambda a: (a.registered_on, self.updated_at[a.kid])):
            if agreement.active and agreement.account_id in wanted:
                found[agreement.account_id] = agreement  # the one registered last wins
        return found

    def active_not_in(self, kids: Sequence[str]) -> list[Agreement]:
        listed = set(kids)
        return [a for kid, a in sorted(self.rows.items()) if a.active and kid not in listed]

    def get(self, kid: str) -> Agreement | None:
        return self.rows.get(kid)

    def latest_registered_on(self) -> date | None:
        return max((a.registered_on for a in self.rows.values()), default=None)

    def get_many(self, kids: Sequence[str]) -> dict[str, Agreement]:
        return {kid: self.rows[kid] for kid in kids if kid in self.rows}
