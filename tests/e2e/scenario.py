"""Steps the end-to-end tests share: waiting with a deadline, counting rows in a service's database,
levying a register in assessment, the share of a yearly amount billed for some months, and an expert
committee with a meeting in appeals.

Every e2e test uses property ids of its own (a municipality number no other test uses): they share the
session's broker and the services' consumer groups, so each waits until its own events have landed."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from decimal import Decimal

import grpc
import pytest
from sqlalchemy import create_engine, func, select

from propertytax.appeals.v1 import appeals_pb2, appeals_pb2_grpc
from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc, property_pb2
from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc
from services.client import Caller
from services.platform.clock import oslo_today
from services.platform.db import normalise_url
from services.platform.money import Money
from services.synthetic_register import OSLO_2024_DECISION, OSLO_ZONES, register_csv, synthetic_national_id

YEAR = 2024


def wait(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def count(url: str, table: object, *where: object) -> int:
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())  # type: ignore[arg-type]
    finally:
        engine.dispose()


def owed(annual: Money, months: int) -> int:
    """The first `months` twelfths of a yearly amount, the extra øre going to the first months (as the
    issue specifies; worked out here, not with billing's own code)."""
    base, extra = divmod(annual.ore, 12)
    return sum(base + (1 if month < extra else 0) for month in range(months))


def levy(assessor: Caller, register: int, municipality: str) -> dict[str, Money]:
    """Imports `register` synthetic properties of the municipality and levies YEAR; returns each taxed
    property's annual tax, from the public tax list."""
    api = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)
    assessor.call(
        api.ImportZones,
        assessment_pb2.ImportZonesRequest(
            content=OSLO_ZONES.read_bytes(), format=assessment_pb2.IMPORT_FORMAT_GEOJSON
        ),
    )
    imported = assessor.call(
        api.ImportProperties,
        assessment_pb2.ImportPropertiesRequest(
            content=register_csv(register, municipality=municipality),
            format=assessment_pb2.IMPORT_FORMAT_CSV,
            housing_value_year=YEAR,
        ),
    )
    assert imported.created == register
    assessor.call(api.AdoptValuations, assessment_pb2.AdoptValuationsRequest(adoption_reference="sak 4/2024"))
    assessor.call(
        api.SetTaxYearDecision, assessment_pb2.SetTaxYearDecisionRequest(decision_yaml=OSLO_2024_DECISION)
    )
    job = assessor.call(api.StartLevy, assessment_pb2.StartLevyRequest(tax_year=YEAR)).job

    def levied() -> bool:
        nonlocal job
        job = assessor.call(api.GetLevyJob, assessment_pb2.GetLevyJobRequest(job_id=job.job_id)).job
        return bool(job.state != assessment_pb2.LEVY_JOB_STATE_RUNNING)

    wait(levied, 60, "the levy")
    assert job.state == assessment_pb2.LEVY_JOB_STATE_COMPLETED, job.error
    stream = api.ExportTaxList(
        assessment_pb2.ExportTaxListRequest(
            tax_year=YEAR, list=assessment_pb2.TAX_LIST_PUBLIC, format=assessment_pb2.DOCUMENT_FORMAT_CSV
        ),
        metadata=tuple(assessor.metadata()),
        timeout=60,
    )
    text = b"".join(chunk.chunk for chunk in stream).decode("utf-8")
    return {
        row["cadastral_id"]: Money.of(Decimal(row["tax_nok"]))
        for row in csv.DictReader(io.StringIO(text))
        if Decimal(row["tax_nok"]) > 0
    }


def sole_owner(assessor: Caller, property_id: str, person: int, name: str) -> str:
    """Records a person (synthetic identity number `person`) as the property's sole owner from 1 January of
    YEAR; returns the owner reference billing knows the recipient by."""
    stub = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)
    owner = assessment_pb2.NewOwner(
        kind=property_pb2.OWNER_KIND_PERSON,
        identity_number=synthetic_national_id(person),
        name=name,
        share_numerator=1,
        share_denominator=1,
    )
    request = assessment_pb2.RecordOwnershipChangeRequest(
        property_id=property_id, effective_date=f"{YEAR}-01-01", owners=[owner]
    )
    return str(assessor.call(stub.RecordOwnershipChange, request).owners[0].owner_ref)


