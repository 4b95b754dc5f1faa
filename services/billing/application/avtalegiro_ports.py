"""What AvtaleGiro (direct debit) needs from storage: the agreements the bank reported (part of the billing
unit of work). SQL: adapters/avtalegiro_repository.py; in memory: tests/fakes/avtalegiro.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Protocol

from services.billing.domain.avtalegiro import Agreement, AgreementChange

# An agreements file's bytes → its changes in file order, every bad line named (InvalidInput "line N").
# The real one is adapters/avtalegiro_file.read_agreements.
AgreementsReader = Callable[[bytes], list[AgreementChange]]


class AgreementStore(Protocol):
    """Recipients' AvtaleGiro agreements by KID, as the bank's agreements files reported them."""

    def apply(
        self, changes: Sequence[AgreementChange], accounts: Mapping[str, str], on: date, at: datetime
    ) -> None:
        """Store each change as its KID's agreement now (new KIDs added, known ones overwritten: active,
        notify, the account; registered_on = on, except where only notify changes: registered_on is the
        day it became active, ended or moved to another recipient, the "active since" officers see). The
        caller passes only changes that add or change an agreement.
        accounts: the account id of each change's KID. A KID changed twice in one call ends as its last
        change says. Bulk: one statement per kind of write."""
        ...

    def active_for(self, account_ids: Sequence[str]) -> dict[str, Agreement]:
        """The active agreement of each of the accounts that has one (an account with several active KIDs:
        the one registered last)."""
        ...

    def active_not_in(self, kids: Sequence[str]) -> list[Agreement]:
        """The active agreements whose KID is not one of `kids` (every active one when kids is empty), by
        KID: what a full agreements list from the bank leaves out. One query however many KIDs."""
        ...

    def get(self, kid: str) -> Agreement | None: ...

    def latest_registered_on(self) -> date | None:
        """The latest business day an agreement was added or changed (None: none stored yet)."""
        ...

    # --- the files read
    def file_received_on(self, sha256: str) -> date | None:
        """The business date the agreements file of these bytes was read as of (None: never read)."""
        ...

    def latest_file_sent_on(self) -> date | None:
        """The latest own date (sent_on) of the agreements files read (None: none, or none dated)."""
        ...

    def transmission_received_on(self, transmission: str) -> date | None:
        """The business date a file of this transmission ("data transmitter/transmission number") was read
        as of (None: none read, or read before transmissions were kept)."""
        ...

    def add_file(
        self, sha256: str, sent_on: date | None, received_on: date, at: datetime, transmission: str = ""
    ) -> None:
        """Keep that the file of these bytes (the bank's `transmission`, sent on sent_on) was read as of
        received_on."""
        ...

    def get_many(self, kids: Sequence[str]) -> dict[str, Agreement]:
        """The agreements stored under the KIDs (one query however many); unknown KIDs are left out."""
        ...
