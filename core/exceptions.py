"""Errors raised by services. Their messages are already translated and safe to show to the user."""


class DomainError(Exception):
    """A business rule refused the change; `str(error)` is the message for the user."""


class ConflictError(DomainError):
    """Someone else saved the same record since the user loaded it.

    `changed` names the fields (verbose names) that the other person changed.
    """

    def __init__(self, message: str, *, changed: list[str] | None = None) -> None:
        super().__init__(message)
        self.changed = changed or []
