"""What billing officers read from the collection commands (`propertytax billing payments|statement|
ageing|reminders|objections|plans …`): imports, the unmatched queue, statements, reports, reminder runs,
holds and plans as aligned fields and tables, amounts "1 234,50 kr", dates dd.mm.yyyy. Pure formatting of
BillingService answers (no calls)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from propertytax.billing.v1 import collection_pb2
from services.cli.output import Column, counted, day, moment, nok, number, word


def recipient_words(customer_number: int, name: str, account_id: str) -> str:
    """How an officer knows a recipient: "customer no. 2, Eier 2"; the account id only when the answer
    names no customer number."""
    if not customer_number:
        return account_id or "–"
    return f"customer no. {customer_number}" + (f", {name}" if name else "")


# ---- payments ------------------------------------------------------------------------------------------


_FORMAT_WORDS: dict[int, str] = {
    collection_pb2.PAYMENT_FILE_FORMAT_OCR_GIRO: "OCR giro",
    collection_pb2.PAYMENT_FILE_FORMAT_CAMT_054: "camt.054",
}


def format_word(file_format: int) -> str:
    """PAYMENT_FILE_FORMAT_OCR_GIRO → "OCR giro", …_CAMT_054 → "camt.054"."""
    return _FORMAT_WORDS.get(file_format, "–")


def import_title(answer: Any, file_name: str) -> str:
    """The import's first line: what was done, or that nothing was because the file came before."""
    if answer.already_imported:
        return (
            f"{file_name} was imported before ({format_word(answer.format)} {answer.file_reference}): "
            "nothing changed. What it did then:"
        )
    return f"Imported {file_name} ({format_word(answer.format)} {answer.file_reference}):"


def import_fields(answer: Any) -> list[tuple[str, object]]:
    return [
        ("Payments", f"{number(answer.payments)} ({nok(answer.total)})"),
        ("Matched by KID", number(answer.matched)),
        ("Invoices paid in full", number(answer.fully_paid)),
        ("Invoices paid in part", number(answer.partly_paid)),
        ("Overpayments (credit)", number(answer.overpaid)),
        ("Unmatched (queue)", f"{number(answer.unmatched)} ({nok(answer.unmatched_total)})"),
        ("File id", answer.file_id),
    ]


UNMATCHED_COLUMNS = (
    "Payment",
    "Paid",
    Column("Amount", numeric=True),
    "KID",
    "Payer",
    "Payer's account",
    "File",
    Column("Line", numeric=True),
)


def unmatched_rows(payments: Any) -> list[list[object]]:
    return [
        [
            p.payment_id,
            day(p.paid_on),
            nok(p.amount),
            p.kid,
            p.payer_name,
            p.payer_account,
            p.file_name,
            p.line,
        ]
        for p in payments
    ]


def allocation_sentence(answer: Any) -> str:
    """ "Payment … allocated to …: 1 000,00 kr on invoice 12; 50,00 kr left as credit." """
    parts = [f"{nok(a.amount)} on invoice {a.invoice_number}" for a in answer.applied]
    if answer.credit.ore:
        parts.append(f"{nok(answer.credit)} left as the recipient's credit")
    recipient = recipient_words(answer.customer_number, answer.recipient_name, answer.account_id)
    return f"Payment {answer.payment_id} allocated to {recipient}: " + ("; ".join(parts) or "nothing")


def refund_sentence(answer: Any) -> str:
    return (
        f"Refund of {nok(answer.amount)} to bank account {answer.bank_account} recorded on "
        f"{day(answer.refunded_on)}; credit left {nok(answer.credit_left)}."
    )


def write_off_sentence(answer: Any) -> str:
    return (
        f"Invoice {answer.invoice_number}: {nok(answer.amount)} written off on {day(answer.written_off_on)}."
    )


# ---- statement and reports -------------------------------------------------------------------------------


def statement_title(answer: Any) -> str:
    since = day(answer.from_date) if answer.from_date else "the first entry"
    return (
        f"Statement of account, {answer.name} (customer no. {answer.customer_number}), "
        f"{since} – {day(answer.to_date)}"
    )


STATEMENT_COLUMNS = (
    "Date",
    "Text",
    Column("Debit", numeric=True),
    Column("Credit", numeric=True),
    Column("Balance", numeric=True),
)


