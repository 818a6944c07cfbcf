"""The SDK's exceptions: one base class, subclasses by kind of failure.

Branch on ``code`` (stable, the same strings as the Node.js SDK and the server's problem
documents) or on the class; never on the message. No message, ``repr`` or exception chain built
here carries a private key, a token, a password or a secret value.
"""

from __future__ import annotations

from typing import Any, Dict, Optional


class SikkerKeyError(Exception):
    """Every failure of the SDK.

    ``status`` is the HTTP status of the answer, 0 when none was received (network, timeout,
    identity, argument). ``detail`` and ``request_id`` come from the server's problem document
    (``request_id`` falls back to the ``x-request-id`` header). ``retry_after`` is the server's
    ``Retry-After`` in seconds, when it sent one. ``is_retryable`` says whether the same request
    may succeed later; reads have already been retried ``retries`` times before this is raised.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status: int = 0,
        detail: Optional[str] = None,
        request_id: Optional[str] = None,
        is_retryable: bool = False,
        retry_after: Optional[float] = None,
        problem: Optional[Dict[str, Any]] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.detail = detail
        self.request_id = request_id
        self.is_retryable = is_retryable
        self.retry_after = retry_after
        self.problem = problem

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        extra = f", request_id={self.request_id!r}" if self.request_id else ""
        return f"{type(self).__name__}(code={self.code!r}, status={self.status}, message={self.message!r}{extra})"

    def __reduce__(self):  # type: ignore[override]
        # Keyword-only constructor arguments: rebuild from the attributes so errors pickle
        # (multiprocessing, concurrent.futures) instead of failing with a TypeError.
        return (_rebuild, (type(self), dict(self.__dict__)))


def _rebuild(cls: type, state: Dict[str, Any]) -> SikkerKeyError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


class IdentityError(SikkerKeyError):
    """``IDENTITY_NOT_FOUND`` (not enrolled yet), ``IDENTITY_INVALID`` or ``IDENTITY_PERMISSIONS``."""


class InvalidArgumentError(SikkerKeyError):
    """``INVALID_ARGUMENT``: refused before any request was made (a malformed secret id)."""


class NetworkError(SikkerKeyError):
    """``NETWORK_ERROR``: the request could not be sent or its answer not read."""


class RequestTimeoutError(NetworkError):
    """``TIMEOUT``: no answer within ``timeout``."""


class InvalidResponseError(SikkerKeyError):
    """``INVALID_RESPONSE``: a 2xx answer that does not follow the protocol."""


class ApiError(SikkerKeyError):
    """The server (or a proxy in front of it) answered with an error status.

    ``code`` is the problem document's code, or ``HTTP_ERROR`` when there was no SikkerKey problem
    document or its code is one this SDK does not know.
    """


class BadRequestError(ApiError):
    """HTTP 400."""


class AuthenticationError(ApiError):
    """HTTP 401: the signature was refused (``BAD_SIGNATURE``, ``UNKNOWN_KEY``, ``STALE_SIGNATURE``…)."""


class PermissionDeniedError(ApiError):
    """HTTP 403: ``MACHINE_PENDING``, ``MACHINE_DISABLED``, ``FORBIDDEN``…"""


class NotFoundError(ApiError):
    """HTTP 404: ``SECRET_NOT_FOUND`` means unknown *or* not granted; the server does not say which."""


class ConflictError(ApiError):
    """HTTP 409, e.g. ``LEASE_LIMIT_REACHED``."""


class RateLimitedError(ApiError):
    """HTTP 429 (``RATE_LIMITED``)."""


class ServerError(ApiError):
    """HTTP 5xx: ``MINT_FAILED``, ``PROVIDER_UNAVAILABLE``, ``STORE_UNAVAILABLE``, ``NOT_READY``, ``INTERNAL``."""


_BY_CODE = {
    "IDENTITY_NOT_FOUND": IdentityError,
    "IDENTITY_INVALID": IdentityError,
    "IDENTITY_PERMISSIONS": IdentityError,
    "INVALID_ARGUMENT": InvalidArgumentError,
    "NETWORK_ERROR": NetworkError,
    "TIMEOUT": RequestTimeoutError,
    "INVALID_RESPONSE": InvalidResponseError,
}

_BY_STATUS = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitedError,
}


def error_class(code: str, status: int) -> type:
    """The class for a code: client-side codes by code, server answers by their HTTP status."""
    if code in _BY_CODE:
        return _BY_CODE[code]
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServerError
    return ApiError


def make_error(message: str, *, code: str, status: int = 0, **fields: Any) -> SikkerKeyError:
    return error_class(code, status)(message, code=code, status=status, **fields)
