"""What officers read from the collection commands after the new-user trial: recipients by customer
number and name, a run's steps, a run started again, the payer's name apart from their account, English
labels around the ledger's Norwegian texts, and a help text for every argument."""

from __future__ import annotations

import argparse

import pytest

from propertytax.billing.v1 import billing_pb2, collection_pb2
from propertytax.platform.v1 import money_pb2
from services.cli import billing_collection_view as view
from services.cli import build_parser
from services.cli.billing_collection import _FLAGS
from services.cli.billing_view import avtalegiro_words
from services.cli.common import flag_for
from services.cli.output import moment

pytestmark = pytest.mark.unit


def _m(ore: int) -> money_pb2.Money:
    return money_pb2.Money(ore=ore)


def test_recipients_are_named_by_customer_number_and_name() -> None:
    hold = collection_pb2.CollectionHold(
        hold_id="h-1", account_id="owner-ouv3jf", customer_number=1042, recipient_name="Kari Nordmann"
    )
    assert dict(view.hold_fields(hold))["Recipient"] == "customer no. 1042, Kari Nordmann"
    plan = collection_pb2.PaymentPlan(plan_id="p-1", account_id="owner-ouv3jf", customer_number=7)
    assert dict(view.plan_fields(plan))["Recipient"] == "customer no. 7"
    allocated = collection_pb2.AllocatePaymentResponse(
        payment_id="pay-1",
        account_id="owner-ouv3jf",
        customer_number=1042,
        recipient_name="Kari Nordmann",
        credit=_m(25000),
    )
    assert view.allocation_sentence(allocated) == (
        "Payment pay-1 allocated to customer no. 1042, Kari Nordmann: 250,00 kr left as the recipient's "
        "credit"
    )
    assert view.recipient_words(0, "", "owner-ouv3jf") == "owner-ouv3jf"  # an answer without the number


def test_a_run_s_steps_say_invoice_recipient_step_amounts_and_letter() -> None:
    steps = [
        collection_pb2.ReminderRunStep(
            invoice_number=1001,
            account_id="acc-1",
            customer_number=1,
            recipient_name="Ola Nordmann",
            step="reminder",
            sequence=2,
            claim=_m(123450),
            fee=_m(3500),
            disputed=_m(50000),
            due_on="2024-06-03",
            letter="reminder-2-1001.pdf",
        ),
        collection_pb2.ReminderRunStep(
            invoice_number=1002,
            account_id="acc-2",
            customer_number=2,
            recipient_name="Fjord AS",
            step="hand_over",
            sequence=1,
            claim=_m(99900),
            fee=_m(0),
            due_on="2024-05-20",
        ),
    ]
    assert [c if isinstance(c, str) else c.heading for c in view.STEP_COLUMNS] == [
        "Invoice",
        "Customer",
        "Recipient",
        "Step",
        "Reminded (fee aside)",
        "Fee",
        "Disputed (left out)",
        "New due date",
        "Letter",
    ]
    assert view.step_rows(steps) == [
        [1001, 1, "Ola Nordmann", "reminder 2", "1 234,50 kr", "35,00 kr", "500,00 kr", "03.06.2024",
         "reminder-2-1001.pdf"],
        [1002, 2, "Fjord AS", "handed over", "999,00 kr", "", "", "", ""],
    ]  # fmt: skip
    assert view.step_name("collection_notice", 1) == "notice"


def test_a_run_started_again_says_it_was_done_before() -> None:
    done = collection_pb2.ReminderRun(
        run_id="r-1",
        run_on="2024-05-20",
        state=collection_pb2.REMINDER_RUN_STATE_COMPLETED,
        finished_at="2024-05-20T06:15:00+00:00",
    )
    assert view.rerun_sentence(done) == (
        "The reminder run of 20.05.2024 was already done (run r-1, completed 20.05.2024 08:15); "
        "nothing was changed."
    )
    going = collection_pb2.ReminderRun(
        run_id="r-1",
        run_on="2024-05-20",
        state=collection_pb2.REMINDER_RUN_STATE_RUNNING,
        started_at="2024-05-20T06:00:00+00:00",
    )
    assert view.rerun_sentence(going).endswith("(run r-1, started 20.05.2024 08:00); it goes on.")
    assert moment("") == "–" and moment("not a time") == "not a time"