def _blank_zero(amount: Any) -> str:
    return nok(amount) if amount.ore else ""


def _line_text(line: Any) -> str:
    # A payment allocated or a credit set off after it took effect is booked later than interest counts
    # it: the day it took effect goes beside the text (in the ledger's Norwegian), not in a column that
    # would be empty on nearly every line.
    return f"{line.text} (virkning {day(line.value_on)})" if line.value_on else line.text


def statement_rows(answer: Any) -> list[list[object]]:
    # The lines' texts are the ledger's, as the recipient's own statement prints them; the rows the
    # officer's table adds are in the CLI's English.
    rows: list[list[object]] = [["", "Opening balance", "", "", nok(answer.opening_balance)]]
    rows.extend(
        [
            day(line.posted_on),
            _line_text(line),
            _blank_zero(line.debit),
            _blank_zero(line.credit),
            nok(line.balance),
        ]
        for line in answer.lines
    )
    rows.append(["", "Closing balance", "", "", nok(answer.closing_balance)])
    return rows


OPEN_COLUMNS = ("Invoice", "Issued", "Due", Column("Total", numeric=True), Column("Open", numeric=True))


def open_rows(documents: Any) -> list[list[object]]:
    return [
        [d.invoice_number, day(d.issue_date), day(d.due_date), nok(d.total), nok(d.open)] for d in documents
    ]


AGEING_COLUMNS = ("Days past due", Column("Invoices", numeric=True), Column("Open", numeric=True))


# The service's labels are Norwegian (for letters and reports a citizen reads); officers read English.
_BUCKET_WORDS = {
    "not_due": "Not due",
    "1_30": "1–30 days",
    "31_60": "31–60 days",
    "61_90": "61–90 days",
    "over_90": "Over 90 days",
}


def ageing_rows(answer: Any) -> list[list[object]]:
    rows: list[list[object]] = [
        [_BUCKET_WORDS.get(b.key, b.label), number(b.count), nok(b.amount)] for b in answer.buckets
    ]
    rows.append(["Total", number(sum(b.count for b in answer.buckets)), nok(answer.total)])
    return rows


def share_percent(share: str) -> str:
    """ "0.9930" → "99,30 %"; "" (nothing invoiced) → "–"."""
    try:
        return number(Decimal(share) * 100, 2) + " %"
    except (InvalidOperation, ValueError):
        return "–"


YEAR_END_COLUMNS = (
    "Charge",
    Column("Invoiced", numeric=True),
    Column("Paid by 31.12", numeric=True),
    Column("Share", numeric=True),
)


def year_end_rows(answer: Any) -> list[list[object]]:
    rows: list[list[object]] = [
        [word(c.code), nok(c.invoiced), nok(c.paid), share_percent(c.share)] for c in answer.charges
    ]
    overall = answer.overall
    rows.append(["all charges", nok(overall.invoiced), nok(overall.paid), share_percent(overall.share)])
    return rows


# ---- reminders -------------------------------------------------------------------------------------------

_STEP_WORDS = {
    "reminder": "reminders (purring)",
    "collection_notice": "notices of enforced collection (varsel om tvangsinnfordring)",
    "hand_over": "handed to enforcement",
}


def step_word(step: str) -> str:
    return _STEP_WORDS.get(step, step.replace("_", " "))


def preview_fields(answer: Any) -> list[tuple[str, object]]:
    fields: list[tuple[str, object]] = [
        (step_word(s.step).capitalize(), f"{number(s.count)} (open {nok(s.amount)})") for s in answer.steps
    ]
    fields.append(("Reminder fees", nok(answer.fees)))
    fields.append(("Interest", nok(answer.interest)))
    fields.append(("Not reminded", [f"{number(r.count)}: {r.reason}" for r in answer.not_reminded] or "none"))
    return fields


def reminder_state_word(state: int) -> str:
    return word(state, "REMINDER_RUN_STATE_", collection_pb2.ReminderRunState)


def _letters(run: Any) -> str:
    """Where the run's letters are; the service names no folder for a run written without letters."""
    if run.letters_folder:
        return str(run.letters_folder)
    return "none (a hand-over is sent as an event, not a letter)" if run.handed_over else "none"


