"""Errors the domain and application raise; the gRPC layer turns them into status codes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str


class DomainError(Exception):
    """Base of the errors that are the caller's to fix (never a server fault)."""


class InvalidInput(DomainError):
    """Bad input, with one violation per offending field (→ INVALID_ARGUMENT + BadRequest)."""

    def __init__(self, violations: list[FieldViolation]) -> None:
        if not violations:
            raise ValueError("InvalidInput needs at least one violation")
        self.violations = violations
        super().__init__("; ".join(f"{v.field}: {v.description}" for v in violations))

    @classmethod
    def single(cls, field: str, description: str) -> InvalidInput:
        return cls([FieldViolation(field, description)])

    def prefixed(self, prefix: str) -> InvalidInput:
        """The same violations with field paths under `prefix` (e.g. "facts.")."""
        return InvalidInput([FieldViolation(prefix + v.field, v.description) for v in self.violations])


class NotFound(DomainError):
    """The named thing does not exist (→ NOT_FOUND)."""


class AlreadyExists(DomainError):
    """A thing with the same identity exists already (→ ALREADY_EXISTS)."""


class FailedPrecondition(DomainError):
    """The request is valid but not allowed in the current state (→ FAILED_PRECONDITION)."""


class Violations:
    """Collects field violations so that one response names every bad field at once."""

    def __init__(self) -> None:
        self._items: list[FieldViolation] = []

    def add(self, field: str, description: str) -> None:
        self._items.append(FieldViolation(field, description))

    @property
    def items(self) -> list[FieldViolation]:
        return list(self._items)

    @property
    def count(self) -> int:
        return len(self._items)

    def raise_if_any(self) -> None:
        if self._items:
            raise InvalidInput(list(self._items))
