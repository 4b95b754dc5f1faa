"""BillingService over gRPC: proto ⇄ command, nothing more."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import grpc
from sqlalchemy.orm import Session, sessionmaker

from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc
from propertytax.platform.v1 import money_pb2
from services.billing.adapters.journal_file import journal_path
from services.billing.adapters.repository import BillingPropertyRepository, PropertyTaxRepository
from services.billing.adapters.run_documents import RunOutput, load_seller
from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.application.accounts import AccountChange, AccountView, get_account, update_account
from services.billing.application.get_billing_property import get_billing_property
from services.billing.application.run_billing import (
    BillingPolicy,
    billing_runner,
    get_billing_run,
    start_billing_run,
)
from services.billing.domain.account import Channel
from services.billing.domain.billing_run import BillingRun, RunState
from services.billing.domain.intervals import InvoiceInterval
from services.platform.auth import Role
from services.platform.clock import oslo_today
from services.platform.errors import InvalidInput
from services.platform.grpc_server import MethodRule, rule
from services.platform.job_runner import JobRunner
from services.platform.runtime import BackgroundTask
from services.platform.settings import Settings

SERVICE_FULL_NAME = "propertytax.billing.v1.BillingService"

RULES: dict[str, MethodRule] = {
    "GetBillingProperty": rule(Role.BILLING_OFFICER, Role.READER, Role.SERVICE, changes_state=False),
    "GetAccount": rule(Role.BILLING_OFFICER, Role.READER, changes_state=False),
    "UpdateAccount": rule(Role.BILLING_OFFICER, changes_state=True),
    "StartBillingRun": rule(Role.BILLING_OFFICER, changes_state=True),
    "GetBillingRun": rule(Role.BILLING_OFFICER, Role.READER, changes_state=False),
}

_CHANNELS = {
    Channel.EHF: billing_pb2.CHANNEL_EHF,
    Channel.EFAKTURA: billing_pb2.CHANNEL_EFAKTURA,
    Channel.PRINT: billing_pb2.CHANNEL_PRINT,
}
_INTERVALS = {
    InvoiceInterval.MONTHLY: billing_pb2.INVOICE_INTERVAL_MONTHLY,
    InvoiceInterval.BIMONTHLY: billing_pb2.INVOICE_INTERVAL_BIMONTHLY,
    InvoiceInterval.QUARTERLY: billing_pb2.INVOICE_INTERVAL_QUARTERLY,
    InvoiceInterval.HALF_YEARLY: billing_pb2.INVOICE_INTERVAL_HALF_YEARLY,
    InvoiceInterval.YEARLY: billing_pb2.INVOICE_INTERVAL_YEARLY,
}
_RUN_STATES = {
    RunState.RUNNING: billing_pb2.BILLING_RUN_STATE_RUNNING,
    RunState.ISSUED: billing_pb2.BILLING_RUN_STATE_RUNNING,  # still writing documents
    RunState.COMPLETED: billing_pb2.BILLING_RUN_STATE_COMPLETED,
    RunState.FAILED: billing_pb2.BILLING_RUN_STATE_FAILED,
}


def _account(view: AccountView) -> billing_pb2.Account:
    a = view.account
    return billing_pb2.Account(
        account_id=a.account_id,
        name=a.name,
        organisation_number=a.organisation_number,
        address_line=a.address_line,
        postcode=a.postcode,
        city=a.city,
        channel=_CHANNELS[a.channel],
        interval=_INTERVALS[view.interval],
    )


def _date(text: str, field: str, default: date | None = None) -> date:
    if not text and default is not None:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput.single(field, "a date as YYYY-MM-DD") from None


class BillingServicer(billing_pb2_grpc.BillingServiceServicer):
    def __init__(self, sessions: sessionmaker[Session], runner: JobRunner, journals: Path) -> None:
        self._sessions = sessions
        self._runner = runner
        self._journals = journals

    def _uow(self) -> SqlBillingUnitOfWork:
        return SqlBillingUnitOfWork(self._sessions)

    def _run(self, run: BillingRun) -> billing_pb2.BillingRun:
        return billing_pb2.BillingRun(
            run_id=run.run_id,
            year=run.year,
            month=run.month,
            issue_date=run.issue_date.isoformat(),
            state=_RUN_STATES[run.state],
            invoices=run.invoices,
            below_minimum=run.below_minimum,
            total=money_pb2.Money(ore=run.total.ore),
            error=run.error,
            journal_path=str(journal_path(self._journals, run.year, run.month, run.run_id)),
        )

    def GetAccount(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        return billing_pb2.GetAccountResponse(
            account=_account(get_account(self._uow(), request.account_id, oslo_today()))
        )

    def UpdateAccount(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        channels = {v: k for k, v in _CHANNELS.items()}
        intervals = {v: k for k, v in _INTERVALS.items()}
        change = AccountChange(
            address_line=request.address_line,
            postcode=request.postcode.strip(),
            city=request.city,
            channel=channels.get(request.channel),
            interval=intervals.get(request.interval),
            interval_from=_date(request.interval_from, "interval_from") if request.interval_from else None,
        )
        view = update_account(self._uow(), request.account_id, change, oslo_today())
        return billing_pb2.UpdateAccountResponse(account=_account(view))

    def StartBillingRun(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        issue = _date(request.issue_date, "issue_date", default=oslo_today())
        run = start_billing_run(self._uow(), request.year, request.month, issue)
        self._runner.submit(run.run_id)
        return billing_pb2.StartBillingRunResponse(run=self._run(run))

    def GetBillingRun(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        return billing_pb2.GetBillingRunResponse(run=self._run(get_billing_run(self._uow(), request.run_id)))

    def GetBillingProperty(  # noqa: N802 (gRPC method name)
        self, request: billing_pb2.GetBillingPropertyRequest, context: grpc.ServicerContext
    ) -> billing_pb2.GetBillingPropertyResponse:
        with self._sessions() as session:
            found = get_billing_property(BillingPropertyRepository(session), request.property_id)
            taxes = PropertyTaxRepository(session).current_for(request.property_id)
        return billing_pb2.GetBillingPropertyResponse(
            property=billing_pb2.BillingProperty(
                property_id=found.property_id,
                cadastral_id=found.cadastral_id,
                address=found.address,
                category=found.category,
                dwelling_units=found.dwelling_units,
                source_event_id=found.source_event_id,
                property_taxes=[
                    billing_pb2.YearlyPropertyTax(
                        tax_year=t.tax_year,
                        version=t.version,
                        status=t.status,
                        annual_tax=money_pb2.Money(ore=t.tax.ore),
                        tax_base=money_pb2.Money(ore=t.tax_base.ore),
                        terms=t.terms,
                    )
                    for t in taxes
                ],
            )
        )


def add_to_server(
    sessions: sessionmaker[Session], server: grpc.Server, settings: Settings
) -> list[BackgroundTask]:
    output = RunOutput(journals=settings.var_dir / "journals", documents=settings.var_dir / "invoices")
    runner = billing_runner(
        lambda: SqlBillingUnitOfWork(sessions),
        BillingPolicy(),
        settings.billing_chunk_size,
        load_seller(),
        output,
        settings.billing_chunk_pause_seconds,
    )
    billing_pb2_grpc.add_BillingServiceServicer_to_server(
        BillingServicer(sessions, runner, output.journals), server
    )
    return [runner]