def reminder_run_fields(run: Any) -> list[tuple[str, object]]:
    fields: list[tuple[str, object]] = [
        ("Run id", run.run_id),
        ("Date", day(run.run_on)),
        ("State", reminder_state_word(run.state)),
        # Every recipient counts as gone through: those with nothing overdue and no plan are passed over.
        ("Recipients", f"{number(run.recipients_done)} of {number(run.recipients_total)} gone through"),
        ("Reminders", number(run.reminders)),
        ("Notices", number(run.notices)),
        ("Handed to enforcement", number(run.handed_over)),
        ("Reminder fees", nok(run.fees)),
        ("Interest", nok(run.interest)),
        ("Letters", _letters(run)),
        ("Started", moment(run.started_at)),
        ("Completed", moment(run.finished_at)),
    ]
    if run.error:
        fields.append(("Error", run.error))
    return fields


def rerun_sentence(run: Any) -> str:
    """What `reminders run` says when the run of that date existed before the call."""
    name = f"The reminder run of {day(run.run_on)}"
    if run.state == collection_pb2.REMINDER_RUN_STATE_COMPLETED:
        return (
            f"{name} was already done (run {run.run_id}, completed {moment(run.finished_at)}); "
            "nothing was changed."
        )
    return f"{name} was started before (run {run.run_id}, started {moment(run.started_at)}); it goes on."


_STEP_NAMES = {
    "reminder": "reminder {n}",
    "collection_notice": "notice",
    "hand_over": "handed over",
}

STEP_COLUMNS = (
    "Invoice",
    Column("Customer", numeric=True),
    "Recipient",
    "Step",
    Column("Reminded (fee aside)", numeric=True),
    Column("Fee", numeric=True),
    Column("Disputed (left out)", numeric=True),
    "New due date",
    "Letter",
)


def step_name(step: str, sequence: int) -> str:
    """ "reminder 2", "notice", "handed over"."""
    return _STEP_NAMES.get(step, step.replace("_", " ")).format(n=sequence)


def step_rows(steps: Any) -> list[list[object]]:
    return [
        [
            s.invoice_number,
            s.customer_number or "",
            s.recipient_name or s.account_id,
            step_name(s.step, s.sequence),
            nok(s.claim),
            _blank_zero(s.fee),
            _blank_zero(s.disputed),
            day(s.due_on) if s.step != "hand_over" else "",
            s.letter,
        ]
        for s in steps
    ]


def reminder_outcome(run: Any) -> str:
    """A reminder run's outcome in a sentence: its counts and where the letters are."""
    name = f"reminder run {run.run_on}"
    if run.state == collection_pb2.REMINDER_RUN_STATE_FAILED:
        return f"{name} failed: {run.error}"
    state = "completed" if run.state == collection_pb2.REMINDER_RUN_STATE_COMPLETED else "running"
    letters = f"letters in {run.letters_folder}" if run.letters_folder else f"letters: {_letters(run)}"
    return (
        f"{name} {state}: {counted(run.reminders, 'reminder')}, {counted(run.notices, 'notice')} of "
        f"enforced collection, {number(run.handed_over)} handed to enforcement; fees {nok(run.fees)}, "
        f"interest {nok(run.interest)}; {letters}"
    )


# ---- holds and plans ----------------------------------------------------------------------------------

HOLD_COLUMNS = ("Hold", "Source", "Invoice", Column("Disputed", numeric=True), "From", "Until", "Reason")


def _disputed(hold: Any) -> str:
    return nok(hold.disputed) if hold.disputed.ore else "all open"


def hold_rows(holds: Any) -> list[list[object]]:
    return [
        [
            h.hold_id,
            h.source if not h.reference else f"{h.source} {h.reference}",
            h.invoice_number or (f"tax {h.tax_year} {h.property_id}" if h.property_id else ""),
            _disputed(h),
            day(h.from_date),
            day(h.until_date) if h.until_date else "in force",
            h.reason,
        ]
        for h in holds
    ]


def hold_fields(hold: Any) -> list[tuple[str, object]]:
    return [
        ("Hold id", hold.hold_id),
        ("Recipient", recipient_words(hold.customer_number, hold.recipient_name, hold.account_id)),
        ("Invoice", hold.invoice_number or "–"),
        ("Source", hold.source),
        ("Disputed", _disputed(hold)),
        ("Reason", hold.reason),
        ("From", day(hold.from_date)),
        ("Until", day(hold.until_date) if hold.until_date else "in force"),
    ]


