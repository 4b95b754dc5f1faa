"""The demo scenario, run against a started stack: what `make demo` shows."""

from __future__ import annotations

import csv
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import grpc

from propertytax.appeals.v1 import appeals_pb2, appeals_pb2_grpc
from propertytax.appeals.v1 import events_pb2 as appeals_events
from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc, property_pb2
from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc, fees_pb2, preview_pb2
from propertytax.platform.v1 import money_pb2
from services.cli.output import counted, day, word
from services.client import Caller
from services.platform.auth import Role, TokenAuthority
from services.platform.grpc_status import field_violations
from services.platform.money import Money
from services.platform.settings import Settings
from services.stack import Stack
from services.synthetic_register import (
    OSLO_2024_DECISION,
    OSLO_ZONES,
    register_csv,
    synthetic_national_id,
    synthetic_organisation_number,
)

REPO = Path(__file__).resolve().parents[1]
DEMO_PROPERTIES = [
    ("0301-208/1/0/0", "Karl Johans gate 22, 0159 Oslo", property_pb2.PROPERTY_CATEGORY_HOUSING, 1),
    ("0301-73/146/0/0", "Thorvald Meyers gate 40, 0555 Oslo", property_pb2.PROPERTY_CATEGORY_HOUSING, 6),
    ("0301-209/88/0/0", "Storgata 1, 0155 Oslo", property_pb2.PROPERTY_CATEGORY_COMMERCIAL, 0),
]


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def wait_for_billing(billing: Caller, property_id: str, timeout: float = 60.0) -> billing_pb2.BillingProperty:
    stub = billing_pb2_grpc.BillingServiceStub(billing.channel)
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = billing.call(
                stub.GetBillingProperty, billing_pb2.GetBillingPropertyRequest(property_id=property_id)
            )
            record: billing_pb2.BillingProperty = response.property
            return record
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.NOT_FOUND or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def run_demo(stack: Stack) -> int:
    authority = TokenAuthority(Settings().auth_secret.get_secret_value())
    assessor = Caller(stack.target("assessment"), authority.mint("demo-assessor", [Role.ASSESSOR]))
    billing = Caller(stack.target("billing"), authority.mint("demo-billing", [Role.BILLING_OFFICER]))
    assessment_stub = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)
    _say("\n== Demo: properties registered in assessment reach billing over Kafka ==")
    for cadastral_id, address, category, units in DEMO_PROPERTIES:
        started = time.monotonic()
        registered = assessor.call(
            assessment_stub.RegisterProperty,
            assessment_pb2.RegisterPropertyRequest(
                facts=assessment_pb2.PropertyFacts(
                    cadastral_id=cadastral_id, address=address, category=category, dwelling_units=units
                )
            ),
        ).property
        record = wait_for_billing(billing, registered.property_id)
        elapsed_ms = (time.monotonic() - started) * 1000
        _say(
            f"  {registered.cadastral_id:<16} {registered.address:<38} → billing record "
            f"({word(record.category, 'PROPERTY_CATEGORY_')}, "
            f"{counted(record.dwelling_units, 'unit', 'units')}) after {elapsed_ms:.0f} ms, "
            f"from event {record.source_event_id}"
        )
    try:
        assessor.call(
            assessment_stub.RegisterProperty,
            assessment_pb2.RegisterPropertyRequest(
                facts=assessment_pb2.PropertyFacts(cadastral_id="Oslo 208/1", address="")
            ),
        )
        _say("  ERROR: bad input was accepted")
        return 1
    except grpc.RpcError as exc:
        violations = field_violations(exc)
        _say(
            f"  bad input refused with {exc.code().name}: "
            + "; ".join(f"{field}: {text}" for field, text in sorted(violations.items()))
        )
    levied = run_levy_demo(stack, assessor, billing)
    complainant = run_billing_demo(stack, assessor, billing)
    secretariat = Caller(stack.target("appeals"), authority.mint("demo-secretariat", [Role.SECRETARIAT]))
    run_appeals_demo(stack, secretariat, billing, complainant)
    secretariat.close()
    assessor.close()
    billing.close()
    _say(
        f"== Summary: {len(DEMO_PROPERTIES)} properties registered and {levied} levied in assessment; "
        f"all reached billing over Kafka ({stack.kafka_bootstrap}); services stop now and the demo "
        "exits 0 (1 if a step failed) ==\n"
    )
    return 0


