"""Turning an error answer into a :class:`SikkerKeyError` (RFC 9457 problem documents).

Mirrors ``packages/sdk/src/problem.ts``. The code table is a copy of ``ERROR_STATUS`` in
``packages/protocol/src/errors.ts`` (a unit test keeps the two equal).
"""

from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional

from .errors import SikkerKeyError, make_error

#: Every code the server sends, with its HTTP status.
ERROR_STATUS: Dict[str, int] = {
    "VALIDATION_FAILED": 400,
    "MALFORMED_JSON": 400,
    "INVALID_LEASE_POLICY": 400,
    "MALFORMED_REQUEST": 400,
    "UNAUTHENTICATED": 401,
    "UNSIGNED_REQUEST": 401,
    "MALFORMED_SIGNATURE": 401,
    "UNKNOWN_KEY": 401,
    "SIGNATURE_PROFILE": 401,
    "MISSING_COMPONENT": 401,
    "DIGEST_MISMATCH": 401,
    "STALE_SIGNATURE": 401,
    "REPLAYED_NONCE": 401,
    "BAD_SIGNATURE": 401,
    "ENROLLMENT_TOKEN_INVALID": 401,
    "INVALID_CREDENTIALS": 401,
    "FORBIDDEN": 403,
    "OWNER_ONLY": 403,
    "MACHINE_DISABLED": 403,
    "MACHINE_PENDING": 403,
    "CSRF_FAILED": 403,
    "NOT_FOUND": 404,
    "SECRET_NOT_FOUND": 404,
    "ROUTE_NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "ALREADY_EXISTS": 409,
    "ALREADY_INITIALIZED": 409,
    "AMBIGUOUS_NAME": 409,
    "CONFLICT": 409,
    "LEASE_LIMIT_REACHED": 409,
    "REQUEST_TIMEOUT": 408,
    "PAYLOAD_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "RATE_LIMITED": 429,
    "HEADERS_TOO_LARGE": 431,
    "INTERNAL": 500,
    "MINT_FAILED": 502,
    "PROVIDER_UNAVAILABLE": 503,
    "STORE_UNAVAILABLE": 503,
    "NOT_READY": 503,
}

#: Codes worth retrying: the request was fine, the moment was not. Nothing else is, by code.
RETRYABLE_CODES = frozenset({"RATE_LIMITED", "PROVIDER_UNAVAILABLE", "STORE_UNAVAILABLE", "NOT_READY"})

#: Statuses that mean "not now" when there is no problem document to ask (a proxy's error page)
#: or its code is one this SDK does not know.
RETRYABLE_STATUS = frozenset({429, 502, 503, 504})


def is_known_code(code: Any) -> bool:
    return isinstance(code, str) and code in ERROR_STATUS


def is_retryable(code: Optional[str], status: int) -> bool:
    """The retry decision of docs/signing.md ("Writing a client elsewhere", step 3), for an answer."""
    if is_known_code(code):
        return code in RETRYABLE_CODES
    return status in RETRYABLE_STATUS


def parse_problem(body: bytes) -> Optional[Dict[str, Any]]:
    """A problem document as received, or None when the body is not one.

    Like the Node SDK, the body is tried whatever its Content-Type, and ``code`` may be any string
    (a newer server may send codes this SDK predates) so its detail and request id still show.
    """
    try:
        value = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(value, dict):
        return None
    problem: Dict[str, Any] = {}
    for key in ("type", "title", "code"):
        if not isinstance(value.get(key), str):
            return None
        problem[key] = value[key]
    status = value.get("status")
    if not isinstance(status, int) or isinstance(status, bool):
        return None
    problem["status"] = status
    for key in ("detail", "instance", "requestId"):
        if key in value:
            if not isinstance(value[key], str):
                return None
            problem[key] = value[key]
    if "errors" in value:
        errors = value["errors"]
        if not isinstance(errors, list) or not all(
            isinstance(e, dict) and isinstance(e.get("path"), str) and isinstance(e.get("message"), str)
            for e in errors
        ):
            return None
        problem["errors"] = [{"path": e["path"], "message": e["message"]} for e in errors]
    return problem


def error_from_response(
    status: int, headers: Mapping[str, str], body: bytes, retry_after: Optional[float]
) -> SikkerKeyError:
    """Turns a non-2xx answer into an exception. The body is read only as a problem document."""
    problem = parse_problem(body)
    request_id = (problem or {}).get("requestId") or headers.get("x-request-id")
    common = dict(status=status, request_id=request_id, problem=problem, retry_after=retry_after)
    if problem is not None and is_known_code(problem["code"]):
        detail = problem.get("detail")
        message = f"{problem['title']}: {detail}" if detail else problem["title"]
        # The server's code is the authority: a 502 MINT_FAILED is not worth repeating, a 503
        # STORE_UNAVAILABLE is.
        return make_error(
            message, code=problem["code"], detail=detail, is_retryable=is_retryable(problem["code"], status), **common
        )
    if problem is not None:
        message = f"{problem['title']} ({problem['code']}, HTTP {status})"
    else:
        message = f"the server answered HTTP {status} without a problem document"
    return make_error(
        message,
        code="HTTP_ERROR",
        detail=(problem or {}).get("detail"),
        is_retryable=is_retryable(None, status),
        **common,
    )