PLAN_COLUMNS = ("Plan, kind", "State", "Invoices", Column("Total", numeric=True), "Requested", "Payments")


def _instalments(plan: Any) -> list[str]:
    return [f"{i.number}. {day(i.due_date)} {nok(i.amount)}" for i in plan.instalments]


def plan_rows(plans: Any) -> list[list[object]]:
    return [
        [
            # The kind under the id, and each date, invoice and instalment on a line of its own: a plan of 12
            # instalments on one line was 180 characters wide; now any plan fits in 125.
            f"{p.plan_id}\n{p.kind}",
            f"{p.state}\non {day(p.ended_on or p.broken_on)}" if (p.ended_on or p.broken_on) else p.state,
            "\n".join(str(n) for n in p.invoice_numbers),
            nok(p.total),
            day(p.requested_on),
            "\n".join(_instalments(p)),
        ]
        for p in plans
    ]


def plan_fields(plan: Any) -> list[tuple[str, object]]:
    return [
        ("Plan id", plan.plan_id),
        ("Recipient", recipient_words(plan.customer_number, plan.recipient_name, plan.account_id)),
        ("Kind", plan.kind),
        ("State", f"{plan.state} {day(plan.ended_on)}" if plan.ended_on else plan.state),
        ("Invoices", ", ".join(str(n) for n in plan.invoice_numbers)),
        ("Total", nok(plan.total)),
        ("Requested", day(plan.requested_on)),
        ("Interest continues", "yes" if plan.interest_continues else "no"),
        ("Payments", _instalments(plan)),
    ]


# ---- AvtaleGiro ---------------------------------------------------------------------------------------


def agreements_fields(answer: Any) -> list[tuple[str, object]]:
    """An agreements import: what each record did and what they say; a file read before: only its records
    (the agreements may have changed since: its counts would say nothing about them now)."""
    if answer.already_read_on:
        return [("Records", number(answer.records))]
    return [
        ("Records", number(answer.records)),
        ("New", number(answer.added)),
        ("Changed", number(answer.changed)),
        (
            "Unchanged",
            f"{number(answer.unchanged)} (repeating what billing has, or deleting one not in force)",
        ),
        ("Active in the file", number(answer.active)),
        ("Deleted by payers", number(answer.deleted_by_payers)),
    ]


def agreements_sentences(answer: Any) -> list[str]:
    """What an agreements import ended: how many a full list ended by leaving them out, then each ended
    agreement by customer number and why (those recipients' invoices go by their own channel again)."""
    if answer.already_read_on:
        return [
            f"This file was read before (received {day(answer.already_read_on)}, the day that import was "
            "given): nothing changed."
        ]
    said = []
    if answer.missing_from_full_list:
        said.append(
            f"{counted(answer.missing_from_full_list, 'agreement')} ended: missing from the bank's full list"
        )
    said += [
        f"Ended: customer {e.customer_number} (KID {e.kid}), "
        + ("missing from the bank's full list" if e.missing_from_full_list else "deleted by the payer")
        + "; invoices no longer go by AvtaleGiro"
        for e in answer.ended_agreements
    ]
    return said


def claims_sentences(answer: Any, out: str) -> list[str]:
    """A claim file written: how many claims and their total (each for what is open on its invoice), and
    the run's invoices to agreement holders that are not in it, and why."""
    sentences = [
        f"Wrote {out}: {counted(answer.claims, 'claim')}, {nok(answer.total)}, each for what is open on "
        "its invoice."
    ]
    if answer.partly_settled:
        sentences.append(
            f"{counted(answer.partly_settled, 'claim')} "
            f"{'is' if answer.partly_settled == 1 else 'are'} for less than the invoice: partly settled "
            "already (paid, set off or credited)."
        )
    if answer.paid:
        sentences.append(
            f"Left out: {counted(answer.paid, 'invoice')} with nothing open (paid, set off or credited)."
        )
    if answer.too_late:
        sentences.append(
            f"{counted(answer.too_late, 'invoice')} {'falls' if answer.too_late == 1 else 'fall'} due "
            f"before {day(answer.earliest_due_date)}, too soon for the bank (it needs 4 days' notice): "
            "send them on paper."
        )
    return sentences
