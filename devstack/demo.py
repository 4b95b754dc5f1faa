"""The demo scenario, run against a started stack: what `make demo` shows."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import grpc

from devstack.inspection_demo import (
    ASKING_OWNERS,
    REQUESTED_DAY,
    REQUESTED_HOURS,
    WEEK,
    km,
    plan_a_week,
)
from devstack.scenario import (
    BankPayment,
    CaseDates,
    adopt_and_decide,
    committee_with_meeting,
    connect,
    give_postal_address,
    import_register,
    numbered_owner,
    ocr_giro_file,
    owners_complaint,
    person,
    record_owner,
    run_levy,
    run_month,
    run_reminders,
    set_calendar,
    tax_list,
    taxed_properties,
    through_both_committees,
    wait_for_accounts,
    wait_for_billing,
    wait_for_deadline,
)
from devstack.stack import Stack
from devstack.synthetic_register import OSLO_2024_DECISION
from propertytax.appeals.v1 import appeals_pb2, appeals_pb2_grpc
from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc, property_pb2
from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc, collection_pb2, fees_pb2, preview_pb2
from services.cli.output import counted, day, number, word
from services.client import Caller
from services.platform.auth import Role
from services.platform.grpc_status import field_violations
from services.platform.money import Money

REPO = Path(__file__).resolve().parents[1]
DEMO_PROPERTIES = [
    ("0301-208/1/0/0", "Karl Johans gate 22, 0159 Oslo", property_pb2.PROPERTY_CATEGORY_HOUSING, 1),
    ("0301-73/146/0/0", "Thorvald Meyers gate 40, 0555 Oslo", property_pb2.PROPERTY_CATEGORY_HOUSING, 6),
    ("0301-209/88/0/0", "Storgata 1, 0155 Oslo", property_pb2.PROPERTY_CATEGORY_COMMERCIAL, 0),
]


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


@contextmanager
def _exits_on_timeout(message: str) -> Iterator[None]:
    """What did not come in time ends the demo with `message` (exit status 1), as a failed job does."""
    try:
        yield
    except TimeoutError:
        raise SystemExit(message) from None


def run_demo(stack: Stack) -> int:
    try:
        return _run_demo(stack)
    except AssertionError as failed:  # a levy or billing run that did not complete: its state and error
        raise SystemExit(str(failed)) from None


def _run_demo(stack: Stack) -> int:
    assessor = connect(stack, "assessment", "demo-assessor", Role.ASSESSOR)
    billing = connect(stack, "billing", "demo-billing", Role.BILLING_OFFICER)
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
    secretariat = connect(stack, "appeals", "demo-secretariat", Role.SECRETARIAT)
    run_appeals_demo(stack, secretariat, billing, complainant)
    run_collection_demo(stack, billing)
    run_inspections_demo(stack, assessor)
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
    zones, imported = import_register(assessor, count)
    _say(
        f"  imported {zones.zones} zones (Oslo's districts) and {imported.created} properties "
        f"({imported.valuations_proposed} valuations proposed)"
    )
    adopted = adopt_and_decide(assessor, "sak 1/2024")
    _say(f"  the valuation committee adopted {adopted.adopted} valuations")
    trial = OSLO_2024_DECISION.replace("housing: 2.8", "housing: 2.5", 1)
    simulated = assessor.call(api.SimulateTaxYear, assessment_pb2.SimulateTaxYearRequest(decision_yaml=trial))
    _say(
        f"  simulation, housing at 2.5 ‰ instead of 2.8 ‰: {Money(simulated.total_revenue.ore).kroner()} "
        f"against {Money(simulated.current_total_revenue.ore).kroner()} today (nothing changed)"
    )
    # The levy's business date: its bills are dated in 2024 whenever the demo runs. The demo waits for as
    # long as the levy takes.
    job = run_levy(assessor, timeout=math.inf, levied_on="2024-02-20")
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
        (out / name).write_bytes(tax_list(assessor, which, fmt, timeout=120))
    _say(f"  tax list and exempt list written to {out}")
    # The public list names properties by cadastral id only; the synthetic register's property ids are
    # their cadastral ids.
    example = taxed_properties((out / "skatteliste-2024.csv").read_bytes())[0]["cadastral_id"]
    with _exits_on_timeout("billing did not receive the 2024 tax base"):
        record = wait_for_billing(
            billing, example, lambda p: any(t.tax_year == 2024 for t in p.property_taxes), timeout=120
        )
    taxes = [t for t in record.property_taxes if t.tax_year == 2024]
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
    api = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)
    stub = billing_pb2_grpc.BillingServiceStub(billing.channel)
    _say("\n== Demo: a billing run for April 2024 ==")
    rows = taxed_properties((stack.var_dir / "output" / "skatteliste-2024.csv").read_bytes())[:owners]
    taxed = [r["cadastral_id"] for r in rows]  # the synthetic register's property ids
    # Owners come without a postal address, and a paper invoice without one is held: the persons live
    # at their property (a synthetic postcode), as the billing officer records with `account update`.
    postal = {
        n: (r["address"].split(",")[0], f"{150 + 7 * n:04d}", "Oslo") for n, r in enumerate(rows) if n % 4
    }
    refs = [
        record_owner(assessor, property_id, numbered_owner(n), "2024-01-01")
        for n, property_id in enumerate(taxed)
    ]
    _say(f"  {len(taxed)} properties got owners (every fourth an organisation, invoiced by EHF)")
    # The owners reach billing over Kafka as invoice recipients.
    wait_for_accounts(billing, refs, 60, "billing to know every owner")
    for n, (street, postcode, city) in postal.items():
        give_postal_address(billing, refs[n], street, postcode, city)
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
    run = run_month(billing, 4, "2024-04-05", timeout=math.inf)
    documents = stack.var_dir / "invoices"
    ehf = len(list(documents.rglob("*.xml")))
    pdf = len(list(documents.rglob("*.pdf")))
    _say(
        f"  billing run 2024-04: {run.invoices} invoices, total {Money(run.total.ore).kroner()}, "
        f"{run.below_minimum} under the minimum"
    )
    _say(f"  {ehf} EHF invoices and {pdf} PDF invoices in {documents}; {run.held} held (undeliverable)")
    _say(f"  invoice journal: {run.journal_path}")

    sold = taxed[1]
    buyer = record_owner(assessor, sold, person(owners + 1, "Ny Eier"), "2024-05-15")
    _say(f"  {sold} was sold on 15 May 2024; its seller had been invoiced for April–June")
    with _exits_on_timeout("the sale did not reach billing"):
        wait_for_billing(billing, sold, lambda p: any(h.valid_from == "2024-05-15" for h in p.holders))
    # The buyer moves in: with a postal address the May run invoices him from the day he took over.
    give_postal_address(billing, buyer, rows[1]["address"].split(",")[0], "0150", "Oslo")
    may = run_month(billing, 5, "2024-05-20", timeout=math.inf)
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


def run_appeals_demo(stack: Stack, appeals: Caller, billing: Caller, complainant: Complainant) -> None:
    """A complaint against a property invoiced in April, through both committees to a lower value, and
    the credit note billing's June run issues for it."""
    api = appeals_pb2_grpc.AppealsServiceStub(appeals.channel)
    stub = billing_pb2_grpc.BillingServiceStub(billing.channel)
    _say("\n== Demo: a complaint through both committees changes a bill ==")
    property_id, owner = complainant.property_id, complainant.owner_ref
    building = BUILDING_WORD.get(complainant.category, "Bygningen")
    set_calendar(appeals, "2024-02-26")
    # Appeals learns of the tax base from assessment, and of the bill's date from billing's April invoice.
    with _exits_on_timeout("appeals did not learn of the April invoice from billing's events"):
        known = wait_for_deadline(
            appeals, property_id, appeals_pb2.DISPATCH_BASIS_FIRST_INVOICE, 60, "the April invoice"
        )
    # Every act of the case on its own 2024 date (issue 10, case 6): the story of the year, not the day
    # the demo runs.
    valuation = committee_with_meeting(
        appeals, "Sakkyndig nemnd", appeals_pb2.COMMITTEE_KIND_VALUATION, "2024-05-15"
    )
    appeals_committee = committee_with_meeting(
        appeals, "Sakkyndig klagenemnd", appeals_pb2.COMMITTEE_KIND_APPEALS, "2024-05-30"
    )
    case = owners_complaint(
        appeals,
        property_id,
        owner,
        complainant.name,
        list(complainant.address_lines),
        "2024-04-22",
        f"{building} har 20 m² mindre BRA enn antatt",
    )
    value = Money(known.value.ore)
    _say(
        f"  complaint {case.case_number} against {property_id} (value {value.kroner()}), "
        f"deadline {day(known.deadline)} (six weeks from the April invoice, "
        f"{day(known.bill_dispatched_on)}): in time"
    )
    case_id = case.case_id
    lowered = Money(value.ore * 4 // 5)
    dates = CaseDates(
        prepared_on="2024-05-02",
        first_scheduled_on="2024-05-03",
        forwarded_on="2024-05-21",
        second_scheduled_on="2024-05-22",
    )
    through_both_committees(appeals, case_id, valuation, appeals_committee, lowered, building, dates)
    _say("  the expert valuation committee: not upheld; the owner asks for the expert appeals committee")
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
            meeting_id=appeals_committee.meeting, kind=appeals_pb2.MEETING_DOCUMENT_KIND_MINUTES
        ),
    )
    (output / "klagenemnd-protokoll.pdf").write_bytes(minutes.content)
    _say(f"  decision letter and the appeals committee's minutes written to {output}")
    with _exits_on_timeout("the corrected tax base did not reach billing"):
        wait_for_billing(
            billing,
            property_id,
            lambda p: any(t.tax_year == 2024 and t.version == 2 for t in p.property_taxes),
        )
    june = run_month(billing, 6, "2024-06-05", timeout=math.inf)
    notes = billing.call(
        stub.FindInvoices, billing_pb2.FindInvoicesRequest(account_id=owner, kind="credit_note")
    ).invoices
    for note in notes:
        _say(
            f"  assessment corrected the tax base; billing's June run credited the owner "
            f"{Money(-note.total.ore).kroner()} on credit note {note.invoice_number} "
            f"(correcting invoice {note.corrects_invoice_number}); journal {june.journal_path}"
        )


