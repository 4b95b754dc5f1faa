"""Issue 14's chain end to end, the services as processes: a complaint's case asks the assessors for a
re-inspection (appeals' InspectionRequested); assessment queues it as the most urgent need, with the case's
deadline; a week's plan visits it on or before that day; the assessor's field results give a standard-rate
proposal with its trace; the committee adopts it; assessment's InspectionCompleted reaches appeals, which
files the inspection and its findings in the case; and the need is no longer open.

The office's commands go through the command line as the README has them, the other steps through the
RPCs. Every act carries its 2024 business date."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from devstack.scenario import (
    YEAR,
    connect,
    levy_register,
    owners_complaint,
    person,
    record_owner,
    set_calendar,
    wait_for,
    wait_for_deadline,
)
from devstack.stack import Stack
from propertytax.appeals.v1 import appeals_pb2, appeals_pb2_grpc
from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc, inspections_pb2, tax_pb2
from services.cli import main
from services.platform.auth import Role, TokenAuthority
from services.platform.settings import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

MUNICIPALITY = "5014"  # this test's own property ids
REGISTER = 24
RECEIVED_ON = f"{YEAR}-03-20"
REQUESTED_ON = f"{YEAR}-04-02"
NEEDED_BY = f"{YEAR}-04-16"  # the Tuesday of the planned week: the visit must come no later
AWAY_ON = f"{YEAR}-04-15"  # both assessors are away on the Monday: the visit can only be on the Tuesday
WEEK = (f"{YEAR}-04-15", f"{YEAR}-04-19")  # Monday to Friday, no public holiday
PLANNED_ON = f"{YEAR}-04-08"
ASSESSORS = (
    "assessor_id,name,transport,start_lon,start_lat,minutes_per_day\n"
    "A1,Ingrid Bækken,car,10.7600,59.9095,420\n"
    "A2,Jonas Haugen,ebike,10.7560,59.9280,420\n"
)
INNER_REASON = "Slitt bad og kjøkken fra 1970-tallet"


class Cli:
    """`propertytax` run in this process against the stack, with one token per role: what it printed."""

    def __init__(self, stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
        authority = TokenAuthority(Settings().auth_secret.get_secret_value())
        self._tokens = {role: authority.mint("e2e", [role]) for role in (Role.ASSESSOR, Role.SECRETARIAT)}
        self._stack = stack
        self._capsys = capsys

    def __call__(self, role: Role, *argv: str) -> str:
        service = argv[0]
        self._capsys.readouterr()
        target = ["--target", self._stack.target(service), "--token", self._tokens[role]]
        status = main([*argv, *target])
        shown = self._capsys.readouterr()
        assert status == 0, f"propertytax {' '.join(argv)} exited {status}:\n{shown.out}\n{shown.err}"
        assert "Traceback" not in shown.err
        return shown.out


def test_an_appeal_asks_for_an_inspection_that_is_planned_recorded_adopted_and_filed_in_the_case(
    stack: Stack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assessor = connect(stack, "assessment", "e2e", Role.ASSESSOR, timeout=120)
    appeals = connect(stack, "appeals", "e2e", Role.SECRETARIAT, timeout=60)
    assessment_api = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)
    appeals_api = appeals_pb2_grpc.AppealsServiceStub(appeals.channel)
    cli = Cli(stack, capsys)

    # A levied property whose owner complains about the area, in time.
    taxes = levy_register(assessor, REGISTER, MUNICIPALITY)

    def by_standard_rates(candidate: str) -> bool:
        # An inspection values a property by standard rates only where no housing value does (DOMAIN.md 1).
        got = assessor.call(
            assessment_api.GetProperty, assessment_pb2.GetPropertyRequest(property_id=candidate)
        )
        return bool(got.valuations[0].route == tax_pb2.VALUATION_ROUTE_STANDARD_RATE)

    property_id = max(filter(by_standard_rates, taxes), key=lambda p: taxes[p])
    owner = record_owner(assessor, property_id, person(5014, "Kari Nordmann"))
    set_calendar(appeals, f"{YEAR}-02-26")
    wait_for_deadline(appeals, property_id, None, 90, "appeals to learn of the tax base")
    case = owners_complaint(
        appeals,
        property_id,
        owner,
        "Kari Nordmann",
        ["Storgata 1", "0155 Oslo"],
        RECEIVED_ON,
        "Loftet er regnet med i BRA",
    )
    assert not case.late

    # The secretariat asks for a re-inspection, of use to the case until NEEDED_BY.
    cli(
        Role.SECRETARIAT,
        "appeals",
        "inspection",
        "request",
        case.case_id,
        "--note",
        "Mål opp loftet",
        "--on",
        REQUESTED_ON,
        "--needed-by",
        NEEDED_BY,
    )

    # Assessment queues it from appeals' InspectionRequested as the most urgent need.
    def first_need() -> inspections_pb2.InspectionNeed | None:
        needs = assessor.call(
            assessment_api.ListInspectionNeeds,
            inspections_pb2.ListInspectionNeedsRequest(on=PLANNED_ON, page_size=1000),
        ).needs
        return needs[0] if needs and needs[0].reason == "appeal" else None

    need = wait_for(first_need, 90, "assessment to queue the appeal's inspection need")
    assert (need.property_id, need.appeal_case_id, need.needed_by, need.priority) == (
        property_id,
        case.case_id,
        NEEDED_BY,
        1,
    )
    assert need.status == "open"
    listed = tmp_path / "needs.json"
    shown = cli(
        Role.ASSESSOR, "assessment", "inspections", "needs", "--on", PLANNED_ON, "--json", str(listed)
    )
    first = json.loads(listed.read_text(encoding="utf-8"))["needs"][0]
    assert (first["property_id"], first["appeal_case_id"], first["needed_by"]) == (
        property_id,
        case.case_id,
        NEEDED_BY,
    )
    assert "appeal 1" in shown
    table = cli(Role.ASSESSOR, "assessment", "inspections", "needs", "--on", PLANNED_ON)
    rows = [line.split() for line in table.splitlines() if line.strip()[:1].isdigit()]
    assert rows[0][:4] == ["1", property_id, *need.address.split()[:2]], table
    deadline = f"{date.fromisoformat(NEEDED_BY):%d.%m.%Y}"
    assert {"appeal", deadline} <= set(rows[0]), table  # the reason and the case's deadline

    # A week's plan visits it on the one working day before the case's deadline that anyone works.
    assessors = tmp_path / "assessors.csv"
    assessors.write_text(ASSESSORS, encoding="utf-8")
    plan_file = tmp_path / "plan.json"
    documents = tmp_path / "documents"
    cli(
        Role.ASSESSOR,
        "assessment",
        "inspections",
        "plan",
        "--from",
        WEEK[0],
        "--to",
        WEEK[1],
        "--assessors",
        str(assessors),
        "--absent",
        f"A1:{AWAY_ON}",
        "--absent",
        f"A2:{AWAY_ON}",
        "--planned-on",
        PLANNED_ON,
        "--json",
        str(plan_file),
        "--documents",
        str(documents),
    )
    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    assert plan["version"] == 1
    visits = [
        (day["assessor_id"], day["date"], stop)
        for day in plan["days"]
        for stop in day["stops"]
        if stop["property_id"] == property_id
    ]
    assert len(visits) == 1, f"the appeal's property is visited once: {plan}"
    assessor_id, visit_day, stop = visits[0]
    assert visit_day == NEEDED_BY
    assert stop["reason"] == "appeal" and stop["arrive"].startswith(visit_day)
    assert stop["window_start"] <= stop["arrive"] < stop["leave"] <= f"{visit_day}T23:59"
    assert property_id not in {u["property_id"] for u in plan["unplanned"]}
    assert plan["planned"] >= 1 and 0 < plan["share_planned"] <= 1
    assert all(AWAY_ON < d["date"] <= WEEK[1] for d in plan["days"]), plan["days"]
    route_sheet = documents / f"route-{assessor_id}-{visit_day}.pdf"
    assert route_sheet.read_bytes().startswith(b"%PDF")
    assert "<html" in (documents / "plan-map.html").read_text(encoding="utf-8").lower()

    # On the day, the assessor measures the ground floor and finds the standard below the usual:
    # a proposal from the field results, with its trace.
    recorded = cli(
        Role.ASSESSOR,
        "assessment",
        "inspections",
        "record",
        property_id,
        "--on",
        visit_day,
        "--assessor",
        assessor_id,
        "--floor",
        "1=120",
        "--inner-factor",
        "0.9",
        "--inner-reason",
        INNER_REASON,
        "--notes",
        "Loftet er uinnredet",
        "--photo",
        "IMG_0412.jpg",
    )
    assert INNER_REASON in recorded and "120" in recorded
    assert "0,9" in recorded or "0.9" in recorded  # the inner factor in the trace

    # The committee adopts it: the property's value in force is the one from the inspection, its trace
    # naming the measured floor and the inner factor with its reason.
    adopted = cli(
        Role.ASSESSOR,
        "assessment",
        "adopt",
        "--reference",
        "Sakkyndig nemnd sak 9/2024",
        "--property",
        property_id,
    )
    assert "Adopted 1 valuation" in adopted
    valuations = assessor.call(
        assessment_api.GetProperty, assessment_pb2.GetPropertyRequest(property_id=property_id)
    ).valuations
    newest = valuations[0]
    assert newest.adopted and newest.route == tax_pb2.VALUATION_ROUTE_STANDARD_RATE
    trace = " | ".join(f"{t.factor}={t.value} ({t.source})" for t in newest.trace)
    assert INNER_REASON in trace and "0.9" in trace, trace

    # Appeals files the inspection and the findings in the case (assessment's InspectionCompleted).
    def inspected() -> appeals_pb2.AppealCase | None:
        found = appeals.call(
            appeals_api.GetAppealCase, appeals_pb2.GetAppealCaseRequest(case_id=case.case_id)
        ).case
        return found if found.inspection_completed_on else None

    filed = wait_for(inspected, 90, "appeals to file the completed inspection in the case")
    assert filed.inspection_completed_on == visit_day
    assert INNER_REASON in filed.inspection_findings
    shown_case = cli(Role.SECRETARIAT, "appeals", "show", case.case_id)
    assert f"done {date.fromisoformat(visit_day):%d.%m.%Y}" in shown_case

    # The need is done: no longer among the open needs.
    after = assessor.call(
        assessment_api.ListInspectionNeeds,
        inspections_pb2.ListInspectionNeedsRequest(on=visit_day, page_size=1000),
    )
    assert property_id not in {n.property_id for n in after.needs}