def test_the_unmatched_queue_names_the_payer_apart_from_their_account() -> None:
    headings = [c if isinstance(c, str) else c.heading for c in view.UNMATCHED_COLUMNS]
    assert headings[4:6] == ["Payer", "Payer's account"]
    payment = collection_pb2.UnmatchedPayment(
        payment_id="p-1",
        paid_on="2024-05-02",
        amount=_m(25000),
        kid="99",
        payer_name="Ola Nordmann",
        payer_account="12345678903",
        file_name="ocr.txt",
        line=7,
    )
    assert view.unmatched_rows([payment])[0][4:6] == ["Ola Nordmann", "12345678903"]


def test_ageing_labels_are_english() -> None:
    answer = collection_pb2.GetAgeingResponse(
        buckets=[
            collection_pb2.AgeingBucket(key="not_due", label="Ikke forfalt", count=2, amount=_m(100)),
            collection_pb2.AgeingBucket(key="over_90", label="Over 90 dager", count=1, amount=_m(50)),
        ],
        total=_m(150),
    )
    assert [row[0] for row in view.ageing_rows(answer)] == ["Not due", "Over 90 days", "Total"]


@pytest.mark.parametrize(
    ("field", "flag"),
    [
        ("to_date", "--to"),
        ("from_date", "--from"),
        ("on", "--on"),
        ("until", "--deferral-until"),
        ("first_due", "--first-due"),
        ("count", "--instalments"),
        ("invoice_numbers", "--invoices"),
        ("settled_on", "--on"),
    ],
)
def test_service_fields_are_named_by_the_collection_flags(field: str, flag: str) -> None:
    assert flag_for(field, _FLAGS) == flag


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.extend(_commands(sub, (*path, name)))
                found.append((*path, name, sub))  # type: ignore[arg-type]
    return found


COLLECTION = {"payments", "statement", "ageing", "paid-by-year-end", "reminders", "objections", "plans",
              "write-off"}  # fmt: skip


def test_every_billing_argument_has_a_help_text() -> None:
    """Collection's commands and the rest of billing's (recipients, runs, fees, invoices, AvtaleGiro)."""
    billing = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices[
        "billing"
    ]
    missing = []
    commands = _commands(billing)
    assert COLLECTION | {"recipients", "invoices", "fee-facts", "avtalegiro"} <= {c[0] for c in commands}
    for *path, parser in commands:
        for action in parser._actions:  # type: ignore[attr-defined]
            if isinstance(action, argparse._SubParsersAction) or action.help == argparse.SUPPRESS:
                continue
            if not action.help:
                missing.append((" ".join(path), action.dest))
    assert missing == []


def test_an_ended_agreement_is_shown_as_ended_and_an_active_one_as_active() -> None:
    ended = billing_pb2.AvtaleGiroAgreement(kid="18", notify=True, ended=True, ended_on="2024-10-01")
    active = billing_pb2.AvtaleGiroAgreement(kid="18", active_since="2024-03-20", notify=False)
    assert avtalegiro_words(ended, billing_pb2.CHANNEL_EFAKTURA) == (
        "ended 01.10.2024, KID 18; invoices go by eFaktura again"
    )
    assert avtalegiro_words(ended, billing_pb2.CHANNEL_PRINT).endswith("invoices go on paper again")
    assert avtalegiro_words(ended).endswith("invoices no longer go by AvtaleGiro")
    assert avtalegiro_words(active) == "active since 20.03.2024, KID 18; no notice from the bank"
    kept = billing_pb2.AvtaleGiroAgreement(
        kid="18", active_since="2024-03-20", notify=True, ended=True, ended_on="2024-10-01", ended_by="payer"
    )
    assert avtalegiro_words(kept, billing_pb2.CHANNEL_PRINT) == (
        "ended 01.10.2024 (deleted by the payer; active since 20.03.2024), KID 18; invoices go on paper again"
    )
    kept.ended_by = "full_list"
    assert avtalegiro_words(kept).startswith(
        "ended 01.10.2024 (missing from the bank's full list; active since"
    )


def test_a_plan_shows_the_day_it_ended() -> None:
    plan = collection_pb2.PaymentPlan(plan_id="p1", state="cancelled", ended_on="2024-07-15")
    assert ("State", "cancelled 15.07.2024") in view.plan_fields(plan)
