"""Typed errors raised by services and mapped to HTTP responses (RFC 9457) by the web layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class SyndicateError(Exception):
    status = 500
    title = "Internal error"

    def __init__(self, detail: str, **extra: Any):
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str


class ValidationFailed(SyndicateError):
    status = 422
    title = "Invalid request"

    def __init__(self, errors: list[FieldError] | FieldError):
        errors = [errors] if isinstance(errors, FieldError) else list(errors)
        self.errors = errors
        detail = "; ".join(f"{e.field}: {e.message}" for e in errors)
        super().__init__(detail, errors=[{"field": e.field, "message": e.message} for e in errors])


class BadRequest(SyndicateError):
    status = 400
    title = "Bad request"


class NotFound(SyndicateError):
    status = 404
    title = "Not found"


class Gone(SyndicateError):
    """It existed and was removed for good (a deleted article's page): 410."""

    status = 410
    title = "Gone"


class Conflict(SyndicateError):
    status = 409
    title = "Conflict"


class PreconditionRequired(SyndicateError):
    status = 428
    title = "Precondition required"


class Unauthorized(SyndicateError):
    status = 401
    title = "Authentication required"

    def __init__(self, detail: str, *, invalid_token: bool = False, **extra: Any):
        super().__init__(detail, **extra)
        # RFC 6750 3: the challenge says which scheme, and whether the token sent was refused.
        self.challenge = 'Bearer realm="syndicate"' + (
            ', error="invalid_token"' if invalid_token else ""
        )


class Forbidden(SyndicateError):
    status = 403
    title = "Forbidden"


@dataclass
class FieldErrors:
    """Collects every problem of a payload so the client sees them all at once."""

    errors: list[FieldError] = field(default_factory=list)

    def add(self, name: str, message: str) -> None:
        self.errors.append(FieldError(name, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


class PayloadTooLarge(SyndicateError):
    status = 413
    title = "Payload too large"


class UnsupportedMediaType(SyndicateError):
    status = 415
    title = "Unsupported media type"
