"""The one family of errors that services raise: each carries a message safe to show."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the change; `message` is shown to the user as it is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The actor lacks the right for this action (a reader, not a stranger)."""


class ValidationFailed(DomainError):
    """Input breaks a rule; `errors` maps field names (or None) to messages."""

    def __init__(self, errors: dict[str | None, list[str]]) -> None:
        first = next(iter(errors.values()))[0] if errors else ""
        super().__init__(first)
        self.errors = errors
