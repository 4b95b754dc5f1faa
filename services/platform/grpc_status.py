"""Domain errors as gRPC status codes, with google.rpc.BadRequest field violations for bad input.

Every error leaves a server through here (the platform interceptor), bounded and masked:

* The status message and its details travel in trailing metadata (grpc-message, percent-encoded, and
  grpc-status-details-bin, base64), and a client refuses metadata past 8–16 KiB with RESOURCE_EXHAUSTED
  instead of the error. So each field name and description is cut to a length, at most MAX_VIOLATIONS are
  listed (then one "… and N more problems" entry), and the whole stays within MAX_STATUS_BYTES on the
  wire, whatever the input a message echoes.
* A national identity number in a message (a property id that is one, an echoed value) is masked.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from dataclasses import dataclass

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from services.platform.errors import (
    AlreadyExists,
    DomainError,
    FailedPrecondition,
    FieldViolation,
    InvalidInput,
    NotFound,
)
from services.platform.identity import mask_national_ids

_CODES: list[tuple[type[DomainError], int, grpc.StatusCode]] = [
    (InvalidInput, code_pb2.INVALID_ARGUMENT, grpc.StatusCode.INVALID_ARGUMENT),
    (NotFound, code_pb2.NOT_FOUND, grpc.StatusCode.NOT_FOUND),
    (AlreadyExists, code_pb2.ALREADY_EXISTS, grpc.StatusCode.ALREADY_EXISTS),
    (FailedPrecondition, code_pb2.FAILED_PRECONDITION, grpc.StatusCode.FAILED_PRECONDITION),
]

MAX_FIELD_CHARS = 200
MAX_DESCRIPTION_CHARS = 200
MAX_MESSAGE_CHARS = 1000
MAX_VIOLATIONS = 50
# Message and details together, as encoded on the wire: well under gRPC's 8 KiB metadata soft limit,
# leaving room for the other trailers.
MAX_STATUS_BYTES = 6 * 1024
# The message is cut to this first (the details list the problems, and it travels twice: in grpc-message
# and inside the details)...
_SHORT_MESSAGE_CHARS = 250
# ...then fewer violations are listed; last, the message and the violations' texts are cut down to this.
_MIN_TEXT_CHARS = 100
_DETAILS_KEY = "grpc-status-details-bin"
_MESSAGE_KEY = "grpc-message"
# An entry that already says how many more problems an import left unlisted (file_rows' "… and N more
# errors"): counted by its N when it is left out too.
_MORE_ENTRY = re.compile(r"^… and (\d+) more")


def status_code_of(error: DomainError) -> grpc.StatusCode:
    for kind, _, code in _CODES:
        if isinstance(error, kind):
            return code
    return grpc.StatusCode.FAILED_PRECONDITION


def _visible(text: str) -> str:
    # An echoed value may carry terminal escapes (ESC, BEL) or NUL bytes that a terminal would act on:
    # they are shown as \xNN escapes instead.
    return "".join(
        f"\\x{ord(c):02x}" if unicodedata.category(c) == "Cc" and c not in "\n" else c for c in text
    )


def bounded_text(text: str, limit: int) -> str:
    """`text` with national identity numbers masked, valid UTF-8, cut to `limit` characters (ending in
    "…" when cut). Only a window a little longer than the limit is looked at, so a huge echoed value costs
    nothing; a number across the cut is masked before the text is cut, so no part of one shows."""
    window = text[: limit + 32]
    masked = _visible(mask_national_ids(window.encode("utf-8", "replace").decode("utf-8")))
    if len(text) <= limit and len(masked) <= limit:
        return masked
    return masked[: max(limit - 1, 0)] + "…"


def _percent_encoded_size(text: str) -> int:
    """Bytes of grpc-message on the wire: printable ASCII but "%" as is, every other byte as %XX."""
    return sum(1 if 0x20 <= b <= 0x7E and b != 0x25 else 3 for b in text.encode("utf-8"))


def wire_size(status: status_pb2.Status) -> int:
    """Bytes the status takes in trailing metadata: the percent-encoded message and the base64 details."""
    details = len(base64.b64encode(status.SerializeToString()))
    return len(_MESSAGE_KEY) + _percent_encoded_size(status.message) + len(_DETAILS_KEY) + details


def _more_than(dropped: list[FieldViolation]) -> int:
    count = 0
    for violation in dropped:
        said = _MORE_ENTRY.match(violation.description)
        count += int(said.group(1)) if said else 1
    return count


@dataclass
class _Limits:
    message: int = MAX_MESSAGE_CHARS
    field: int = MAX_FIELD_CHARS
    description: int = MAX_DESCRIPTION_CHARS
    listed: int = MAX_VIOLATIONS


def _build(
    code: int, message: str, violations: list[FieldViolation] | None, limits: _Limits
) -> status_pb2.Status:
    if violations is None:
        return status_pb2.Status(code=code, message=bounded_text(message, limits.message))
    listed = violations[: limits.listed]
    more = _more_than(violations[limits.listed :])
    entries = [
        error_details_pb2.BadRequest.FieldViolation(
            field=bounded_text(v.field, limits.field),
            description=bounded_text(v.description, limits.description),
        )
        for v in listed
    ]
    text = "; ".join(f"{e.field}: {e.description}" for e in entries)
    if more:
        entries.append(
            error_details_pb2.BadRequest.FieldViolation(
                field="more", description=f"… and {more} more problems"
            )
        )
        text = f"{bounded_text(text, max(limits.message - 30, 1))}; … and {more} more problems"
    status = status_pb2.Status(code=code, message=bounded_text(text, limits.message))
    detail = any_pb2.Any()
    detail.Pack(error_details_pb2.BadRequest(field_violations=entries))
    status.details.append(detail)
    return status


def bounded_status(
    code: int, message: str, violations: list[FieldViolation] | None = None
) -> status_pb2.Status:
    """The status for `code` with `message` (and, for bad input, field violations), masked and cut so that
    it stays within MAX_STATUS_BYTES: a shorter message first, then fewer violations, then shorter texts."""
    limits = _Limits()
    status = _build(code, message, violations, limits)
    while wire_size(status) > MAX_STATUS_BYTES:
        if limits.message > _SHORT_MESSAGE_CHARS:
            limits.message = max(_SHORT_MESSAGE_CHARS, limits.message // 2)
        elif violations is not None and limits.listed > 1:
            limits.listed = max(1, min(limits.listed, len(violations)) * 3 // 4)
        elif limits.message > _MIN_TEXT_CHARS:
            limits.message = max(_MIN_TEXT_CHARS, limits.message // 2)
        elif limits.description > _MIN_TEXT_CHARS or limits.field > _MIN_TEXT_CHARS:
            limits.description = max(_MIN_TEXT_CHARS, limits.description // 2)
            limits.field = max(_MIN_TEXT_CHARS, limits.field // 2)
        else:  # unreachable by the limits' sizes: 100-character texts fit in any case
            break
        status = _build(code, message, violations, limits)
    return status


def to_rpc_status(error: DomainError) -> grpc.Status:
    code = next((c for kind, c, _ in _CODES if isinstance(error, kind)), code_pb2.FAILED_PRECONDITION)
    violations = error.violations if isinstance(error, InvalidInput) else None
    return rpc_status.to_status(bounded_status(code, str(error), violations))


def bounded_message(message: str) -> str:
    """A plain status message (no details: auth, deadline, internal errors), masked and cut like the rest."""
    return str(bounded_status(code_pb2.UNKNOWN, message).message)


def field_violation_list(error: grpc.RpcError) -> list[tuple[str, str]]:
    """Client side: the BadRequest field violations carried by an error, in order, as (field,
    description); a field may come more than once (an import's line with two bad columns)."""
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    found: list[tuple[str, str]] = []
    if status is None:
        return found
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            found.extend((v.field, v.description) for v in bad_request.field_violations)
    return found


def field_violations(error: grpc.RpcError) -> dict[str, str]:
    """Client side: the BadRequest field violations carried by an error, as {field: description}."""
    return dict(field_violation_list(error))
