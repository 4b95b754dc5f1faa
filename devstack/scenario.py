"""The steps of the main scenario, shared by the demo and the end-to-end tests: a synthetic register levied,
owners recorded and known to billing, a month's billing run, committees with a meeting, a complaint through
both of them, and waiting (with a deadline) for what an event does in another service.

A step returns what the services answered. A step that cannot go on raises AssertionError (a job that did
not complete) or TimeoutError (what was awaited did not come in time): the tests assert on the returned
values, the demo prints them."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol, TypeVar

import grpc
import netsgiro

from devstack.stack import Stack
from devstack.synthetic_register import (
    OSLO_2024_DECISION,
    OSLO_MUNICIPALITY,
    OSLO_ZONES,
    register_csv,
    synthetic_national_id,
    synthetic_organisation_number,
)
from propertytax.appeals.v1 import appeals_pb2, appeals_pb2_grpc
from propertytax.appeals.v1 import events_pb2 as appeals_events
from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc, property_pb2
from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc, collection_pb2
from propertytax.platform.v1 import money_pb2
from services.billing.adapters.ocr_giro_writer import write_avtalegiro_agreements, write_ocr_giro
from services.client import Caller
from services.platform.auth import Role, TokenAuthority
from services.platform.money import Money
from services.platform.settings import Settings

T = TypeVar("T")


class _Job(Protocol):
    """A levy or a billing run, as the service reports it."""

    @property
    def state(self) -> int: ...

    @property
    def error(self) -> str: ...


J = TypeVar("J", bound=_Job)
YEAR = 2024  # the tax year of the scenario: the synthetic register's values and Oslo's decision are 2024's


def wait_for(look: Callable[[], T | None], timeout: float, what: str, interval: float = 0.1) -> T:
    """Asks `look` every `interval` seconds until it finds something (not None) and returns that;
    TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = look()
        if found is not None:
            return found
        time.sleep(interval)
    raise TimeoutError(f"timed out waiting for {what}")


def wait(predicate: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> None:
    """Asks `predicate` every `interval` seconds until it holds; TimeoutError after `timeout` seconds."""
    wait_for(lambda: True if predicate() else None, timeout, what, interval)


def found_or_none(call: Callable[[], T]) -> T | None:
    """What the call answers, or None where the service answers NOT_FOUND: it has not learnt of it yet."""
    try:
        return call()
    except grpc.RpcError as exc:
        if exc.code() == grpc.StatusCode.NOT_FOUND:
            return None
        raise


def until_ended(
    job: J, fetch: Callable[[J], J], running: int, completed: int, timeout: float, name: str
) -> J:
    """Fetches the job again until it no longer runs; returns it if it completed, AssertionError (its state
    and error) if not."""

    def ended() -> J | None:
        nonlocal job
        job = fetch(job)
        return job if job.state != running else None

    if job.state == running:
        job = wait_for(ended, timeout, name, interval=0.2)
    if job.state != completed:
        raise AssertionError(f"{name} ended in state {job.state}: {job.error}")
    return job


def connect(stack: Stack, service: str, subject: str, role: Role, timeout: float = 30.0) -> Caller:
    """A connection to one of the stack's services as a user with one role, signed with the services' own
    secret."""
    authority = TokenAuthority(Settings().auth_secret.get_secret_value())
    return Caller(stack.target(service), authority.mint(subject, [role]), timeout=timeout)


# Assessment: a register levied.


def import_register(
    assessor: Caller, count: int, municipality: str = OSLO_MUNICIPALITY
) -> tuple[assessment_pb2.ImportZonesResponse, assessment_pb2.ImportPropertiesResponse]:
    """Imports Oslo's districts as zones and `count` synthetic properties of the municipality, valued for
    YEAR; returns both answers."""
    api = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)
    zones: assessment_pb2.ImportZonesResponse = assessor.call(
        api.ImportZones,
        assessment_pb2.ImportZonesRequest(
            content=OSLO_ZONES.read_bytes(), format=assessment_pb2.IMPORT_FORMAT_GEOJSON
        ),
    )
    imported: assessment_pb2.ImportPropertiesResponse = assessor.call(
        api.ImportProperties,
        assessment_pb2.ImportPropertiesRequest(
            content=register_csv(count, municipality=municipality),
            format=assessment_pb2.IMPORT_FORMAT_CSV,
            housing_value_year=YEAR,
        ),
    )
    return zones, imported


