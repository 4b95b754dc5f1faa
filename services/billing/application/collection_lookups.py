"""Small reads the collection entry points need around H2's and H3's commands: the recipient a request
names (account id or customer number, as `billing recipients show` accepts), the recipients an answer
names (their customer numbers and names, which officers know them by), how far a reminder run has come
and the steps it took."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from services.billing.application.ports import BillingUnitOfWork
from services.billing.domain.account import Account
from services.billing.domain.reminders import CollectionRun, CollectionStep, RunState
from services.platform.errors import InvalidInput, NotFound
from services.platform.money import Money


def named_recipient(uow: BillingUnitOfWork, account_id: str, customer_number: int) -> Account:
    """The recipient named by `account_id` or, when that is empty, `customer_number`. InvalidInput when
    neither is given; NotFound when there is no such recipient."""
    if not account_id and customer_number <= 0:
        raise InvalidInput.single("account_id", "is required (an account id or a customer number)")
    with uow:
        found = (
            uow.accounts.get(account_id) if account_id else uow.accounts.by_customer_number(customer_number)
        )
    if found is None:
        raise NotFound(
            f"no invoice recipient {account_id}" if account_id else f"no customer number {customer_number}"
        )
    return found


def recipient_account_id(uow: BillingUnitOfWork, account_id: str, customer_number: int) -> str:
    """The account id of the recipient named by `account_id` or, when that is empty, `customer_number`.
    InvalidInput when neither is given; NotFound when no recipient has the customer number (an account id
    is passed on as given: the command it is for says whether it knows it)."""
    if account_id:
        return account_id
    if customer_number <= 0:
        raise InvalidInput.single("account_id", "is required (an account id or a customer number)")
    with uow:
        account = uow.accounts.by_customer_number(customer_number)
    if account is None:
        raise NotFound(f"no customer number {customer_number}")
    return account.account_id


def reminder_run_progress(uow: BillingUnitOfWork, run: CollectionRun) -> tuple[int, int]:
    """(recipients the run has gone through, recipients it goes through): every recipient counts, those
    with nothing overdue and no plan passed over. A lane done counts what its range held then (a recipient
    added since is not the run's), a lane going on those up to its cursor, of all there are now; an ended
    run has gone through all it held."""
    with uow:
        lanes = uow.collection.lanes_of(run.run_id)
        done = sum(
            lane.recipients
            if lane.done and lane.recipients is not None
            else uow.accounts.count_in(lane.after, lane.through if lane.done else lane.cursor)
            for lane in lanes
        )
        if lanes and all(lane.done for lane in lanes):
            return done, done
        total = uow.accounts.count_in("", None)
    return (done if run.state in (RunState.RUNNING, RunState.FAILED) else total), total


def credit_balance(uow: BillingUnitOfWork, account_id: str) -> Money:
    """The recipient's credit (credit notes and overpayments not yet set off or refunded), positive."""
    with uow:
        return Money(-sum(c.total.ore for c in uow.ledger.credits([account_id])))


def recipients(uow: BillingUnitOfWork, account_ids: Iterable[str]) -> dict[str, Account]:
    """The recipients with these account ids, by id (an unknown id is left out)."""
    wanted = sorted(set(account_ids))
    if not wanted:
        return {}
    with uow:
        return uow.accounts.get_many(wanted)


def reminder_run_exists(uow: BillingUnitOfWork, on: date) -> bool:
    """Whether the reminder run of `on` was started before (a start then returns or resumes it)."""
    with uow:
        return uow.collection.run_on(on) is not None


def reminder_run_steps(
    uow: BillingUnitOfWork, run_id: str, offset: int, limit: int
) -> tuple[list[CollectionStep], bool]:
    """The run's steps from `offset`, at most `limit` (by recipient and invoice), and whether more follow."""
    with uow:
        steps = uow.collection.steps_of_run(run_id, offset, limit + 1)  # one more tells whether more follow
    return steps[:limit], len(steps) > limit