def run_levy_demo(stack: Stack, assessor: Caller, billing: Caller, count: int = 2000) -> int:
    """Zones, a register, adoption, a decision, a simulation, the levy, and billing receiving it."""
    api = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)
    _say("\n== Demo: the annual levy for 2024 ==")
    zones = assessor.call(
        api.ImportZones,
        assessment_pb2.ImportZonesRequest(
            content=OSLO_ZONES.read_bytes(), format=assessment_pb2.IMPORT_FORMAT_GEOJSON
        ),
    )
    imported = assessor.call(
        api.ImportProperties,
        assessment_pb2.ImportPropertiesRequest(
            content=register_csv(count), format=assessment_pb2.IMPORT_FORMAT_CSV, housing_value_year=2024
        ),
    )
    _say(
        f"  imported {zones.zones} zones (Oslo's districts) and {imported.created} properties "
        f"({imported.valuations_proposed} valuations proposed)"
    )
    adopted = assessor.call(
        api.AdoptValuations, assessment_pb2.AdoptValuationsRequest(adoption_reference="sak 1/2024")
    )
    _say(f"  the valuation committee adopted {adopted.adopted} valuations")
    assessor.call(
        api.SetTaxYearDecision, assessment_pb2.SetTaxYearDecisionRequest(decision_yaml=OSLO_2024_DECISION)
    )
    trial = OSLO_2024_DECISION.replace("housing: 2.8", "housing: 2.5", 1)
    simulated = assessor.call(api.SimulateTaxYear, assessment_pb2.SimulateTaxYearRequest(decision_yaml=trial))
    _say(
        f"  simulation, housing at 2.5 ‰ instead of 2.8 ‰: {Money(simulated.total_revenue.ore).kroner()} "
        f"against {Money(simulated.current_total_revenue.ore).kroner()} today (nothing changed)"
    )
    # The levy's business date: its bills are dated in 2024 whenever the demo runs.
    job = assessor.call(
        api.StartLevy, assessment_pb2.StartLevyRequest(tax_year=2024, levied_on="2024-02-20")
    ).job
    while job.state == assessment_pb2.LEVY_JOB_STATE_RUNNING:
        time.sleep(0.2)
        job = assessor.call(api.GetLevyJob, assessment_pb2.GetLevyJobRequest(job_id=job.job_id)).job
    if job.state != assessment_pb2.LEVY_JOB_STATE_COMPLETED:
        raise SystemExit(f"the levy ended in state {job.state}: {job.error}")
    _say(
        f"  levy 2024: {job.processed} properties, {job.taxed} taxed, {job.exempt} exempt, "
        f"{job.not_valued} not valued (need a valuation), "
        f"total {Money(job.total_tax.ore).kroner()}"
    )
    out = stack.var_dir / "output"
    out.mkdir(parents=True, exist_ok=True)
    for name, which, fmt in (
        ("skatteliste-2024.csv", assessment_pb2.TAX_LIST_PUBLIC, assessment_pb2.DOCUMENT_FORMAT_CSV),
        ("skatteliste-2024.pdf", assessment_pb2.TAX_LIST_PUBLIC, assessment_pb2.DOCUMENT_FORMAT_PDF),
        ("fritatte-2024.pdf", assessment_pb2.TAX_LIST_EXEMPT, assessment_pb2.DOCUMENT_FORMAT_PDF),
    ):
        stream = api.ExportTaxList(
            assessment_pb2.ExportTaxListRequest(tax_year=2024, list=which, format=fmt),
            metadata=tuple(assessor.metadata()),
            timeout=120,
        )
        (out / name).write_bytes(b"".join(chunk.chunk for chunk in stream))
    _say(f"  tax list and exempt list written to {out}")
    with (out / "skatteliste-2024.csv").open(encoding="utf-8") as handle:
        # The public list names properties by cadastral id only; the synthetic register's property ids are
        # their cadastral ids.
        example = next(r["cadastral_id"] for r in csv.DictReader(handle) if Decimal(r["tax_nok"]) > 0)
    deadline = time.monotonic() + 120
    taxes: list[billing_pb2.YearlyPropertyTax] = []
    while not taxes and time.monotonic() < deadline:
        taxes = [t for t in wait_for_billing(billing, example).property_taxes if t.tax_year == 2024]
        time.sleep(0.2)
    if not taxes:
        raise SystemExit("billing did not receive the 2024 tax base")
    _say(
        f"  billing received {example}'s 2024 tax base over Kafka: {Money(taxes[0].annual_tax.ore).kroner()}"
        f" a year, in {taxes[0].terms} terms"
    )
    return int(job.processed)