def adopt_and_decide(assessor: Caller, adoption_reference: str) -> assessment_pb2.AdoptValuationsResponse:
    """The valuation committee adopts the proposed valuations and the council's decision for YEAR (Oslo's)
    is set; returns the adoption."""
    api = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)
    adopted: assessment_pb2.AdoptValuationsResponse = assessor.call(
        api.AdoptValuations, assessment_pb2.AdoptValuationsRequest(adoption_reference=adoption_reference)
    )
    assessor.call(
        api.SetTaxYearDecision, assessment_pb2.SetTaxYearDecisionRequest(decision_yaml=OSLO_2024_DECISION)
    )
    return adopted


def run_levy(assessor: Caller, timeout: float, levied_on: str = "") -> assessment_pb2.LevyJob:
    """Levies YEAR and waits until the levy has completed; `levied_on` is its business date (empty: the day
    it runs)."""
    api = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)
    job: assessment_pb2.LevyJob = assessor.call(
        api.StartLevy, assessment_pb2.StartLevyRequest(tax_year=YEAR, levied_on=levied_on)
    ).job
    return until_ended(
        job,
        lambda job: assessor.call(api.GetLevyJob, assessment_pb2.GetLevyJobRequest(job_id=job.job_id)).job,
        assessment_pb2.LEVY_JOB_STATE_RUNNING,
        assessment_pb2.LEVY_JOB_STATE_COMPLETED,
        timeout,
        "the levy",
    )


def tax_list(
    assessor: Caller,
    which: assessment_pb2.TaxList.ValueType,
    document_format: assessment_pb2.DocumentFormat.ValueType,
    timeout: float,
) -> bytes:
    """YEAR's public tax list or exempt list, as CSV or PDF."""
    api = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)
    stream = api.ExportTaxList(
        assessment_pb2.ExportTaxListRequest(tax_year=YEAR, list=which, format=document_format),
        metadata=tuple(assessor.metadata()),
        timeout=timeout,
    )
    return b"".join(chunk.chunk for chunk in stream)


def taxed_properties(public_list_csv: bytes) -> list[dict[str, str]]:
    """The rows of the public tax list (CSV) with a tax to pay, in the list's order."""
    rows = csv.DictReader(io.StringIO(public_list_csv.decode("utf-8")))
    return [row for row in rows if Decimal(row["tax_nok"]) > 0]


def levy_register(assessor: Caller, register: int, municipality: str) -> dict[str, Money]:
    """Imports `register` synthetic properties of the municipality, adopts them and levies YEAR; returns
    each taxed property's annual tax, from the public tax list (the synthetic register's property ids are
    its cadastral ids)."""
    _, imported = import_register(assessor, register, municipality)
    if imported.created != register:
        raise AssertionError(f"{imported.created} of {register} properties imported")
    adopt_and_decide(assessor, "sak 4/2024")
    run_levy(assessor, timeout=60)
    public = tax_list(assessor, assessment_pb2.TAX_LIST_PUBLIC, assessment_pb2.DOCUMENT_FORMAT_CSV, 60)
    return {row["cadastral_id"]: Money.of(Decimal(row["tax_nok"])) for row in taxed_properties(public)}


# Owners: recorded in assessment, invoice recipients in billing.


def person(n: int, name: str) -> assessment_pb2.NewOwner:
    """A sole owner who is a person with the synthetic identity number `n`."""
    return assessment_pb2.NewOwner(
        kind=property_pb2.OWNER_KIND_PERSON,
        identity_number=synthetic_national_id(n),
        name=name,
        share_numerator=1,
        share_denominator=1,
    )


def numbered_owner(n: int) -> assessment_pb2.NewOwner:
    """Sole owner number `n`: every fourth an organisation (invoiced by EHF), the others persons."""
    if n % 4:
        return person(n, f"Eier nr. {n}")
    return assessment_pb2.NewOwner(
        kind=property_pb2.OWNER_KIND_ORGANISATION,
        identity_number=synthetic_organisation_number(n),
        name=f"Eiendom {n} AS",
        share_numerator=1,
        share_denominator=1,
    )


def record_owner(
    assessor: Caller, property_id: str, owner: assessment_pb2.NewOwner, effective_date: str = f"{YEAR}-01-01"
) -> str:
    """Records the owner as the property's sole owner from `effective_date`; returns the owner reference,
    which billing uses as the recipient's account id."""
    api = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)
    recorded = assessor.call(
        api.RecordOwnershipChange,
        assessment_pb2.RecordOwnershipChangeRequest(
            property_id=property_id, effective_date=effective_date, owners=[owner]
        ),
    )
    return str(recorded.owners[0].owner_ref)


# Billing: what it has learnt from the events, its recipients and its runs.


