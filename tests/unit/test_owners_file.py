"""Owners files as an officer writes them: comma or semicolon, BOM or not, dates and shares either way;
co-owners of one change found by property and first day, their shares exact; every bad row named by line
and column, and a national identity number never echoed."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from devstack.synthetic_register import synthetic_national_id, synthetic_organisation_number
from services.assessment.adapters.owner_files import read_owners
from services.assessment.domain.ownership import NewOwner, OwnerKind, PostalAddress, check_owners
from services.platform.errors import InvalidInput

pytestmark = pytest.mark.unit

KARI, OLA, PER = (synthetic_national_id(n) for n in (1, 2, 3))
FIRM = synthetic_organisation_number(1)
GROUPED_FIRM = f"{FIRM[:3]} {FIRM[3:6]} {FIRM[6:]}"  # as people write it
HEADER = "property_id,from_date,share,owner_name,national_id,organisation_number,address,postcode,city"


def _violations(content: str) -> list[str]:
    """Each refusal as "line N: column: what is wrong"."""
    with pytest.raises(InvalidInput) as refused:
        read_owners(content.encode())
    return [f"{v.field}: {v.description}" for v in refused.value.violations]


def test_co_owners_of_one_change_are_grouped_with_exact_shares() -> None:
    content = "\ufeff" + "\n".join(
        [
            HEADER.replace(",", ";") + ";channel;interval",
            f"0301-1/1/0/0;2024-05-15;1/3;Kari Nordmann;{KARI};;Storgata 1;0155;Oslo;efaktura;Monthly",
            f"0301-1/1/0/0;15.05.2024;1/3;Ola Nordmann;{OLA};;Storgata 1;0155;Oslo;;",
            f"0301-1/1/0/0;2024-05-15;1/3;Per Hansen;{PER};;Storgata 1;0155;Oslo;;",
            f"0301-1/2/0/0;01.01.2024;1;Eiendom AS;;{GROUPED_FIRM};Postboks 5;0101;Oslo;ehf;",
            f"0301-1/3/0/0;2024-01-01;0,5;Kari Nordmann;{KARI};;Storgata 1;0155;Oslo;;",
            f"0301-1/3/0/0;2024-01-01;0.5;Eiendom AS;;{FIRM};Postboks 5;0101;Oslo;;",
        ]
    )
    changes = read_owners(content.encode())
    assert [(c.property_id, c.from_date, c.line) for c in changes] == [
        ("0301-1/1/0/0", date(2024, 5, 15), 2),
        ("0301-1/2/0/0", date(2024, 1, 1), 5),
        ("0301-1/3/0/0", date(2024, 1, 1), 6),
    ]
    thirds = changes[0].owners
    assert [o.share for o in thirds] == [Fraction(1, 3)] * 3
    assert thirds[0].delivery.address == PostalAddress(("Storgata 1",), "0155", "Oslo")
    assert (thirds[0].delivery.channel, thirds[0].delivery.interval) == ("efaktura", "monthly")
    firm = changes[1].owners[0]
    assert (firm.kind, firm.identity_number, firm.delivery.channel) == (OwnerKind.ORGANISATION, FIRM, "ehf")
    assert [(o.kind, o.share) for o in changes[2].owners] == [
        (OwnerKind.PERSON, Fraction(1, 2)),
        (OwnerKind.ORGANISATION, Fraction(1, 2)),
    ]


def test_every_bad_row_is_named_by_line_and_column_without_the_number() -> None:
    bad_id = KARI[:-1] + str((int(KARI[-1]) + 1) % 10)
    content = "\n".join(
        [
            HEADER + ",channel,interval",
            f"0301-1/1/0/0,2024-05-15,1/2,Kari Nordmann,{KARI},,Storgata 1,0155,Oslo,,",
            f"0301-1/1/0/0,2024-05-15,1/3,Ola Nordmann,{OLA},,Storgata 1,0155,Oslo,,",
            f"0301-1/2/0/0,2024-05-15,1,Per Hansen,{bad_id},,Storgata 1,0155,Oslo,,",
            f"0301-1/3/0/0,31.02.2024,1,Per Hansen,{PER},,Storgata 1,155,Oslo,ehf,weekly",
            f"0301-1/4/0/0,2024-05-15,halv,Eiendom AS,{PER},{FIRM},Postboks 5,0101,,,",
            "0301-1/5/0/0,2024-05-15,1,,,,Postboks 5,0101,Oslo,,",
        ]
    )
    problems = _violations(content)
    assert problems == [
        "line 4: national_id: not a valid national identity number (11 digits with two check digits)",
        "line 5: from_date: 31.02.2024 is not a date (February 2024 has 29 days)",
        "line 5: postcode: four digits, e.g. 0155",
        "line 5: channel: ehf is for organisations; a person is invoiced by efaktura or print",
        "line 5: interval: one of monthly, bimonthly, quarterly, half_yearly, yearly",
        "line 6: share: 'halv' is not a number; expected a number with at most 6 decimals from 0 to 1"
        " (e.g. 0,5)",
        "line 6: national_id: give either national_id or organisation_number, not both",
        "line 7: national_id: give national_id (a person) or organisation_number (an organisation)",
        "line 2: share: the shares of 0301-1/1/0/0 from 15.05.2024 (lines 2 and 3) add up to 5/6, not 1",
    ]
    joined = "\n".join(problems)
    assert bad_id not in joined and KARI not in joined and PER not in joined


def test_an_unknown_channel_names_the_channels_and_a_lone_share_says_line() -> None:
    content = "\n".join(
        [
            HEADER + ",channel",
            f"0301-1/1/0/0,2024-05-15,1/2,Kari Nordmann,{KARI},,Storgata 1,0155,Oslo,fax",
            f"0301-1/2/0/0,2024-05-15,1,Eiendom AS,,{FIRM},Postboks 5,0101,Oslo,efaktura",
        ]
    )
    assert _violations(content) == [
        "line 2: channel: a person is invoiced by efaktura or print"
        " (the channels are ehf, efaktura and print)",
        "line 3: channel: efaktura is for persons; an organisation is invoiced by ehf",
    ]
    lone = f"{HEADER}\n0301-1/1/0/0,2024-05-15,1/2,Kari Nordmann,{KARI},,Storgata 1,0155,Oslo"
    assert _violations(lone) == [
        "line 2: share: the shares of 0301-1/1/0/0 from 15.05.2024 (line 2) add up to 1/2, not 1"
    ]


def test_a_file_without_identity_columns_or_address_columns_is_refused_at_the_header() -> None:
    assert _violations(
        "property_id,from_date,share,owner_name,address,postcode,city\nx,2024-01-01,1,A,B,0101,C\n"
    ) == ["line 1: missing columns: national_id or organisation_number"]
    assert _violations(f"property_id,from_date,share,owner_name,national_id\nx,2024-01-01,1,A,{KARI}\n") == [
        "line 1: missing columns: address, city, postcode"
    ]


def test_the_sample_owners_file_is_one_the_import_reads() -> None:
    sample = Path(__file__).resolve().parents[2] / "data" / "samples" / "owners.csv"
    changes = read_owners(sample.read_bytes())
    shares = {(c.property_id, c.from_date): [str(o.share) for o in c.owners] for c in changes}
    assert len(changes) == 17
    assert shares[("0301-227/103/0/0", date(2024, 1, 1))] == ["1/2", "1/2"]
    assert shares[("0301-47/201/0/0", date(2024, 1, 1))] == ["1/3", "1/3", "1/3"]
    assert shares[("0301-215/187/0/0", date(2024, 5, 15))] == ["1"]


def test_the_same_owner_twice_in_one_change_is_refused_without_the_number() -> None:
    twice = [NewOwner(OwnerKind.PERSON, KARI, "Kari Nordmann", Fraction(1, 2)) for _ in range(2)]
    with pytest.raises(InvalidInput) as refused:
        check_owners(twice)
    assert [(v.field, v.description) for v in refused.value.violations] == [
        ("owners[1].identity_number", "the same owner as owners[0]")
    ]
