"""Domain-neutral errors that the API answers with their own HTTP status (governance.exceptions)."""


class Conflict(Exception):
    """The object moved on since the caller loaded it, or the action does not fit its state (409)."""

    def __init__(self, message: str, current_state: str = "", current_version: int | None = None):
        super().__init__(message)
        self.message = message
        self.current_state = current_state
        self.current_version = current_version


class IdempotencyMismatch(Exception):
    """An Idempotency-Key was used before with a different request body (422)."""