PAID_ON = date(2024, 5, 2)  # the bank's date of the demo's payment file
REMINDED_ON = "2024-06-20"  # after the April invoices' due date and the 14 days' grace


def run_collection_demo(stack: Stack, billing: Caller) -> None:
    """The bank's OCR giro file for the April invoices (most paid in full, some in part, one twice, some
    not at all, and one payment with a KID nobody has), imported twice, and a reminder run whose letters
    are left under the billing service's var folder."""
    stub = billing_pb2_grpc.BillingServiceStub(billing.channel)
    _say("\n== Demo: payments from the bank and reminders ==")
    request = billing_pb2.FindInvoicesRequest(
        kind="invoice", issued_from="2024-04-05", issued_to="2024-04-05", page_size=1000
    )
    april: list[billing_pb2.InvoiceSummary] = []
    while True:
        page = billing.call(stub.FindInvoices, request)
        april.extend(page.invoices)
        if not page.next_page_token:
            break
        request.page_token = page.next_page_token
    payments: list[BankPayment] = []
    for n, invoice in enumerate(april):
        total = Money(invoice.total.ore)
        paid = Money(total.ore // 2) if n % 7 == 3 else total
        if n % 5 == 4 or paid.ore <= 0:
            continue  # not paid: reminded
        payments.append(BankPayment(invoice.kid, paid))
    payments.append(BankPayment(april[0].kid, Money(april[0].total.ore)))  # paid twice: a credit
    payments.append(BankPayment("99999999999999999", Money.of("1500.00")))  # a KID no invoice has
    out = stack.var_dir / "output"
    out.mkdir(parents=True, exist_ok=True)
    bank_file = out / f"ocr-{PAID_ON.isoformat()}.txt"
    bank_file.write_bytes(ocr_giro_file(payments, PAID_ON))
    imported = billing.call(
        stub.ImportPayments,
        collection_pb2.ImportPaymentsRequest(content=bank_file.read_bytes(), file_name=bank_file.name),
    )
    _say(
        f"  OCR giro file {bank_file.name}: {imported.payments} payments, "
        f"{Money(imported.total.ore).kroner()}; "
        f"{imported.fully_paid} invoices paid in full, {imported.partly_paid} in part, "
        f"{imported.overpaid} overpaid (a credit), {imported.unmatched} unknown KID in the unmatched queue"
    )
    again = billing.call(
        stub.ImportPayments,
        collection_pb2.ImportPaymentsRequest(content=bank_file.read_bytes(), file_name=bank_file.name),
    )
    if not again.already_imported:
        raise AssertionError(f"the same payment file {bank_file.name} was imported twice")
    _say("  the same file imported again: recognised by its content, nothing changed")
    run = run_reminders(billing, REMINDED_ON, timeout=math.inf)
    letters = sorted(Path(run.letters_folder).glob("*.pdf"))
    _say(
        f"  reminder run {day(run.run_on)}: {run.reminders} reminders, fees "
        f"{Money(run.fees.ore).kroner()}, interest {Money(run.interest.ore).kroner()}; "
        f"{len(letters)} letters in {run.letters_folder}"
    )


def run_inspections_demo(stack: Stack, assessor: Caller, owners: int = 60) -> None:
    """A week of inspections in September for the sample assessors: the history imported, owners who
    asked told, route sheets, the map and the notices written (devstack/inspection_demo.py)."""
    _say("\n== Demo: a week of inspections ==")
    # The owners run_billing_demo recorded: the asking owners are given homes of their own.
    owned = {
        r["cadastral_id"]
        for r in taxed_properties((stack.var_dir / "output" / "skatteliste-2024.csv").read_bytes())[:owners]
    }
    week = plan_a_week(assessor, stack.var_dir / "inspections", owned, owners_from=owners + 2)
    _say(
        f"  inspection history imported: {week.history.inspections} past inspections, "
        f"{week.history.changes} registered changes; {len(ASKING_OWNERS)} owners asked to be told "
        f"(one for {day(REQUESTED_DAY)} {REQUESTED_HOURS[0]}–{REQUESTED_HOURS[1]})"
    )
    plan = week.plan
    share = (Decimal(100 * week.visits) / plan.needs).quantize(Decimal(1)) if plan.needs else Decimal(0)
    total, naive = km(plan.total_distance_km), km(plan.naive_distance_km)
    _say(
        f"  inspections {day(WEEK[0])}–{day(WEEK[1])}: {week.visits} visits planned over "
        f"{week.assessor_days} assessor-days ({share} % of {plan.needs} needs), {number(total, 1)} km "
        f"against {number(naive, 1)} km in property-id order, {week.notices} notices; "
        f"route sheets, the map and the notices ({week.files} files) in {week.folder}"
    )