def billing_property(billing: Caller, property_id: str) -> billing_pb2.BillingProperty | None:
    """Billing's record of the property, or None while billing does not know it."""
    api = billing_pb2_grpc.BillingServiceStub(billing.channel)
    request = billing_pb2.GetBillingPropertyRequest(property_id=property_id)
    found: billing_pb2.BillingProperty | None = found_or_none(
        lambda: billing.call(api.GetBillingProperty, request).property
    )
    return found


def wait_for_billing(
    billing: Caller,
    property_id: str,
    until: Callable[[billing_pb2.BillingProperty], bool] = lambda _: True,
    timeout: float = 60.0,
    what: str = "billing to know the property",
) -> billing_pb2.BillingProperty:
    """Billing's record of the property once it knows it and `until` holds of it."""

    def arrived() -> billing_pb2.BillingProperty | None:
        found = billing_property(billing, property_id)
        return found if found is not None and until(found) else None

    return wait_for(arrived, timeout, what, interval=0.05)


def billed_tax(billing: Caller, property_id: str) -> billing_pb2.YearlyPropertyTax | None:
    """Billing's current tax of the property for YEAR, or None while billing does not have it."""
    found = billing_property(billing, property_id)
    if found is None:
        return None
    return next((t for t in found.property_taxes if t.tax_year == YEAR), None)


def knows_account(billing: Caller, account_id: str) -> bool:
    api = billing_pb2_grpc.BillingServiceStub(billing.channel)
    request = billing_pb2.GetAccountRequest(account_id=account_id)
    return found_or_none(lambda: billing.call(api.GetAccount, request)) is not None


def wait_for_accounts(billing: Caller, account_ids: list[str], timeout: float, what: str) -> None:
    """Waits until billing knows every one of the accounts (owners reach it over Kafka as recipients)."""
    unknown = list(account_ids)

    def all_known() -> bool:
        while unknown and knows_account(billing, unknown[-1]):
            unknown.pop()
        return not unknown

    wait(all_known, timeout, what)


def give_postal_address(
    billing: Caller, account_id: str, street: str = "Testveien 1", postcode: str = "0150", city: str = "Oslo"
) -> None:
    """Recipients made from owners have no postal address, and a paper invoice without one is held, not
    issued: a billing officer gives it, as here."""
    api = billing_pb2_grpc.BillingServiceStub(billing.channel)
    billing.call(
        api.UpdateAccount,
        billing_pb2.UpdateAccountRequest(
            account_id=account_id, address_line=street, postcode=postcode, city=city
        ),
    )


def ready_to_invoice(billing: Caller, property_id: str, account_id: str, timeout: float = 30.0) -> None:
    """Waits until billing knows the owner as a recipient, gives the recipient a postal address, and waits
    until billing holds the property in the recipient's name: the owner can be invoiced."""
    wait(lambda: knows_account(billing, account_id), timeout, "billing to know the owner")
    give_postal_address(billing, account_id)
    wait_for_billing(
        billing,
        property_id,
        lambda found: any(h.account_id == account_id for h in found.holders),
        timeout,
        "billing to record the holding",
    )


def run_month(billing: Caller, month: int, issue_date: str, timeout: float) -> billing_pb2.BillingRun:
    """Starts the billing run for the month of YEAR and waits until it has completed."""
    api = billing_pb2_grpc.BillingServiceStub(billing.channel)
    run: billing_pb2.BillingRun = billing.call(
        api.StartBillingRun,
        billing_pb2.StartBillingRunRequest(year=YEAR, month=month, issue_date=issue_date),
    ).run
    return until_ended(
        run,
        lambda run: billing.call(api.GetBillingRun, billing_pb2.GetBillingRunRequest(run_id=run.run_id)).run,
        billing_pb2.BILLING_RUN_STATE_RUNNING,
        billing_pb2.BILLING_RUN_STATE_COMPLETED,
        timeout,
        "the billing run",
    )


# Appeals: the complaint deadline, the committees and a complaint through both of them.


def set_calendar(appeals: Caller, list_announced_on: str) -> None:
    """The day YEAR's tax list was announced, from which (or from the bill, if later) complaints run."""
    api = appeals_pb2_grpc.AppealsServiceStub(appeals.channel)
    appeals.call(
        api.SetTaxYearCalendar,
        appeals_pb2.SetTaxYearCalendarRequest(
            calendar=appeals_pb2.TaxYearCalendar(tax_year=YEAR, list_announced_on=list_announced_on)
        ),
    )


