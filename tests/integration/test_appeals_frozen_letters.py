"""An issued letter never changes: the acknowledgement, the preliminary answer and the decision letter,
asked for again after the office moved, the configured complaint period changed, the committee was
renamed and a late complaint was admitted, are the very bytes first issued, with the old letterhead; on
SQLite and PostgreSQL. Also: letters of cases from before the snapshots existed are back-filled by the
migration from the configuration of the day of the upgrade."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import grpc
import pytest
import yaml
from alembic import command
from sqlalchemy import update

from propertytax.appeals.v1 import appeals_pb2 as ap
from propertytax.appeals.v1 import events_pb2
from services.appeals.adapters import repository
from services.appeals.adapters.config_file import DEFAULT_FILE
from services.appeals.adapters.orm import committees
from services.appeals.adapters.unit_of_work import SqlAppealsUnitOfWork
from services.appeals.application.case_flow import store
from services.appeals.domain import cases as flow
from services.appeals.domain.cases import Outcome
from services.appeals.service import SPEC
from services.platform.auth import Role
from services.platform.db import create_db_engine, session_factory
from services.platform.migrations import alembic_config, upgrade_to_head
from services.platform.runtime import ServiceRuntime
from services.platform.service_builder import build_runtime
from services.platform.settings import Settings
from tests.integration.appeals_fixtures import Api, envelope, feed_batch, tax_base_determined
from tests.pdf_text import pdf_text
from tests.unit import test_appeals_domain as built

SECRET = "appeals-letters-test-secret-0123456789ab"
LEVIED = datetime(2024, 2, 20, 9, 30, tzinfo=UTC)
PROPERTY, OTHER = "0301-208/1/0/0", "0301-209/3/0/0"
OLD_ADDRESS, NEW_ADDRESS = "Postboks 1, Sentrum", "Postboks 99, Tøyen"
LETTERS = {
    "acknowledgement": ap.LETTER_KIND_ACKNOWLEDGEMENT,
    "preliminary_answer": ap.LETTER_KIND_PRELIMINARY_ANSWER,
    "decision": ap.LETTER_KIND_DECISION,
}


def _config(directory: Path, file_name: str, **changes: Any) -> Path:
    """services/appeals/appeals.yaml with some policy and office values changed, as a file of its own."""
    raw = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    for key, value in changes.items():
        section = "policy" if key == "complaint_weeks" else "office"
        raw[section][key] = value
    path = directory / file_name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _the_office_moved(directory: Path) -> Path:
    """Another address, name, contact and tax authority, and five weeks to complain instead of six."""
    return _config(
        directory,
        "moved.yaml",
        complaint_weeks=5,
        name="Oslo kommune (flyttet)",
        address_lines=[NEW_ADDRESS, "0608 Oslo"],
        contact="Telefon 99 99 99 99",
        tax_authority="Skatteetaten region øst",
    )


@contextmanager
def _service(database_url: str, var_dir: Path, config: Path) -> Iterator[tuple[ServiceRuntime, Api]]:
    settings = Settings(
        database_url=database_url,
        var_dir=var_dir,
        auth_secret=SECRET,  # type: ignore[arg-type]
        appeals_config_file=config,
    )
    service = build_runtime(replace(SPEC, consumer=None, produces_events=False), settings)
    service.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{service.server.port}")
    try:
        yield service, Api(channel, SECRET, Role.SECRETARIAT)
    finally:
        channel.close()
        service.stop()


def _letters(api: Api, case_id: str, *kinds: str) -> dict[str, bytes]:
    return {
        kind: api.GetAppealLetter(ap.GetAppealLetterRequest(case_id=case_id, kind=LETTERS[kind])).content
        for kind in kinds
    }


def _complaint(property_id: str, received_on: str) -> Any:
    return ap.RegisterAppealRequest(
        property_id=property_id,
        tax_year=2024,
        complainant=ap.Complainant(
            kind=ap.COMPLAINANT_KIND_OWNER,
            name="Kari Nordmann",
            address_lines=["Storgata 1", "0155 Oslo"],
            owner_ref="owner-abc",
        ),
        received_on=received_on,
        channel=ap.COMPLAINT_CHANNEL_EMAIL,
        grounds=[
            ap.Ground(kind=ap.GROUND_KIND_AREA, text="BRA er 80 m²"),
            ap.Ground(kind=ap.GROUND_KIND_TAX_AUTHORITY_VALUE, text="For høy"),
        ],
    )


def _decided_case(api: Api) -> str:
    """A complaint registered, answered preliminarily and decided by the valuation committee."""
    committee = api.CreateCommittee(
        ap.CreateCommitteeRequest(name="Sakkyndig nemnd", kind=ap.COMMITTEE_KIND_VALUATION)
    ).committee
    members = [
        api.AddCommitteeMember(
            ap.AddCommitteeMemberRequest(
                committee_id=committee.committee_id,
                name=name,
                role=role,
                term_start="2023-01-01",
                term_end="2027-12-31",
            )
        ).member.member_id
        for name, role in (
            ("Kari Leder", ap.MEMBER_ROLE_CHAIR),
            ("Per Medlem", ap.MEMBER_ROLE_MEMBER),
            ("Eva Medlem", ap.MEMBER_ROLE_MEMBER),
        )
    ]
    meeting = api.CreateMeeting(
        ap.CreateMeetingRequest(
            committee_id=committee.committee_id, meets_on="2024-05-15", location="Rådhuset"
        )
    ).meeting
    case_id = str(api.RegisterAppeal(_complaint(PROPERTY, "2024-03-20")).case.case_id)
    api.SendPreliminaryAnswer(
        ap.SendPreliminaryAnswerRequest(
            case_id=case_id,
            reason="Vi må måle opp boligen.",
            expected_decision_on="2024-06-01",
            sent_on="2024-04-02",
        )
    )
    api.PrepareAppeal(ap.PrepareAppealRequest(case_id=case_id, recommendation="Ikke medhold."))
    api.ScheduleAppeal(ap.ScheduleAppealRequest(case_id=case_id, meeting_id=meeting.meeting_id))
    api.DecideAppeal(
        ap.DecideAppealRequest(
            case_id=case_id,
            meeting_id=meeting.meeting_id,
            outcome=events_pb2.APPEAL_OUTCOME_NOT_UPHELD,
            reasons="Befaringen viser at arealet er riktig.",
            participant_ids=members[:2],
        )
    )
    return case_id


def _rename_committees(database_url: str, name: str) -> None:
    """No RPC renames a committee; a rename in the database stands in for one (or for a correction)."""
    engine = create_db_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(update(committees).values(name=name))
    finally:
        engine.dispose()


def test_letters_are_the_bytes_issued_after_the_office_the_policy_and_the_committee_change(
    database_url: str, tmp_path: Path
) -> None:
    with _service(database_url, tmp_path, _config(tmp_path, "first.yaml")) as (service, api):
        assert feed_batch(
            service,
            envelope(tax_base_determined(PROPERTY, 2024, 900_000_000), PROPERTY, LEVIED),
            envelope(tax_base_determined(OTHER, 2024, 500_000_000), OTHER, LEVIED),
        )
        api.SetTaxYearCalendar(
            ap.SetTaxYearCalendarRequest(
                calendar=ap.TaxYearCalendar(tax_year=2024, list_announced_on="2024-02-26")
            )
        )
        case_id = _decided_case(api)
        issued = _letters(api, case_id, *LETTERS)
        # Received the day after the deadline (8 April): the acknowledgement says it will be considered.
        late_id = str(api.RegisterAppeal(_complaint(OTHER, "2024-04-09")).case.case_id)
        late_issued = _letters(api, late_id, "acknowledgement")

    _rename_committees(database_url, "Eiendomsskattenemnda")
    with _service(database_url, tmp_path, _the_office_moved(tmp_path)) as (_, api):
        api.AdmitLateAppeal(
            ap.AdmitLateAppealRequest(
                case_id=late_id, reasons="Klageren lå på sykehus.", admitted_on="2024-04-15"
            )
        )
        again = _letters(api, case_id, *LETTERS)
        late_again = _letters(api, late_id, "acknowledgement")
        # The new file is in force: a complaint registered now gets the new letterhead and period.
        later_id = str(api.RegisterAppeal(_complaint(PROPERTY, "2024-03-21")).case.case_id)
        later = pdf_text(_letters(api, later_id, "acknowledgement")["acknowledgement"])

    assert again == issued and late_again == late_issued
    texts = {kind: pdf_text(content) for kind, content in issued.items()}
    for kind, text in texts.items():
        assert OLD_ADDRESS in text and "Oslo kommune (eksempel)" in text, kind
        assert NEW_ADDRESS not in text and "flyttet" not in text and "99 99 99 99" not in text, kind
    assert "6 uker fra 26.02.2024" in texts["acknowledgement"]
    assert "må du klage til Skatteetaten." in texts["acknowledgement"]
    assert "Sakkyndig nemnd behandlet klagen din i møtet 15.05.2024." in texts["decision"]
    assert "Eiendomsskattenemnda" not in texts["decision"]
    late_text = pdf_text(late_issued["acknowledgement"])
    assert "Vi vurderer om den likevel kan behandles" in late_text and "sykehus" not in late_text
    assert NEW_ADDRESS in later and "5 uker fra 26.02.2024" in later and "Skatteetaten region øst" in later


def test_the_migration_backfills_letters_of_cases_from_before_it(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cases registered, answered and decided before 0004 keep their letters: what comes from outside the
    case is taken from the configuration and the committees as they are on the day of the upgrade, and
    from then on no longer follows them."""
    command.upgrade(alembic_config(SPEC.migrations_dir, database_url), "0003")
    # The columns 0005 added (the deadline's dispatch basis, the acknowledgement's date) did not exist yet.
    writes = repository._case_row
    monkeypatch.setattr(
        repository,
        "_case_row",
        lambda case: {
            k: v for k, v in writes(case).items() if k not in ("dispatch_basis", "acknowledged_on")
        },
    )
    engine = create_db_engine(database_url)
    try:
        uow = SqlAppealsUnitOfWork(session_factory(engine))
        with uow:  # stored as the code before 0004 stored them: the cases, no letters
            uow.committees.add(built.VALUATION)
            for member in built.MEMBERS["c1"]:
                uow.committees.add_member(member)
            uow.committees.add_meeting(built.MEETINGS["m1"])
            registered = flow.register(
                "case-1", "2024-00001", built.complaint(), built.NOTICE, built.CALENDAR, built.POLICY, "sek"
            )
            store(uow, registered, new=True)
            answered = flow.send_preliminary_answer(
                registered.case, "Nemnda møtes i mai.", built.TODAY, built.ON, built.TODAY, "sek"
            )
            store(uow, answered)
            store(uow, built.decide(built.scheduled(answered.case), Outcome.NOT_UPHELD))
            uow.commit()
    finally:
        engine.dispose()
    monkeypatch.setenv("PROPERTYTAX_APPEALS_CONFIG_FILE", str(_config(tmp_path, "upgrade-day.yaml")))
    upgrade_to_head(SPEC.migrations_dir, database_url)
    monkeypatch.delenv("PROPERTYTAX_APPEALS_CONFIG_FILE")

    with _service(database_url, tmp_path, _the_office_moved(tmp_path)) as (_, api):
        first = _letters(api, "case-1", *LETTERS)
        # 0005 put the case decided at the meeting on the meeting's agenda (issue 10, case 13).
        agenda = api.GetMeetingDocument(
            ap.GetMeetingDocumentRequest(meeting_id="m1", kind=ap.MEETING_DOCUMENT_KIND_AGENDA)
        )
        assert "Sak 1: 2024-00001" in pdf_text(agenda.content)
    _rename_committees(database_url, "Eiendomsskattenemnda")
    with _service(database_url, tmp_path, _config(tmp_path, "again.yaml", complaint_weeks=3)) as (_, api):
        assert _letters(api, "case-1", *LETTERS) == first
    texts = {kind: pdf_text(content) for kind, content in first.items()}
    for kind, text in texts.items():
        assert OLD_ADDRESS in text and NEW_ADDRESS not in text, kind
    assert "6 uker fra 26.02.2024" in texts["acknowledgement"]
    assert "Sakkyndig nemnd behandlet klagen din i møtet 15.05.2024." in texts["decision"]
