"""The propertytax command line against a running assessment service."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.assessment.service import SPEC
from services.cli import main
from services.platform.runtime import ServiceRuntime
from services.platform.service_builder import build_runtime
from services.platform.settings import Settings

pytestmark = pytest.mark.kafka


@pytest.fixture
def assessment(sqlite_url: str, kafka_bootstrap: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    runtime = build_runtime(
        SPEC, Settings(database_url=sqlite_url, kafka_bootstrap=kafka_bootstrap, var_dir=tmp_path)
    )
    runtime.start()
    yield runtime
    runtime.stop()


def test_mint_a_token_then_register_and_read_a_property(
    assessment: ServiceRuntime, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["token", "mint", "--subject", "kari", "--role", "assessor"]) == 0
    monkeypatch.setenv("PROPERTYTAX_TOKEN", capsys.readouterr().out.strip())
    target = f"127.0.0.1:{assessment.server.port}"
    assert (
        main(
            [
                "assessment",
                "register-property",
                "--cadastral-id",
                "0301-5/6",
                "--address",
                "Gata 1",
                "--category",
                "housing",
                "--units",
                "2",
                "--target",
                target,
                "--json",
            ]
        )
        == 0
    )
    registered = capsys.readouterr().out
    assert '"cadastral_id": "0301-5/6/0/0"' in registered
    property_id = registered.split('"property_id": "')[1].split('"')[0]
    assert main(["assessment", "get-property", property_id, "--target", target, "--json"]) == 0
    assert '"dwelling_units": 2' in capsys.readouterr().out


def test_a_refusal_names_the_flag_once_and_exits_1(
    assessment: ServiceRuntime, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    main(["token", "mint", "--role", "assessor"])
    monkeypatch.setenv("PROPERTYTAX_TOKEN", capsys.readouterr().out.strip())
    code = main(
        [
            "assessment",
            "register-property",
            "--cadastral-id",
            "bogus",
            "--address",
            "Gata 1",
            "--category",
            "housing",
            "--target",
            f"127.0.0.1:{assessment.server.port}",
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: --cadastral-id: ") and err.count("--cadastral-id") == 1, err
    assert "Traceback" not in err and "facts.cadastral_id" not in err


def test_import_and_simulate_from_the_command_line(
    assessment: ServiceRuntime,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from devstack.synthetic_register import OSLO_2024_DECISION, OSLO_ZONES, register_csv

    main(["token", "mint", "--role", "assessor"])
    monkeypatch.setenv("PROPERTYTAX_TOKEN", capsys.readouterr().out.strip())
    monkeypatch.setenv("PROPERTYTAX_ASSESSMENT_TARGET", f"127.0.0.1:{assessment.server.port}")
    register = tmp_path / "register.csv"
    register.write_bytes(register_csv(50))
    decision = tmp_path / "decision.yaml"
    decision.write_text(OSLO_2024_DECISION)
    assert main(["assessment", "import", "zones", str(OSLO_ZONES)]) == 0
    zones = capsys.readouterr().out
    assert re.search(
        r"Imported \d+ zones \(they replace the earlier ones\): 0 properties inside a zone", zones
    )
    assert main(["assessment", "import", "properties", str(register), "--year", "2024"]) == 0
    imported = capsys.readouterr().out
    assert re.search(r"Imported 50 properties \(50 new, 0 updated\): \d+ valuations proposed", imported)

    by_property = tmp_path / "by_property.csv"
    assert (
        main(["assessment", "simulate", "--decision", str(decision), "--by-property", str(by_property)]) == 0
    )
    report = capsys.readouterr().out
    assert "Revenue simulation for 2024" in report and "Per category" in report
    assert re.search(r"Total revenue\s+\d{1,3}( \d{3})*,\d\d kr\s", report), report
    assert f"Per property: {by_property} (50 rows)" in report
    rows = by_property.read_text().splitlines()
    assert rows[0] == "property_id,tax_base_nok,tax_nok,status,reason" and len(rows) == 51

    bad = tmp_path / "bad.csv"
    bad.write_text("property_id,category,units\n0301-5/5,housing,1\n0301-5/6,castle,1\n")
    assert main(["assessment", "import", "properties", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "line 3: category:" in err and err.count("line 3") == 1 and "Traceback" not in err, err


def _printed(capsys: pytest.CaptureFixture[str]) -> Any:
    """The JSON a command printed (the in-process service logs to the same stdout)."""
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("{")
    return json.loads("\n".join(lines[start : lines.index("}", start) + 1]))


@pytest.fixture
def billing(sqlite_url: str, kafka_bootstrap: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    from tests.integration.billing_fixtures import billing_service, seed_recipients

    with billing_service(sqlite_url, kafka_bootstrap, tmp_path) as service:
        seed_recipients(service)
        yield service


def test_find_invoices_and_write_a_document(
    billing: ServiceRuntime,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    main(["token", "mint", "--role", "billing_officer"])
    monkeypatch.setenv("PROPERTYTAX_TOKEN", capsys.readouterr().out.strip())
    monkeypatch.setenv("PROPERTYTAX_BILLING_TARGET", f"127.0.0.1:{billing.server.port}")
    assert (
        main(["billing", "run", "start", "2024", "4", "--issue-date", "2024-04-05", "--wait", "--json"]) == 0
    )
    run = _printed(capsys)
    assert run["state"] == "BILLING_RUN_STATE_COMPLETED"

    assert main(["billing", "invoices", "find", "--account", "acc-01", "--from", "2024-04-01", "--json"]) == 0
    (mine,) = _printed(capsys)["invoices"]
    assert mine["property_ids"] == ["p1", "p11"] and mine["issue_date"] == "2024-04-05"
    assert (
        main(["billing", "invoices", "find", "--run", run["run_id"], "--page-size", "3", "--all", "--json"])
        == 0
    )
    every = _printed(capsys)
    assert len(every["invoices"]) == run["invoices"] and every["next_page_token"] == ""
    assert main(["billing", "invoices", "find", "--property", "p3", "--kind", "invoice", "--json"]) == 0
    assert [i["account_id"] for i in _printed(capsys)["invoices"]] == ["acc-03"]
    # The CLI reads its dates before calling: a usage error (2) naming the flag and what is wrong.
    with pytest.raises(SystemExit) as stopped:
        main(["billing", "invoices", "find", "--from", "2024-13-01"])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and "Traceback" not in err, err
    assert err.endswith("error: argument --from: 2024-13-01 is not a date (there is no month 13)\n"), err

    assert main(["billing", "invoices", "show", mine["invoice_number"], "--json"]) == 0
    assert {line["property_id"] for line in _printed(capsys)["lines"]} == {"p1", "p11"}

    out = tmp_path / "mine.pdf"
    assert main(["billing", "invoices", "document", mine["invoice_number"], "--out", str(out), "--json"]) == 0
    written = _printed(capsys)
    assert written["media_type"] == "application/pdf" and written["file_name"].startswith("faktura-")
    (run_document,) = (tmp_path / "invoices").glob(f"2024-04-*/{mine['invoice_number']}.pdf")
    assert out.read_bytes().startswith(b"%PDF") and out.read_bytes() == run_document.read_bytes()

    assert main(["billing", "invoices", "find", "--account", "acc-05", "--json"]) == 0
    (organisation,) = _printed(capsys)["invoices"]
    folder = tmp_path / "documents"
    folder.mkdir()
    assert (
        main(
            [
                "billing",
                "invoices",
                "document",
                organisation["invoice_number"],
                "--out",
                str(folder),
                "--json",
            ]
        )
        == 0
    )
    ehf = folder / f"faktura-{organisation['invoice_number']}.xml"
    assert _printed(capsys)["out"] == str(ehf)
    assert (
        ehf.read_bytes() == next((tmp_path / "invoices").glob(f"2024-04-*/{ehf.stem[8:]}.xml")).read_bytes()
    )
    assert (
        main(
            [
                "billing",
                "invoices",
                "document",
                organisation["invoice_number"],
                "--out",
                str(folder),
                "--format",
                "pdf",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert (folder / f"faktura-{organisation['invoice_number']}.pdf").read_bytes().startswith(b"%PDF")
    assert main(["billing", "invoices", "show", "9999"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "9999" in err and "Traceback" not in err, err


def test_fee_schedule_and_preview_from_the_command_line(
    billing: ServiceRuntime,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    main(["token", "mint", "--role", "billing_officer"])
    monkeypatch.setenv("PROPERTYTAX_TOKEN", capsys.readouterr().out.strip())
    monkeypatch.setenv("PROPERTYTAX_BILLING_TARGET", f"127.0.0.1:{billing.server.port}")
    schedule = Path(__file__).resolve().parents[2] / "data" / "fee_schedules" / "oslo-2024.yaml"
    broken = tmp_path / "broken.yaml"
    broken.write_text(schedule.read_text(encoding="utf-8").replace("vat_rate: 0.25", "vat_rate: 0.5"))
    assert main(["billing", "schedule", "put", str(broken)]) == 1
    assert "water_sewage.vat_rate" in capsys.readouterr().err
    assert main(["billing", "schedule", "put", str(schedule), "--json"]) == 0
    assert _printed(capsys)["version"] == 1
    assert main(["billing", "schedule", "show", "2024", "--yaml"]) == 0
    assert "water_per_m3_nok: 15.75" in capsys.readouterr().out
    assert main(["billing", "run", "preview", "2024", "4", "--json"]) == 0
    preview = _printed(capsys)
    # seed_recipients has property tax only: billing knows no area or units, so no fees yet.
    assert preview["due_accounts"] == 10 and preview["term"]["invoices"] == 10
    assert [c["code"] for c in preview["term"]["charges"]] == ["property_tax"]
