"""The reference implementation's errors: a branch of the harness's one exception tree.

::

    HarnessError                       (harness.errors)
    └── ReferenceServiceError          BOS or BCS could not do what was asked
        ├── RequestBodyError               an HTTP body that is not the contract's shape
        ├── ResolverError                  BOS could not get an answer from BCS
        └── StorageError                   the SQLite database failed

Inside a service these never escape to the bus: a bad HTTP body becomes a 400 with the
error's ``detail``, a ResolverError becomes a ``resolution_failed`` denial.
"""

from __future__ import annotations

from harness.errors import HarnessError


class ReferenceServiceError(HarnessError):
    """Root of the reference services' errors."""


class RequestBodyError(ReferenceServiceError):
    """An HTTP request body that breaks the expected shape, at ``field``."""

    def __init__(self, model: str, field: str, reason: str) -> None:
        self.model = model
        self.field = field
        self.reason = reason
        where = f" at {field!r}" if field else ""
        super().__init__(f"invalid {model}{where}: {reason}")

    @property
    def detail(self) -> str:
        """The text an HTTP client gets in ``detail``."""
        return str(self)


class ResolverError(ReferenceServiceError):
    """BCS could not be asked, or answered something that is not a resolution."""

    def __init__(self, url: str, reason: str, *, status: int | None = None) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        shown = f" (HTTP {status})" if status is not None else ""
        super().__init__(
            f"pipeline resolution via {url} failed{shown}: {reason}",
            hint="is BCS running, and is OrchestratorConfig.bcs_url right?",
        )


class StorageError(ReferenceServiceError):
    """A SQLite operation failed."""

    def __init__(self, path: str, doing: str, cause: Exception) -> None:
        self.path = path
        self.doing = doing
        self.cause = cause
        super().__init__(f"database {path}: {doing}: {cause}")
