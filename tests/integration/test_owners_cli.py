"""Issue 12, item 1: an officer records owners without writing code, against a running assessment service
(SQLite and PostgreSQL).

An owners file is recorded all together (co-owners in exact shares, one OwnershipChanged each through the
outbox, carrying the owner's address, channel and interval for billing) or not at all, with every bad row
named by line and column; one owner is recorded with flags; the owners are shown as a table; no national
identity number is ever printed, stored in an event or echoed in a refusal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from devstack.synthetic_register import register_csv, synthetic_national_id, synthetic_organisation_number
from propertytax.assessment.v1 import events_pb2
from services.assessment.adapters.orm import platform_tables
from services.assessment.service import SPEC
from services.cli import main
from services.platform.auth import Role, TokenAuthority
from services.platform.events import unwrap
from services.platform.runtime import ServiceRuntime
from services.platform.service_builder import build_runtime
from services.platform.settings import Settings

pytestmark = pytest.mark.kafka

KARI, OLA, PER = (synthetic_national_id(n) for n in (11, 12, 13))
FIRM = synthetic_organisation_number(7)
HEADER = (
    "property_id;from_date;share;owner_name;national_id;organisation_number;address;postcode;city;channel;"
    "interval"
)
OWNERS = "\n".join(
    [
        HEADER,
        f"0301-1/1/0/0;15.05.2024;1/2;Kari Nordmann;{KARI};;Storgata 1;0155;Oslo;print;monthly",
        f"0301-1/1/0/0;2024-05-15;1/2;Ola Nordmann;{OLA};;Storgata 1;0155;Oslo;;",
        f"0301-1/2/0/0;2024-01-01;1;Eiendom AS;;{FIRM};Postboks 5;0101;Oslo;ehf;",
        f"0301-1/3/0/0;2024-01-01;1;Per Hansen;{PER};;Kirkeveien 3;0368;Oslo;efaktura;",
        f"0301-1/3/0/0;2024-08-01;0,5;Per Hansen;{PER};;Kirkeveien 3;0368;Oslo;;",
        f"0301-1/3/0/0;2024-08-01;0,5;Eiendom AS;;{FIRM};Postboks 5;0101;Oslo;;",
    ]
)


@pytest.fixture
def assessment(
    database_url: str,
    kafka_bootstrap: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[ServiceRuntime]:
    runtime = build_runtime(
        SPEC, Settings(database_url=database_url, kafka_bootstrap=kafka_bootstrap, var_dir=tmp_path)
    )
    runtime.start()
    token = TokenAuthority(Settings().auth_secret.get_secret_value()).mint("kari", [Role.ASSESSOR])
    monkeypatch.setenv("PROPERTYTAX_TOKEN", token)
    monkeypatch.setenv("PROPERTYTAX_ASSESSMENT_TARGET", f"127.0.0.1:{runtime.server.port}")
    register = tmp_path / "register.csv"
    register.write_bytes(register_csv(4))
    assert main(["assessment", "import", "properties", str(register), "--year", "2024"]) == 0
    capsys.readouterr()
    yield runtime
    runtime.stop()


def _ownership_events(runtime: ServiceRuntime) -> list[tuple[bytes, events_pb2.OwnershipChanged]]:
    """(the stored envelope, its OwnershipChanged) of every ownership event in the outbox, oldest first."""
    with runtime.engine.connect() as conn:
        rows = conn.execute(select(platform_tables.outbox.c.envelope).order_by(platform_tables.outbox.c.id))
        envelopes = [bytes(r.envelope) for r in rows]
    found = []
    for envelope in envelopes:
        payload = unwrap(envelope).payload
        if isinstance(payload, events_pb2.OwnershipChanged):
            found.append((envelope, payload))
    return found


def _printed(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The lines a command printed, without the in-process service's log lines on the same stdout."""
    return [line for line in capsys.readouterr().out.splitlines() if " [info " not in line]


def _no_identity_number(*texts: str | bytes) -> None:
    for text in texts:
        written = text if isinstance(text, bytes) else text.encode()
        for number in (KARI, OLA, PER):
            assert number.encode() not in written