def complaint_deadline(appeals: Caller, property_id: str) -> appeals_pb2.GetComplaintDeadlineResponse | None:
    """The property's complaint deadline for YEAR, or None while appeals has no tax base for it."""
    api = appeals_pb2_grpc.AppealsServiceStub(appeals.channel)
    request = appeals_pb2.GetComplaintDeadlineRequest(property_id=property_id, tax_year=YEAR)
    found: appeals_pb2.GetComplaintDeadlineResponse | None = found_or_none(
        lambda: appeals.call(api.GetComplaintDeadline, request)
    )
    return found


def wait_for_deadline(
    appeals: Caller,
    property_id: str,
    basis: appeals_pb2.DispatchBasis.ValueType | None,
    timeout: float,
    what: str,
) -> appeals_pb2.GetComplaintDeadlineResponse:
    """The property's complaint deadline once appeals knows it, counted from `basis` (None: any)."""

    def known() -> appeals_pb2.GetComplaintDeadlineResponse | None:
        found = complaint_deadline(appeals, property_id)
        return found if found is not None and basis in (None, found.bill_dispatch_basis) else None

    return wait_for(known, timeout, what, interval=0.2)


@dataclass(frozen=True)
class Committee:
    members: list[str]  # the chair first
    meeting: str


def committee_with_meeting(
    appeals: Caller, name: str, kind: appeals_pb2.CommitteeKind.ValueType, meets_on: str
) -> Committee:
    """A committee with a chair and two members, and a meeting on `meets_on`."""
    api = appeals_pb2_grpc.AppealsServiceStub(appeals.channel)
    committee = appeals.call(
        api.CreateCommittee, appeals_pb2.CreateCommitteeRequest(name=name, kind=kind)
    ).committee.committee_id
    members = [
        appeals.call(
            api.AddCommitteeMember,
            appeals_pb2.AddCommitteeMemberRequest(
                committee_id=committee,
                name=member,
                role=role,
                term_start=f"{YEAR}-01-01",
                term_end=f"{YEAR + 3}-12-31",
            ),
        ).member.member_id
        for member, role in (
            ("Kari Leder", appeals_pb2.MEMBER_ROLE_CHAIR),
            ("Per Medlem", appeals_pb2.MEMBER_ROLE_MEMBER),
            ("Anne Medlem", appeals_pb2.MEMBER_ROLE_MEMBER),
        )
    ]
    meeting = appeals.call(
        api.CreateMeeting,
        appeals_pb2.CreateMeetingRequest(committee_id=committee, meets_on=meets_on, location="Rådhuset"),
    ).meeting.meeting_id
    return Committee(members, meeting)


def owners_complaint(
    appeals: Caller,
    property_id: str,
    owner_ref: str,
    name: str,
    address_lines: list[str],
    received_on: str,
    area_ground: str,
) -> appeals_pb2.AppealCase:
    """The owner's complaint by e-mail against YEAR's value of the property, on the ground of its area."""
    api = appeals_pb2_grpc.AppealsServiceStub(appeals.channel)
    case: appeals_pb2.AppealCase = appeals.call(
        api.RegisterAppeal,
        appeals_pb2.RegisterAppealRequest(
            property_id=property_id,
            tax_year=YEAR,
            complainant=appeals_pb2.Complainant(
                kind=appeals_pb2.COMPLAINANT_KIND_OWNER,
                name=name,
                address_lines=address_lines,
                owner_ref=owner_ref,
            ),
            received_on=received_on,
            channel=appeals_pb2.COMPLAINT_CHANNEL_EMAIL,
            grounds=[appeals_pb2.Ground(kind=appeals_pb2.GROUND_KIND_AREA, text=area_ground)],
        ),
    ).case
    return case


@dataclass(frozen=True)
class CaseDates:
    """The business dates of the acts on a case; empty: the day each act is done."""

    prepared_on: str = ""
    first_scheduled_on: str = ""
    forwarded_on: str = ""
    second_scheduled_on: str = ""


