"""One HTTP exchange over the standard library's ``http.client``.

``http.client`` rather than ``urllib.request``: no redirects followed (a redirect would send a
signature made for one authority to another), no proxy picked up from the environment, and the
``Host`` header set to exactly the ``@authority`` that was signed.
"""

from __future__ import annotations

import errno
import http.client
import socket
import ssl
from dataclasses import dataclass
from typing import Callable, Dict, Optional
from urllib.parse import urlsplit

from .errors import NetworkError, RequestTimeoutError, SikkerKeyError


@dataclass
class HttpResponse:
    status: int
    #: Lower-case names; repeated fields joined with ", ".
    headers: Dict[str, str]
    body: bytes


class TransportFailure(Exception):
    """What a transport raises: the SDK error plus whether the request may have reached the server."""

    def __init__(self, error: SikkerKeyError, maybe_sent: bool) -> None:
        super().__init__(str(error))
        self.error = error
        self.maybe_sent = maybe_sent


#: ``transport(method, url, headers, body, timeout) -> HttpResponse``, raising TransportFailure.
Transport = Callable[[str, str, Dict[str, str], Optional[bytes], float], HttpResponse]

# Failures that happen before a byte of the request reaches the server: repeating them is always safe.
_NOT_SENT_ERRNOS = {
    errno.ECONNREFUSED,
    errno.EHOSTUNREACH,
    errno.ENETUNREACH,
    errno.EADDRNOTAVAIL,
}


def http_transport(ssl_context: Optional[ssl.SSLContext] = None) -> Transport:
    """A transport opening one connection per attempt (the SDK's requests are few and small)."""

    def send(method: str, url: str, headers: Dict[str, str], body: Optional[bytes], timeout: float) -> HttpResponse:
        parts = urlsplit(url)
        where = f"{method} {parts.scheme}://{parts.netloc}"
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connected = False
        conn: http.client.HTTPConnection
        if parts.scheme == "https":
            conn = http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=timeout, context=ssl_context or ssl.create_default_context()
            )
        else:
            conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
        try:
            conn.connect()
            connected = True
            # headers holds "host": http.client then sends that one instead of its own.
            conn.request(method, target, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            merged: Dict[str, str] = {}
            for name, value in response.getheaders():
                key = name.lower()
                merged[key] = f"{merged[key]}, {value}" if key in merged else value
            return HttpResponse(status=response.status, headers=merged, body=data)
        except (socket.timeout, TimeoutError) as cause:
            error: SikkerKeyError = RequestTimeoutError(
                f"no answer from {where} in time", code="TIMEOUT", is_retryable=True
            )
            # The socket's exception is kept as the cause: it names an address, never a header.
            error.__cause__ = cause
            raise TransportFailure(error, maybe_sent=connected) from cause
        except (OSError, http.client.HTTPException) as cause:
            name = errno.errorcode.get(getattr(cause, "errno", None) or -1)
            not_sent = not connected or isinstance(cause, socket.gaierror) or getattr(cause, "errno", None) in _NOT_SENT_ERRNOS
            detail = name or type(cause).__name__
            error = NetworkError(f"could not reach {where} ({detail})", code="NETWORK_ERROR", is_retryable=True)
            error.__cause__ = cause
            raise TransportFailure(error, maybe_sent=not not_sent) from cause
        finally:
            conn.close()

    return send
