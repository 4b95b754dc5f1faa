import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2

from services.platform.errors import FieldViolation, InvalidInput, NotFound, Violations
from services.platform.grpc_status import status_code_of, to_rpc_status

pytestmark = pytest.mark.unit


def test_invalid_input_carries_every_field_violation() -> None:
    error = InvalidInput([FieldViolation("a", "bad a"), FieldViolation("b", "bad b")])
    status = to_rpc_status(error)
    assert status.code == grpc.StatusCode.INVALID_ARGUMENT
    details = dict(status.trailing_metadata)["grpc-status-details-bin"]
    parsed = status_pb2.Status.FromString(details)
    request = error_details_pb2.BadRequest()
    parsed.details[0].Unpack(request)
    assert [(v.field, v.description) for v in request.field_violations] == [
        ("a", "bad a"),
        ("b", "bad b"),
    ]


def test_other_domain_errors_map_to_their_codes() -> None:
    assert status_code_of(NotFound("x")) == grpc.StatusCode.NOT_FOUND
    assert to_rpc_status(NotFound("no such")).code == grpc.StatusCode.NOT_FOUND


def test_violations_collects_and_raises_once() -> None:
    problems = Violations()
    problems.raise_if_any()  # nothing yet
    problems.add("x", "wrong")
    problems.add("y", "wrong too")
    with pytest.raises(InvalidInput) as caught:
        problems.raise_if_any()
    assert [v.field for v in caught.value.violations] == ["x", "y"]