def through_both_committees(
    appeals: Caller,
    case_id: str,
    valuation: Committee,
    appeals_committee: Committee,
    new_value: Money,
    building: str,
    dates: CaseDates | None = None,
) -> appeals_pb2.AppealCase:
    """The expert valuation committee does not uphold the complaint; forwarded at the complainant's
    request, the expert appeals committee partly upholds it with `new_value`. `building` names the building
    in the reasons ("Boligen"). Returns the case as the second decision left it."""
    api = appeals_pb2_grpc.AppealsServiceStub(appeals.channel)
    dates = dates or CaseDates()
    appeals.call(
        api.PrepareAppeal,
        appeals_pb2.PrepareAppealRequest(
            case_id=case_id, recommendation="Ikke medhold", prepared_on=dates.prepared_on
        ),
    )
    appeals.call(
        api.ScheduleAppeal,
        appeals_pb2.ScheduleAppealRequest(
            case_id=case_id, meeting_id=valuation.meeting, scheduled_on=dates.first_scheduled_on
        ),
    )
    appeals.call(
        api.DecideAppeal,
        appeals_pb2.DecideAppealRequest(
            case_id=case_id,
            meeting_id=valuation.meeting,
            outcome=appeals_events.APPEAL_OUTCOME_NOT_UPHELD,
            reasons="Arealet er målt riktig.",
            participant_ids=valuation.members[:2],
        ),
    )
    appeals.call(
        api.ForwardAppeal, appeals_pb2.ForwardAppealRequest(case_id=case_id, requested_on=dates.forwarded_on)
    )
    appeals.call(
        api.ScheduleAppeal,
        appeals_pb2.ScheduleAppealRequest(
            case_id=case_id, meeting_id=appeals_committee.meeting, scheduled_on=dates.second_scheduled_on
        ),
    )
    decided: appeals_pb2.AppealCase = appeals.call(
        api.DecideAppeal,
        appeals_pb2.DecideAppealRequest(
            case_id=case_id,
            meeting_id=appeals_committee.meeting,
            outcome=appeals_events.APPEAL_OUTCOME_PARTLY_UPHELD,
            new_value=money_pb2.Money(ore=new_value.ore),
            reasons=f"{building} er mindre enn lagt til grunn.",
            participant_ids=appeals_committee.members[:2],
        ),
    ).case
    return decided


# Collection: the bank's OCR giro file paying invoices, and a reminder run.

COLLECTION_ACCOUNT = "15032080119"  # the municipality's collection account in the scenario's files
NETS_TRANSMITTER = "00008080"  # Nets' data transmitter number, as real OCR giro files carry it


@dataclass(frozen=True)
class BankPayment:
    """One payment as the bank reports it: the KID the payer typed and the amount."""

    kid: str
    amount: Money


def ocr_giro_file(payments: list[BankPayment], paid_on: date, transmission: str = "1000001") -> bytes:
    """The bank's OCR giro file (Nets' 80-character "NY" records, ISO-8859-1) crediting `payments` to the
    collection account on `paid_on`, written as a bank would send it (adapters/ocr_giro_writer.py): one
    assignment, giro payments from a debited account, archive references 1, 2, … and the end records'
    counts and totals."""
    return write_ocr_giro(
        [(payment.kid, payment.amount.ore) for payment in payments],
        paid_on,
        transmission_number=transmission,
        creditor_account=COLLECTION_ACCOUNT,
        payer_account="98765432109",
        data_transmitter=netsgiro.NETS_ID,
        data_recipient=NETS_TRANSMITTER,
        assignment_number=transmission[-7:].rjust(7, "0"),
        form_number="0000000000",
        final_newline=True,
    )


def run_reminders(billing: Caller, run_on: str, timeout: float) -> collection_pb2.ReminderRun:
    """Starts the reminder run of `run_on` and waits until it has completed (letters written)."""
    api = billing_pb2_grpc.BillingServiceStub(billing.channel)
    run: collection_pb2.ReminderRun = billing.call(
        api.StartReminderRun, collection_pb2.StartReminderRunRequest(run_on=run_on)
    ).run
    return until_ended(
        run,
        lambda run: (
            billing.call(api.GetReminderRun, collection_pb2.GetReminderRunRequest(run_id=run.run_id)).run
        ),
        collection_pb2.REMINDER_RUN_STATE_RUNNING,
        collection_pb2.REMINDER_RUN_STATE_COMPLETED,
        timeout,
        "the reminder run",
    )


def avtalegiro_agreements_file(
    agreements: list[tuple[str, bool]], sent_on: date, transmission: str = "2000001", full_list: bool = False
) -> bytes:
    """The bank's AvtaleGiro agreements file of `sent_on` (assignment type 24, written by
    adapters/ocr_giro_writer.py): for each (KID, notify) a new or changed agreement, the payer asking to be
    notified of each claim or not (with `full_list`, the payee's full list of active agreements: one it
    leaves out has ended)."""
    return write_avtalegiro_agreements(
        agreements,
        sent_on,
        full_list=full_list,
        transmission_number=transmission,
        data_transmitter=netsgiro.NETS_ID,
        data_recipient=NETS_TRANSMITTER,
        account=COLLECTION_ACCOUNT,
    )
