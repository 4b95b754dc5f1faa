"""What the end-to-end tests check against, apart from the services' answers: the rows the events have
written to a service's database so far, and amounts worked out here rather than with the services' code."""

from __future__ import annotations

from sqlalchemy import create_engine, func, select

from services.billing.adapters.orm import billing_properties, property_taxes
from services.platform.db import normalise_url
from services.platform.money import Money


def count(url: str, table: object, *where: object) -> int:
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())  # type: ignore[arg-type]
    finally:
        engine.dispose()


def billing_has_register(billing_url: str, municipality: str, register: int) -> bool:
    """Whether billing has every property of the municipality's register and its tax base. A test waits
    for this so that none of its events is left over for a later test (they share the broker and the
    services' consumer groups)."""
    mine = f"{municipality}-%"
    return (
        count(billing_url, billing_properties, billing_properties.c.property_id.like(mine)) == register
        and count(billing_url, property_taxes, property_taxes.c.property_id.like(mine)) == register
    )


def owed(annual: Money, months: int) -> int:
    """The first `months` twelfths of a yearly amount in øre, the extra øre going to the first months (as
    the issue specifies; worked out here, not with billing's own code)."""
    base, extra = divmod(annual.ore, 12)
    return sum(base + (1 if month < extra else 0) for month in range(months))
