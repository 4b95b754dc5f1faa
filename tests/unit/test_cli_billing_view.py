"""What billing officers read: fee schedules, previews, runs and invoices in kroner with decimal commas,
dates dd.mm.yyyy and words; the CLI's channel and interval words are the service's own values."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from propertytax.billing.v1 import billing_pb2, fees_pb2, preview_pb2
from propertytax.platform.v1 import money_pb2
from services.billing.domain.account import Channel
from services.billing.domain.intervals import InvoiceInterval
from services.cli import billing_view as view

pytestmark = pytest.mark.unit

SCHEDULE = Path(__file__).resolve().parents[2] / "data" / "fee_schedules" / "oslo-2024.yaml"


def test_the_words_for_channels_and_intervals_are_the_services_values() -> None:
    assert set(view.CHANNELS) == {c.value for c in Channel}
    assert set(view.INTERVALS) == {i.value for i in InvoiceInterval}
    assert view.INTERVALS["half_yearly"] == billing_pb2.INVOICE_INTERVAL_HALF_YEARLY
    assert view.interval_word(billing_pb2.INVOICE_INTERVAL_HALF_YEARLY) == "half yearly"
    assert view.channel_word(billing_pb2.CHANNEL_EFAKTURA) == "efaktura"
    assert view.channel_word(billing_pb2.CHANNEL_UNSPECIFIED) == "–"


def test_a_fee_schedule_reads_in_kroner_and_percent() -> None:
    fields = dict(view.schedule_fields(yaml.safe_load(SCHEDULE.read_text(encoding="utf-8"))))
    assert fields["Water sewage: Subscription per unit"] == "397,00 kr"
    assert fields["Water sewage: Water per m³"] == "15,75 kr"
    assert fields["Water sewage: m³ per m² BRA"] == "1,3"
    assert fields["Water sewage: VAT rate"] == "25 %"
    assert fields["Waste per unit: Housing"] == "3 200,00 kr"
    assert fields["Waste per unit: Holiday home"] == "1 600,00 kr"
    assert fields["Waste VAT rate"] == "0 %"
    assert fields["Chimney per chimney"] == "389,50 kr"
    assert "Year" not in fields  # the title says the year


def test_a_preview_in_kroner_with_the_last_term_beside_it() -> None:
    def money(ore: int) -> money_pb2.Money:
        return money_pb2.Money(ore=ore)

    preview = preview_pb2.PreviewBillingRunResponse(
        year=2024,
        month=7,
        due_accounts=12_000,
        term=preview_pb2.TermTotals(
            invoices=11_990,
            charges=[preview_pb2.ChargeTotal(code="property_tax", net=money(1_064_564))],
            vat=money(0),
            total=money(1_064_564),
        ),
        last_term=preview_pb2.TermTotals(invoices=11_000, total=money(1_000_000)),
        last_term_year=2024,
        last_term_month=4,
        changes=[preview_pb2.ChargeTotal(code="property_tax", net=money(64_564))],
        below_minimum=1,
        issue_date="2024-07-05",
    )
    fields = dict(view.preview_fields(preview))
    assert fields["Issue date"] == "05.07.2024"  # the day whose tax base the preview bills
    assert fields["Recipients due"] == "12 000" and fields["Invoices"] == "11 990"
    assert fields["  property tax"] == "10 645,64 kr" and fields["VAT"] == "0,00 kr"
    assert fields["Last term (2024-04)"] == "11 000 invoices, 10 000,00 kr"
    assert fields["  change in property tax"] == "645,64 kr"
    assert fields["Under the minimum"] == "1 recipient"


def test_a_failed_run_says_its_error_and_counts_in_words() -> None:
    run = billing_pb2.BillingRun(
        run_id="r1",
        year=2024,
        month=4,
        issue_date="2024-04-05",
        state=billing_pb2.BILLING_RUN_STATE_FAILED,
        invoices=1234,
        total=money_pb2.Money(ore=-125_000),
        error="the database went away",
    )
    fields = dict(view.run_fields(run))
    assert (fields["State"], fields["Issue date"], fields["Invoices"]) == ("failed", "05.04.2024", "1 234")
    assert fields["Total"] == "-1 250,00 kr" and fields["Error"] == "the database went away"


def test_invoices_name_their_recipient_and_lines_their_period() -> None:
    invoice = billing_pb2.InvoiceSummary(
        invoice_number=17,
        kind="credit_note",
        account_id="owner-abc",
        issue_date="2024-04-05",
        due_date="2024-04-26",
        total=money_pb2.Money(ore=-40_000),
        customer_number=42,
        recipient_name="Kari Nordmann",
    )
    assert view.invoice_rows([invoice]) == [
        [17, "credit note", "05.04.2024", "26.04.2024", "42 Kari Nordmann", "-400,00 kr"]
    ]
    unknown = billing_pb2.InvoiceSummary(account_id="owner-gone")
    assert view.recipient(unknown) == "owner-gone"
    line = billing_pb2.InvoiceLine(
        description="Vann",
        property_id="p1",
        period_start="2024-01-01",
        period_end="2024-03-31",
        amount=money_pb2.Money(ore=123_456),
        vat_rate="0.25",
    )
    assert view.line_rows([line]) == [["Vann", "p1", "01.01.2024–31.03.2024", "1 234,56 kr", "25 %"]]


def test_shares_facts_and_meters_in_words() -> None:
    assert (view.share(1, 1), view.share(2, 4), view.share(1, 3)) == ("whole", "1/2", "1/3")
    facts = dict(view.fee_facts_fields("p1", fees_pb2.FeeFacts(chimneys=2, not_connected_to_water=True)))
    assert (facts["Chimneys"], facts["Connected to water"], facts["No WC"]) == (2, "no", "no")
    assert view.meter_sentence("p1", 2024, "1132.5") == "Recorded 1 132,5 m³ for 2024 on property p1."