def test_an_owners_file_is_recorded_and_shown(
    assessment: ServiceRuntime, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    owners = tmp_path / "owners.csv"
    owners.write_text(OWNERS, encoding="utf-8-sig")
    assert main(["assessment", "import", "owners", str(owners)]) == 0
    out, err = capsys.readouterr()
    assert out.strip().splitlines()[-1] == "Recorded 4 ownership changes for 3 properties (4 owners)."

    events = _ownership_events(assessment)
    assert [(e.property_id, e.effective_date, len(e.owners)) for _, e in events] == [
        ("0301-1/1/0/0", "2024-05-15", 2),
        ("0301-1/2/0/0", "2024-01-01", 1),
        ("0301-1/3/0/0", "2024-01-01", 1),
        ("0301-1/3/0/0", "2024-08-01", 2),
    ]
    kari = events[0][1].owners[0]
    assert (kari.name, kari.share_numerator, kari.share_denominator) == ("Kari Nordmann", 1, 2)
    assert (
        list(kari.postal_address.address_lines),
        kari.postal_address.postcode,
        kari.postal_address.city,
    ) == (
        ["Storgata 1"],
        "0155",
        "Oslo",
    )
    assert (kari.billing_channel, kari.invoice_interval) == ("print", "monthly")
    firm = events[1][1].owners[0]
    assert (firm.organisation_number, firm.billing_channel) == (FIRM, "ehf")
    _no_identity_number(out, err, *(envelope for envelope, _ in events))

    assert main(["assessment", "ownership", "show", "0301-1/3/0/0"]) == 0
    table = capsys.readouterr().out
    assert "Owners of 0301-1/3/0/0:" in table
    rows = [line.split() for line in table.splitlines() if "01.08.2024" in line]
    assert rows == [
        ["Eiendom", "AS", "1/2", "01.08.2024", "organisation", FIRM],
        ["Per", "Hansen", "1/2", "01.08.2024", "person", "–"],
    ]
    _no_identity_number(table)
    assert main(["assessment", "ownership", "show", "0301-1/4/0/0"]) == 0
    assert _printed(capsys)[-1] == "No owners of 0301-1/4/0/0 are recorded."

    assert main(["assessment", "import", "owners", str(owners)]) == 0  # the same file again: nothing new
    assert _printed(capsys)[-1] == "Nothing new: the 4 ownership changes in the file were recorded already."
    assert len(_ownership_events(assessment)) == 4
    owners.write_text(OWNERS.replace(f";{OLA};", f";{PER};"))  # another co-owner from the same day
    assert main(["assessment", "import", "owners", str(owners), "--json"]) == 1
    error = json.loads(capsys.readouterr().err)["error"]  # asked for JSON: the refusal is JSON too
    assert error["code"] == "INVALID_ARGUMENT" and error["message"] == (
        "line 2: from_date: the current owners of 0301-1/1/0/0 own it from 2024-05-15; "
        "a change must come later"
    )
    assert main(["assessment", "import", "owners", str(owners)]) == 1
    assert capsys.readouterr().err == f"error: {error['message']}\n"


def test_a_bad_owners_file_names_every_bad_row_and_records_nothing(
    assessment: ServiceRuntime, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    wrong = KARI[:-1] + str((int(KARI[-1]) + 1) % 10)
    owners = tmp_path / "owners.csv"
    owners.write_text(
        "\n".join(
            [
                HEADER,
                f"0301-1/1/0/0;2024-05-15;1/3;Kari Nordmann;{KARI};;Storgata 1;0155;Oslo;;",
                f"0301-1/1/0/0;2024-05-15;1/3;Ola Nordmann;{wrong};;Storgata 1;0155;Oslo;;",
                f"0301-1/2/0/0;2024-01-01;1;Eiendom AS;;{FIRM};Postboks 5;0101;Oslo;print;",
                f"0301-9/9/0/0;2024-01-01;1;Per Hansen;{PER};;Kirkeveien 3;0368;Oslo;;",
            ]
        )
    )
    assert main(["assessment", "import", "owners", str(owners)]) == 1
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        "error: refused, 2 problems:",
        "  line 3: national_id: not a valid national identity number (11 digits with two check digits)",
        "  line 4: channel: print is for persons; an organisation is invoiced by ehf",
    ]  # the shares of line 2 and the refused line 3 are not added up
    assert wrong not in err and "Traceback" not in err
    _no_identity_number(out, err)

    owners.write_text(
        f"{HEADER}\n0301-9/9/0/0;2024-01-01;1;Per Hansen;{PER};;Kirkeveien 3;0368;Oslo;;\n"
        f"0301-1/1/0/0;2024-01-01;1;Kari Nordmann;{KARI};;Storgata 1;0155;Oslo;;\n"
    )
    assert main(["assessment", "import", "owners", str(owners)]) == 1
    assert capsys.readouterr().err == "error: line 2: property_id: no property 0301-9/9/0/0 in the register\n"
    assert _ownership_events(assessment) == []  # all or nothing


def test_one_owner_from_flags_then_the_property_in_people_s_form(
    assessment: ServiceRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    record = [
        "assessment",
        "ownership",
        "record",
        "0301-1/1/0/0",
        "--from",
        "15.05.2024",
        "--name",
        "Kari Nordmann",
        "--address",
        "Storgata 1",
        "--city",
        "Oslo",
        "--interval",
        "monthly",
    ]
    wrong = KARI[:-1] + str((int(KARI[-1]) + 1) % 10)
    assert main([*record, "--national-id", wrong, "--postcode", "155"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "error: refused, 2 problems:",
        "  --national-id: not a valid national identity or D-number (11 digits, 2 check digits)",
        "  --postcode: four digits, e.g. 0155",
    ]
    assert main([*record, "--national-id", KARI, "--postcode", "0155", "--share", "1/2"]) == 1
    assert capsys.readouterr().err == "error: --share: the shares must add up to exactly 1\n"
    assert main([*record, "--national-id", KARI, "--postcode", "0155"]) == 0
    out = capsys.readouterr().out
    assert "Owners of 0301-1/1/0/0 from 15.05.2024:" in out
    assert ["Kari", "Nordmann", "1", "15.05.2024", "person", "–"] in [
        line.split() for line in out.splitlines()
    ]
    ((_, event),) = _ownership_events(assessment)
    assert (event.owners[0].postal_address.postcode, event.owners[0].invoice_interval) == ("0155", "monthly")
    assert main([*record, "--national-id", KARI, "--postcode", "0155", "--from", "2024-05-01"]) == 1
    assert "own it from 2024-05-15; a change must come later" in capsys.readouterr().err

    assert main(["assessment", "update-property", "0301-1/1/0/0", "--units", "4"]) == 0
    assert (
        main(
            [
                "assessment",
                "propose-value",
                "0301-1/1/0/0",
                "--value-nok",
                "7 500 000",
                "--reason",
                "befaring",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["assessment", "get-property", "0301-1/1/0/0"]) == 0
    shown = {
        line[:16].strip(): line[16:].strip()
        for line in capsys.readouterr().out.splitlines()
        if line[:16].strip()
    }
    assert shown["Address"] == "Storgata 1, Oslo"  # unchanged by the update of --units
    assert shown["Dwelling units"] == "4"
    assert shown["Category"] == "housing"
    assert shown["Owners"] == "Kari Nordmann (1) since 15.05.2024"
    assert shown["Valuation"].startswith("7 500 000,00 kr (manual, proposed")
    _no_identity_number(*shown.values())
    assert main(["assessment", "get-property", "0301-1/1/0/0", "--json"]) == 0
    lines = _printed(capsys)
    answer = json.loads("\n".join(lines[lines.index("{") :]))
    assert answer["property"]["dwelling_units"] == 4
    assert answer["owners"][0]["name"] == "Kari Nordmann"


def test_a_property_file_with_owner_columns_records_each_row_s_owner(
    assessment: ServiceRuntime, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    header = (
        "property_id,address,category,units,bra_m2,lon,lat,owner_name,national_id,organisation_number,"
        "from_date,share,owner_address,postcode,city,channel"
    )
    register = tmp_path / "register.csv"
    good = [
        header,
        f"0301-20/1/0/0,Storgata 20,housing,1,120,10.75,59.92,Kari Nordmann,{KARI},,01.01.2024,,,0155,Oslo,",
        f"0301-20/2/0/0,Storgata 22,commercial,0,,10.75,59.92,Eiendom AS,,{FIRM},2024-01-01,1,Postboks 5,"
        "0101,Oslo,ehf",
        "0301-20/3/0/0,Storgata 24,housing,1,90,10.75,59.92,,,,,,,,,",
    ]
    register.write_text("\n".join([*good[:2], good[2].replace(",1,Postboks", ",1/2,Postboks"), good[3]]))
    assert main(["assessment", "import", "properties", str(register), "--year", "2024"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "error: line 3: share: the shares of 0301-20/2/0/0 from 01.01.2024 (line 3) add up to 1/2, not 1\n"
    )
    assert main(["assessment", "get-property", "0301-20/1/0/0"]) == 1  # nothing stored
    capsys.readouterr()

    register.write_text("\n".join(good))
    assert main(["assessment", "import", "properties", str(register), "--year", "2024", "--json"]) == 0
    lines = _printed(capsys)
    answer = json.loads("\n".join(lines[lines.index("{") : lines.index("}") + 1]))
    assert (answer["created"], answer["ownership_changes"]) == (3, 2)
    events = {e.property_id: e for _, e in _ownership_events(assessment)}
    assert set(events) == {"0301-20/1/0/0", "0301-20/2/0/0"}
    kari = events["0301-20/1/0/0"].owners[0]
    assert (list(kari.postal_address.address_lines), kari.postal_address.postcode) == (
        ["Storgata 20"],
        "0155",
    )
    firm = events["0301-20/2/0/0"].owners[0]
    assert (list(firm.postal_address.address_lines), firm.billing_channel) == (["Postboks 5"], "ehf")
    _no_identity_number(*(envelope for envelope, _ in _ownership_events(assessment)))

    assert main(["assessment", "import", "properties", str(register), "--year", "2024", "--json"]) == 0
    lines = _printed(capsys)
    again = json.loads("\n".join(lines[lines.index("{") : lines.index("}") + 1]))
    assert (again["updated"], again["ownership_changes"]) == (3, 0)  # the same owners: nothing new
    assert len(_ownership_events(assessment)) == 2
