"""Issue 10 follow-up through AppealsService (SQLite and PostgreSQL): a corrected bill is dated on its
correction's business date (TaxBaseCorrected.corrected_on), not the day the event was written (item 1);
two complaints on one property decided in the same meeting: the second's letter states the value the
first decision set (item 3); a refused decision names the reason that applies (item 2)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import grpc
import pytest

from propertytax.appeals.v1 import appeals_pb2, events_pb2
from propertytax.assessment.v1 import events_pb2 as assessment_events
from propertytax.assessment.v1 import tax_pb2
from propertytax.platform.v1 import money_pb2
from services.platform.auth import Role
from services.platform.grpc_status import field_violations
from services.platform.messaging.inbox_processor import Outcome
from services.platform.runtime import ServiceRuntime
from tests.integration.appeals_fixtures import Api, appeals_service, envelope, feed, tax_base_determined
from tests.integration.test_appeals_business_dates import _committee, _complaint, _meeting
from tests.pdf_text import pdf_text

SECRET = "appeals-values-test-secret-0123456789abcdef"
MACHINE_DAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
PROPERTY = "0301-208/1/0/0"  # the property _complaint complains about
ap = appeals_pb2


@pytest.fixture
def service(database_url: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    with appeals_service(database_url, tmp_path, SECRET) as running:
        levied = tax_base_determined(PROPERTY, 2024, 2_492_000_000)  # 24,920,000 kr
        levied.levied_on = "2024-02-20"
        assert feed(running, envelope(levied, PROPERTY, MACHINE_DAY)) == [Outcome.HANDLED]
        yield running


@pytest.fixture
def secretariat(service: ServiceRuntime) -> Iterator[Api]:
    channel = grpc.insecure_channel(f"127.0.0.1:{service.server.port}")
    api = Api(channel, SECRET, Role.SECRETARIAT)
    api.SetTaxYearCalendar(
        ap.SetTaxYearCalendarRequest(
            calendar=ap.TaxYearCalendar(tax_year=2024, list_announced_on="2024-02-26")
        )
    )
    yield api
    channel.close()


def _corrected(version: int, value_ore: int, corrected_on: str) -> bytes:
    event = assessment_events.TaxBaseCorrected(
        previous=tax_pb2.TaxBase(property_id=PROPERTY, tax_year=2024, version=version - 1),
        current=tax_pb2.TaxBase(
            property_id=PROPERTY,
            tax_year=2024,
            version=version,
            valuation_version=version,
            value=money_pb2.Money(ore=value_ore),
        ),
        reason="§ 17",
        corrected_on=corrected_on,
    )
    return envelope(event, PROPERTY, MACHINE_DAY)  # written on the machine's day in 2026


def test_a_corrected_bill_counts_from_its_correction_s_business_date(
    service: ServiceRuntime, secretariat: Api
) -> None:
    assert feed(service, _corrected(2, 2_000_000_000, "2024-09-02")) == [Outcome.HANDLED]
    deadline = secretariat.GetComplaintDeadline(
        ap.GetComplaintDeadlineRequest(property_id=PROPERTY, tax_year=2024)
    )
    assert (deadline.bill_dispatched_on, deadline.bill_dispatch_basis, deadline.deadline) == (
        "2024-09-02",
        ap.DISPATCH_BASIS_CORRECTION,
        "2024-10-14",  # its own six weeks from 2 September, not 11 January 2027
    )


def _decide(
    api: Api,
    case_id: str,
    meeting: str,
    members: list[str],
    outcome: events_pb2.AppealOutcome.ValueType,
    value_ore: int = 0,
) -> object:
    request = ap.DecideAppealRequest(
        case_id=case_id,
        meeting_id=meeting,
        outcome=outcome,
        reasons="Begrunnelse.",
        participant_ids=members,
    )
    if value_ore:
        request.new_value.ore = value_ore
    return api.DecideAppeal(request)


def test_the_second_case_s_letter_states_the_value_the_first_decision_set(secretariat: Api) -> None:
    committee, members = _committee(secretariat, "2024-05-15")
    meeting = _meeting(secretariat, committee, "2024-05-15")
    first, second = (
        secretariat.RegisterAppeal(_complaint(day)).case.case_id for day in ("2024-03-20", "2024-03-21")
    )
    for case_id in (first, second):
        secretariat.PrepareAppeal(
            ap.PrepareAppealRequest(case_id=case_id, recommendation="Innstilling.", prepared_on="2024-04-10")
        )
        secretariat.ScheduleAppeal(
            ap.ScheduleAppealRequest(case_id=case_id, meeting_id=meeting, scheduled_on="2024-04-12")
        )
    _decide(secretariat, first, meeting, members, events_pb2.APPEAL_OUTCOME_UPHELD, 2_000_000_000)
    # The value in force is now 20,000,000: not upheld with 20,000,000 is refused as the value in force.
    with pytest.raises(grpc.RpcError) as refused:
        _decide(secretariat, second, meeting, members, events_pb2.APPEAL_OUTCOME_NOT_UPHELD, 2_000_000_000)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field_violations(refused.value) == {
        "new_value": "a complaint not upheld sets no new value: 20 000 000,00 kr is the value in force; "
        "leave it out"
    }
    _decide(secretariat, second, meeting, members, events_pb2.APPEAL_OUTCOME_NOT_UPHELD)
    letter = secretariat.GetAppealLetter(
        ap.GetAppealLetterRequest(case_id=second, kind=ap.LETTER_KIND_DECISION)
    )
    text = pdf_text(letter.content)
    assert "Verdien står uendret: 20 000 000,00 kr." in text
    assert (
        "Da du klaget, var verdien 24 920 000,00 kr. Den er senere endret og er nå 20 000 000,00 kr." in text
    )
    first_letter = pdf_text(
        secretariat.GetAppealLetter(
            ap.GetAppealLetterRequest(case_id=first, kind=ap.LETTER_KIND_DECISION)
        ).content
    )
    assert "Verdien endres fra 24 920 000,00 kr til 20 000 000,00 kr." in first_letter