@dataclass(frozen=True)
class Complainant:
    """A person who owns a dwelling invoiced in April, as the complaint's demo needs them."""

    property_id: str
    owner_ref: str
    name: str
    address_lines: tuple[str, str]
    category: property_pb2.PropertyCategory.ValueType  # the complaint's ground and reasons name the building


# What the complaint says about the area and what the committee's reasons say, by the property's category:
# a holiday home is not "Boligen", a commercial building not a home.
BUILDING_WORD = {
    property_pb2.PROPERTY_CATEGORY_HOUSING: "Boligen",
    property_pb2.PROPERTY_CATEGORY_HOLIDAY_HOME: "Fritidsboligen",
    property_pb2.PROPERTY_CATEGORY_COMMERCIAL: "Næringsbygget",
}


def run_billing_demo(stack: Stack, assessor: Caller, billing: Caller, owners: int = 60) -> Complainant:
    """Owners for some properties, then the April billing run: invoices, EHF, PDF and the journal; a sale
    in May settled by a credit note. Returns a person who owns a dwelling invoiced in April."""
    from propertytax.assessment.v1 import property_pb2 as p

    api = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)
    stub = billing_pb2_grpc.BillingServiceStub(billing.channel)
    _say("\n== Demo: a billing run for April 2024 ==")
    with (stack.var_dir / "output" / "skatteliste-2024.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if Decimal(r["tax_nok"]) > 0][:owners]
    taxed = [r["cadastral_id"] for r in rows]  # the synthetic register's property ids
    # Owners come without a postal address, and a paper invoice without one is held: the persons live
    # at their property (a synthetic postcode), as the billing officer records with `account update`.
    postal = {
        n: (r["address"].split(",")[0], f"{150 + 7 * n:04d}", "Oslo") for n, r in enumerate(rows) if n % 4
    }
    refs = []
    for n, property_id in enumerate(taxed):
        organisation = n % 4 == 0
        owner = assessment_pb2.NewOwner(
            kind=p.OWNER_KIND_ORGANISATION if organisation else p.OWNER_KIND_PERSON,
            identity_number=synthetic_organisation_number(n) if organisation else synthetic_national_id(n),
            name=f"Eiendom {n} AS" if organisation else f"Eier nr. {n}",
            share_numerator=1,
            share_denominator=1,
        )
        recorded = assessor.call(
            api.RecordOwnershipChange,
            assessment_pb2.RecordOwnershipChangeRequest(
                property_id=property_id, effective_date="2024-01-01", owners=[owner]
            ),
        )
        refs.append(recorded.owners[0].owner_ref)
    _say(f"  {len(taxed)} properties got owners (every fourth an organisation, invoiced by EHF)")
    deadline = time.monotonic() + 60
    waiting = list(refs)
    while waiting:  # the owners reach billing over Kafka as invoice recipients
        try:
            billing.call(stub.GetAccount, billing_pb2.GetAccountRequest(account_id=waiting[-1]))
            waiting.pop()
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.NOT_FOUND or time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    for n, (street, postcode, city) in postal.items():
        billing.call(
            stub.UpdateAccount,
            billing_pb2.UpdateAccountRequest(
                account_id=refs[n], address_line=street, postcode=postcode, city=city
            ),
        )
    _say(f"  {len(postal)} persons' postal addresses recorded (paper invoices need one, else they are held)")
    schedule = (REPO / "data" / "fee_schedules" / "oslo-2024.yaml").read_text(encoding="utf-8")
    billing.call(stub.PutFeeSchedule, fees_pb2.PutFeeScheduleRequest(document=schedule))
    for property_id in taxed[:10]:
        billing.call(
            stub.SetFeeFacts,
            fees_pb2.SetFeeFactsRequest(property_id=property_id, facts=fees_pb2.FeeFacts(chimneys=1)),
        )
    _say("  fee schedule 2024 stored (water, sewage, waste, chimney sweeping); 10 properties have a chimney")
    preview = billing.call(stub.PreviewBillingRun, preview_pb2.PreviewBillingRunRequest(year=2024, month=4))
    _say(
        f"  preview of April: {preview.due_accounts} recipients due, {preview.term.invoices} invoices, "
        f"total {Money(preview.term.total.ore).kroner()} incl. {Money(preview.term.vat.ore).kroner()} VAT, "
        f"{len(preview.held)} to be held"
    )
    for charge in preview.term.charges:
        _say(f"    {word(charge.code):<20} {Money(charge.net.ore).kroner():>16}")
    run = _run_month(billing, stub, 4, "2024-04-05")
    documents = stack.var_dir / "invoices"
    ehf = len(list(documents.rglob("*.xml")))
    pdf = len(list(documents.rglob("*.pdf")))
    _say(
        f"  billing run 2024-04: {run.invoices} invoices, total {Money(run.total.ore).kroner()}, "
        f"{run.below_minimum} under the minimum"
    )
    _say(f"  {ehf} EHF invoices and {pdf} PDF invoices in {documents}; {run.held} held (undeliverable)")
    _say(f"  invoice journal: {run.journal_path}")

    sold, buyer = taxed[1], synthetic_national_id(owners + 1)
    bought = assessor.call(
        api.RecordOwnershipChange,
        assessment_pb2.RecordOwnershipChangeRequest(
            property_id=sold,
            effective_date="2024-05-15",
            owners=[
                assessment_pb2.NewOwner(
                    kind=p.OWNER_KIND_PERSON,
                    identity_number=buyer,
                    name="Ny Eier",
                    share_numerator=1,
                    share_denominator=1,
                )
            ],
        ),
    )
    _say(f"  {sold} was sold on 15 May 2024; its seller had been invoiced for April–June")
    deadline = time.monotonic() + 60
    while not any(h.valid_from == "2024-05-15" for h in wait_for_billing(billing, sold).holders):
        if time.monotonic() > deadline:
            raise SystemExit("the sale did not reach billing")
        time.sleep(0.2)
    # The buyer moves in: with a postal address the May run invoices him from the day he took over.
    billing.call(
        stub.UpdateAccount,
        billing_pb2.UpdateAccountRequest(
            account_id=bought.owners[0].owner_ref,
            address_line=rows[1]["address"].split(",")[0],
            postcode="0150",
            city="Oslo",
        ),
    )
    may = _run_month(billing, stub, 5, "2024-05-20")
    _say(
        f"  billing run 2024-05: credit notes for the seller: {may.credit_notes}, invoices for the buyer "
        f"from 15 May: {may.invoices}, held: {may.held}; "
        f"journal {may.journal_path}"
    )
    # The complainant: a person who owns a dwelling (a housing property, which has the basic deduction)
    # and was invoiced in April at their own postal address.
    n = next(n for n, r in enumerate(rows) if n in postal and n != 1 and Decimal(r["deduction_nok"]) > 0)
    street, postcode, city = postal[n]
    category = assessor.call(
        api.GetProperty, assessment_pb2.GetPropertyRequest(property_id=taxed[n])
    ).property.category
    return Complainant(taxed[n], refs[n], f"Eier nr. {n}", (street, f"{postcode} {city}"), category)


def _run_month(billing: Caller, stub: billing_pb2_grpc.BillingServiceStub, month: int, issued: str) -> Any:
    run = billing.call(
        stub.StartBillingRun, billing_pb2.StartBillingRunRequest(year=2024, month=month, issue_date=issued)
    ).run
    while run.state == billing_pb2.BILLING_RUN_STATE_RUNNING:
        time.sleep(0.2)
        run = billing.call(stub.GetBillingRun, billing_pb2.GetBillingRunRequest(run_id=run.run_id)).run
    if run.state != billing_pb2.BILLING_RUN_STATE_COMPLETED:
        raise SystemExit(f"the billing run ended in state {run.state}: {run.error}")
    return run


def _committee(appeals: Caller, name: str, kind: Any, meets_on: str) -> tuple[list[str], str]:
    """A committee with a chair and two members, and a meeting; returns (members, meeting)."""
    api = appeals_pb2_grpc.AppealsServiceStub(appeals.channel)
    committee = appeals.call(api.CreateCommittee, appeals_pb2.CreateCommitteeRequest(name=name, kind=kind))
    members = [
        appeals.call(
            api.AddCommitteeMember,
            appeals_pb2.AddCommitteeMemberRequest(
                committee_id=committee.committee.committee_id,
                name=person,
                role=role,
                term_start="2024-01-01",
                term_end="2027-12-31",
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
            committee_id=committee.committee.committee_id, meets_on=meets_on, location="Rådhuset"
        ),
    ).meeting.meeting_id
    return members, meeting


def run_appeals_demo(stack: Stack, appeals: Caller, billing: Caller, complainant: Complainant) -> None:
    """A complaint against a property invoiced in April, through both committees to a lower value, and
    the credit note billing's June run issues for it."""
    api = appeals_pb2_grpc.AppealsServiceStub(appeals.channel)
    stub = billing_pb2_grpc.BillingServiceStub(billing.channel)
    _say("\n== Demo: a complaint through both committees changes a bill ==")
    property_id, owner = complainant.property_id, complainant.owner_ref
    building = BUILDING_WORD.get(complainant.category, "Bygningen")
    appeals.call(
        api.SetTaxYearCalendar,
        appeals_pb2.SetTaxYearCalendarRequest(
            calendar=appeals_pb2.TaxYearCalendar(tax_year=2024, list_announced_on="2024-02-26")
        ),
    )
    deadline = time.monotonic() + 60
    # Appeals learns of the tax base from assessment, and of the bill's date from billing's April invoice.
    while True:
        try:
            known = appeals.call(
                api.GetComplaintDeadline,
                appeals_pb2.GetComplaintDeadlineRequest(property_id=property_id, tax_year=2024),
            )
            if known.bill_dispatch_basis == appeals_pb2.DISPATCH_BASIS_FIRST_INVOICE:
                break
            if time.monotonic() > deadline:
                raise SystemExit("appeals did not learn of the April invoice from billing's events")
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.NOT_FOUND or time.monotonic() > deadline:
                raise
        time.sleep(0.2)
    # Every act of the case on its own 2024 date (issue 10, case 6): the story of the year, not the day
    # the demo runs.
    valuation_members, valuation_meeting = _committee(
        appeals, "Sakkyndig nemnd", appeals_pb2.COMMITTEE_KIND_VALUATION, "2024-05-15"
    )
    appeals_members, appeals_meeting = _committee(
        appeals, "Sakkyndig klagenemnd", appeals_pb2.COMMITTEE_KIND_APPEALS, "2024-05-30"
    )
    case = appeals.call(
        api.RegisterAppeal,
        appeals_pb2.RegisterAppealRequest(
            property_id=property_id,
            tax_year=2024,
            complainant=appeals_pb2.Complainant(
                kind=appeals_pb2.COMPLAINANT_KIND_OWNER,
                name=complainant.name,
                address_lines=list(complainant.address_lines),
                owner_ref=owner,
            ),
            received_on="2024-04-22",
            channel=appeals_pb2.COMPLAINT_CHANNEL_EMAIL,
            grounds=[
                appeals_pb2.Ground(
                    kind=appeals_pb2.GROUND_KIND_AREA, text=f"{building} har 20 m² mindre BRA enn antatt"
                )
            ],
        ),
    ).case
    value = Money(known.value.ore)
    _say(
        f"  complaint {case.case_number} against {property_id} (value {value.kroner()}), "
        f"deadline {day(known.deadline)} (six weeks from the April invoice, "
        f"{day(known.bill_dispatched_on)}): in time"
    )
    case_id = case.case_id
    appeals.call(
        api.PrepareAppeal,
        appeals_pb2.PrepareAppealRequest(
            case_id=case_id, recommendation="Ikke medhold", prepared_on="2024-05-02"
        ),
    )
    appeals.call(
        api.ScheduleAppeal,
        appeals_pb2.ScheduleAppealRequest(
            case_id=case_id, meeting_id=valuation_meeting, scheduled_on="2024-05-03"
        ),
    )
    appeals.call(
        api.DecideAppeal,
        appeals_pb2.DecideAppealRequest(
            case_id=case_id,
            meeting_id=valuation_meeting,
            outcome=appeals_events.APPEAL_OUTCOME_NOT_UPHELD,
            reasons="Arealet er målt riktig.",
            participant_ids=valuation_members[:2],
        ),
    )
    _say("  the expert valuation committee: not upheld; the owner asks for the expert appeals committee")
    appeals.call(
        api.ForwardAppeal, appeals_pb2.ForwardAppealRequest(case_id=case_id, requested_on="2024-05-21")
    )
    appeals.call(
        api.ScheduleAppeal,
        appeals_pb2.ScheduleAppealRequest(
            case_id=case_id, meeting_id=appeals_meeting, scheduled_on="2024-05-22"
        ),
    )
    lowered = Money(value.ore * 4 // 5)
    appeals.call(
        api.DecideAppeal,
        appeals_pb2.DecideAppealRequest(
            case_id=case_id,
            meeting_id=appeals_meeting,
            outcome=appeals_events.APPEAL_OUTCOME_PARTLY_UPHELD,
            new_value=money_pb2.Money(ore=lowered.ore),
            reasons=f"{building} er mindre enn lagt til grunn.",
            participant_ids=appeals_members[:2],
        ),
    )
    _say(f"  the expert appeals committee: partly upheld, the value lowered to {lowered.kroner()}")
    output = stack.var_dir / "output"
    letter = appeals.call(
        api.GetAppealLetter,
        appeals_pb2.GetAppealLetterRequest(case_id=case_id, kind=appeals_pb2.LETTER_KIND_DECISION),
    )
    (output / "klage-vedtak.pdf").write_bytes(letter.content)
    minutes = appeals.call(
        api.GetMeetingDocument,
        appeals_pb2.GetMeetingDocumentRequest(
            meeting_id=appeals_meeting, kind=appeals_pb2.MEETING_DOCUMENT_KIND_MINUTES
        ),
    )
    (output / "klagenemnd-protokoll.pdf").write_bytes(minutes.content)
    _say(f"  decision letter and the appeals committee's minutes written to {output}")
    deadline = time.monotonic() + 60
    while not any(
        t.tax_year == 2024 and t.version == 2 for t in wait_for_billing(billing, property_id).property_taxes
    ):
        if time.monotonic() > deadline:
            raise SystemExit("the corrected tax base did not reach billing")
        time.sleep(0.2)
    june = _run_month(billing, stub, 6, "2024-06-05")
    notes = billing.call(
        stub.FindInvoices, billing_pb2.FindInvoicesRequest(account_id=owner, kind="credit_note")
    ).invoices
    for note in notes:
        _say(
            f"  assessment corrected the tax base; billing's June run credited the owner "
            f"{Money(-note.total.ore).kroner()} on credit note {note.invoice_number} "
            f"(correcting invoice {note.corrects_invoice_number}); journal {june.journal_path}"
        )
