"""What the application layer needs from storage, as protocols (real ones in adapters/, fakes in tests)."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from services.assessment.domain.property import CadastralId, Property


class PropertyStore(Protocol):
    def add(self, prop: Property, registered_at: datetime) -> None: ...
    def get(self, property_id: str) -> Property | None: ...
    def exists_cadastral(self, cadastral_id: CadastralId) -> bool: ...


class AssessmentUnitOfWork(Protocol):
    @property
    def properties(self) -> PropertyStore: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def record(self, event: object) -> str: ...
    def commit(self) -> None: ...
    def now(self) -> datetime: ...