def billed_tax(billing: Caller, property_id: str) -> billing_pb2.YearlyPropertyTax | None:
    """Billing's current tax of the property for YEAR, or None while billing does not have it."""
    stub = billing_pb2_grpc.BillingServiceStub(billing.channel)
    try:
        found = billing.call(
            stub.GetBillingProperty, billing_pb2.GetBillingPropertyRequest(property_id=property_id)
        ).property
    except grpc.RpcError as exc:
        if exc.code() == grpc.StatusCode.NOT_FOUND:
            return None
        raise
    return next((t for t in found.property_taxes if t.tax_year == YEAR), None)


def give_postal_address(billing: Caller, account_id: str) -> None:
    """Recipients made from owners have no postal address; a paper invoice without one is held, not
    issued. A billing officer gives it, as here."""
    stub = billing_pb2_grpc.BillingServiceStub(billing.channel)
    request = billing_pb2.UpdateAccountRequest(
        account_id=account_id, address_line="Testveien 1", postcode="0150", city="Oslo"
    )
    billing.call(stub.UpdateAccount, request)


def knows_account(billing: Caller, account_id: str) -> bool:
    stub = billing_pb2_grpc.BillingServiceStub(billing.channel)
    try:
        billing.call(stub.GetAccount, billing_pb2.GetAccountRequest(account_id=account_id))
    except grpc.RpcError as exc:
        if exc.code() == grpc.StatusCode.NOT_FOUND:
            return False
        raise
    return True


def run_month(billing: Caller, month: int, issue_date: str) -> billing_pb2.BillingRun:
    """Starts the month's billing run and waits until it is complete."""
    stub = billing_pb2_grpc.BillingServiceStub(billing.channel)
    request = billing_pb2.StartBillingRunRequest(year=YEAR, month=month, issue_date=issue_date)
    run: billing_pb2.BillingRun = billing.call(stub.StartBillingRun, request).run

    def done() -> bool:
        nonlocal run
        run = billing.call(stub.GetBillingRun, billing_pb2.GetBillingRunRequest(run_id=run.run_id)).run
        return bool(run.state != billing_pb2.BILLING_RUN_STATE_RUNNING)

    wait(done, 120, f"the billing run for {YEAR}-{month:02d}")
    assert run.state == billing_pb2.BILLING_RUN_STATE_COMPLETED, run.error
    return run


def committee_with_meeting(
    appeals: Caller, name: str, kind: appeals_pb2.CommitteeKind.ValueType
) -> tuple[list[str], str]:
    """A committee with a chair and two members, and a meeting today; returns (members, meeting)."""
    api = appeals_pb2_grpc.AppealsServiceStub(appeals.channel)
    committee = appeals.call(
        api.CreateCommittee, appeals_pb2.CreateCommitteeRequest(name=name, kind=kind)
    ).committee.committee_id
    members = [
        appeals.call(
            api.AddCommitteeMember,
            appeals_pb2.AddCommitteeMemberRequest(
                committee_id=committee,
                name=person,
                role=role,
                term_start=f"{YEAR}-01-01",
                term_end=f"{YEAR + 3}-12-31",
            ),
        ).member.member_id
        for person, role in (
            ("Kari Leder", appeals_pb2.MEMBER_ROLE_CHAIR),
            ("Per Medlem", appeals_pb2.MEMBER_ROLE_MEMBER),
            ("Anne Medlem", appeals_pb2.MEMBER_ROLE_MEMBER),
        )
    ]
    meeting = appeals.call(
        api.CreateMeeting,
        appeals_pb2.CreateMeetingRequest(
            committee_id=committee, meets_on=oslo_today().isoformat(), location="Rådhuset"
        ),
    ).meeting.meeting_id
    return members, meeting
