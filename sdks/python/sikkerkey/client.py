"""The client: ``SikkerKey().get_fields("sk_db_prod")``."""

from __future__ import annotations

import json
import re
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Union
from urllib.parse import quote

from ._version import __version__
from .errors import InvalidArgumentError, InvalidResponseError, SikkerKeyError
from .identity import Credentials, Identity, credentials_from, load_identity
from .problem import error_from_response
from .retry import (
    DEFAULT_RETRIES,
    DEFAULT_RETRY_DELAY,
    DEFAULT_TIMEOUT,
    delay_before_retry,
    parse_retry_after,
    should_retry,
)
from .signing import authority, sign_request
from .transport import HttpResponse, Transport, TransportFailure, http_transport

# packages/protocol/src/names.ts: SECRET_ID_PATTERN
_SECRET_ID = re.compile(r"[a-z][a-z0-9_-]{1,63}")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")

FieldValue = Union[str, int, float]


@dataclass(frozen=True)
class Lease:
    """When a leased login expires. Times are ISO 8601 strings, as the server sends them."""

    id: str
    expires_at: str
    renewable: bool
    hard_max_at: Optional[str] = None


@dataclass(frozen=True)
class Secret:
    """The answer of :meth:`SikkerKey.get`: ``id, kind, fields, lease``, as the Node.js SDK's ``get``.

    ``fields`` is kept out of ``repr`` so logging a Secret does not log a password.
    """

    id: str
    kind: str
    fields: Dict[str, FieldValue] = field(repr=False)
    lease: Optional[Lease] = None

    def to_dict(self) -> Dict[str, Any]:
        """The wire shape, ``{"id", "kind", "fields", "lease"?}`` with the server's camelCase keys."""
        out: Dict[str, Any] = {"id": self.id, "kind": self.kind, "fields": dict(self.fields)}
        if self.lease is not None:
            lease: Dict[str, Any] = {
                "id": self.lease.id,
                "expiresAt": self.lease.expires_at,
                "renewable": self.lease.renewable,
            }
            if self.lease.hard_max_at is not None:
                lease["hardMaxAt"] = self.lease.hard_max_at
            out["lease"] = lease
        return out


@dataclass(frozen=True)
class MachineInfo:
    """The answer of :meth:`SikkerKey.whoami`: this machine as the server knows it."""

    machine_id: str
    name: str
    vault_id: str
    vault_name: str
    #: "pending", "enabled" or "disabled"
    status: str
    #: ``[{"id": ..., "name": ...}]``, the projects granted to the machine
    projects: List[Dict[str, str]]


class SikkerKey:
    """A client for the SikkerKey machine API.

    Every request is signed with the machine's Ed25519 key (RFC 9421) and signed afresh for each
    attempt; transient failures are retried with backoff; failures raise :class:`SikkerKeyError`.
    The identity is read on first use (and read again after a failure, so a process that starts
    before the machine enrolls recovers). Safe to share between threads.

    :param home: where ``identity.json`` lives (default ``$SIKKERKEY_HOME``, else ``~/.sikkerkey``)
    :param server: server base URL, overriding the identity's ``server``
    :param identity: an :class:`Identity` or ``{"server", "machineId", "privateKeyPem"}`` instead of the file
    :param timeout: seconds, for connecting and for each read of the answer (default 10)
    :param retries: how many times a transient failure is retried, 0-10 (default 2)
    :param retry_delay: first backoff step in seconds, doubled each retry with jitter (default 0.25)
    :param user_agent: appended to ``User-Agent: sikkerkey-sdk-python/<version>``
    :param ssl_context: for https servers with a private CA (default: the system's trust store)
    :param transport: replaces the HTTP layer (tests); see :mod:`sikkerkey.transport`
    :param sleep: how to wait between attempts (tests); default :func:`time.sleep`
    """

    def __init__(
        self,
        home: Optional[str] = None,
        server: Optional[str] = None,
        *,
        identity: Optional[Union[Identity, Mapping[str, Any]]] = None,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        retry_delay: float = DEFAULT_RETRY_DELAY,
        user_agent: Optional[str] = None,
        ssl_context: Optional[ssl.SSLContext] = None,
        transport: Optional[Transport] = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        # Option values are checked here, so a typo fails at construction rather than mid-request.
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < float("inf"):
            raise ValueError("timeout must be a positive number of seconds")
        if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= 10:
            raise ValueError("retries must be an integer from 0 to 10")
        if isinstance(retry_delay, bool) or not isinstance(retry_delay, (int, float)) or not 0 <= retry_delay < float("inf"):
            raise ValueError("retry_delay must be a non-negative number of seconds")
        self._home = home
        self._server = server
        self._identity = identity
        self._timeout = float(timeout)
        self._retries = retries
        self._retry_delay = float(retry_delay)
        base_agent = f"sikkerkey-sdk-python/{__version__}"
        self._user_agent = f"{base_agent} {user_agent}" if user_agent else base_agent
        self._transport = transport or http_transport(ssl_context)
        self._sleep = sleep
        self._credentials: Optional[Credentials] = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SikkerKey(home={self._home!r}, server={self._server!r})"

    def __enter__(self) -> "SikkerKey":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release (each attempt opens and closes its own connection); kept for parity
        with the Node.js SDK and for ``with SikkerKey() as sk:``."""

    def get(self, secret_id: str) -> Secret:
        """Reads a whole secret: ``Secret(id, kind, fields, lease)``.

        A leased secret answers with a login minted for this machine (``host, port, database,
        username, password``, port an int) and ``lease.expires_at``; reading again within the
        lease returns the same login.
        """
        if not isinstance(secret_id, str) or not _SECRET_ID.fullmatch(secret_id):
            raise InvalidArgumentError(
                "secret ids are 2–64 chars: lowercase letters, digits, '_' or '-', starting with a letter",
                code="INVALID_ARGUMENT",
            )
        response = self._send(f"/v1/secrets/{quote(secret_id, safe='')}")
        return _parse_secret(response)

    def get_fields(self, secret_id: str) -> Dict[str, FieldValue]:
        """Reads a secret's fields, e.g. ``db = sk.get_fields("sk_db_prod")`` then ``db["password"]``."""
        return self.get(secret_id).fields

    def whoami(self) -> MachineInfo:
        """Describes this machine: id, name, vault, status and granted projects. Works while pending."""
        return _parse_whoami(self._send("/v1/machines/me"))

    # --- internals -------------------------------------------------------------------------

    def _load_credentials(self) -> Credentials:
        with self._lock:
            # Cached only once it worked: a failed read is tried again by the next call.
            if self._credentials is None:
                identity = self._identity if self._identity is not None else load_identity(self._home)
                self._credentials = credentials_from(identity, self._server)
            return self._credentials

    def _send(self, path: str) -> HttpResponse:
        credentials = self._load_credentials()
        url = credentials.base_url + path
        attempt = 0
        while True:
            outcome = self._attempt(credentials, url)
            if isinstance(outcome, HttpResponse):
                return outcome
            if not should_retry(outcome, attempt=attempt, retries=self._retries, idempotent=True):
                raise outcome
            self._sleep(delay_before_retry(outcome, attempt, self._retry_delay))
            attempt += 1

    def _attempt(self, credentials: Credentials, url: str) -> Union[HttpResponse, SikkerKeyError]:
        """One signed exchange: the 2xx answer, or the error it amounts to."""
        headers = {
            "host": authority(url),
            "accept": "application/json",
            "user-agent": self._user_agent,
        }
        # Signed here, once per attempt: each attempt gets its own created and nonce.
        headers.update(sign_request("GET", url, key_id=credentials.key_id, key=credentials.key))
        try:
            response = self._transport("GET", url, headers, None, self._timeout)
        except TransportFailure as failure:
            # Reads are idempotent, so whether the request reached the server does not matter here.
            return failure.error
        if 200 <= response.status < 300:
            return response
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return error_from_response(response.status, response.headers, response.body, retry_after)


def _json_body(response: HttpResponse) -> Any:
    value: Any = None
    ok = True
    try:
        value = json.loads(response.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        # The body may hold a password: the parser's exception (which keeps it) is not chained.
        ok = False
    if not ok:
        raise _invalid(response, "the body is not JSON")
    return value


def _invalid(response: HttpResponse, why: str) -> InvalidResponseError:
    return InvalidResponseError(
        f"the server's answer does not follow the SikkerKey protocol: {why}",
        code="INVALID_RESPONSE",
        status=response.status,
        request_id=response.headers.get("x-request-id"),
    )


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _parse_secret(response: HttpResponse) -> Secret:
    # Names of what is wrong only, never the received values: they may be secrets.
    body = _json_body(response)
    if not isinstance(body, dict):
        raise _invalid(response, "unexpected shape ((root): expected an object)")
    secret_id, kind, fields, lease = body.get("id"), body.get("kind"), body.get("fields"), body.get("lease")
    if not _is_str(secret_id) or not _SECRET_ID.fullmatch(secret_id):
        raise _invalid(response, "unexpected shape (id: not a secret id)")
    if kind not in ("structured", "leased"):
        raise _invalid(response, "unexpected shape (kind: expected 'structured' or 'leased')")
    if not isinstance(fields, dict):
        raise _invalid(response, "unexpected shape (fields: expected an object)")
    for name, value in fields.items():
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise _invalid(response, f"unexpected shape (fields.{name}: expected a string or a number)")
    parsed_lease = None
    if lease is not None:
        if not isinstance(lease, dict):
            raise _invalid(response, "unexpected shape (lease: expected an object)")
        hard_max = lease.get("hardMaxAt")
        if (
            not _is_str(lease.get("id"))
            or not _is_str(lease.get("expiresAt"))
            or not _ISO_TIME.fullmatch(lease["expiresAt"])
            or not isinstance(lease.get("renewable"), bool)
            or (hard_max is not None and (not _is_str(hard_max) or not _ISO_TIME.fullmatch(hard_max)))
        ):
            raise _invalid(response, "unexpected shape (lease: expected id, expiresAt, renewable, hardMaxAt?)")
        parsed_lease = Lease(
            id=lease["id"], expires_at=lease["expiresAt"], renewable=lease["renewable"], hard_max_at=hard_max
        )
    return Secret(id=secret_id, kind=kind, fields=dict(fields), lease=parsed_lease)


def _parse_whoami(response: HttpResponse) -> MachineInfo:
    body = _json_body(response)
    keys = ("machineId", "name", "vaultId", "vaultName", "status")
    if not isinstance(body, dict) or not all(_is_str(body.get(k)) for k in keys):
        raise _invalid(response, "unexpected shape (expected machineId, name, vaultId, vaultName, status)")
    if body["status"] not in ("pending", "enabled", "disabled"):
        raise _invalid(response, "unexpected shape (status: expected pending, enabled or disabled)")
    projects = body.get("projects")
    if not isinstance(projects, list) or not all(
        isinstance(p, dict) and _is_str(p.get("id")) and _is_str(p.get("name")) for p in projects
    ):
        raise _invalid(response, "unexpected shape (projects: expected a list of {id, name})")
    return MachineInfo(
        machine_id=body["machineId"],
        name=body["name"],
        vault_id=body["vaultId"],
        vault_name=body["vaultName"],
        status=body["status"],
        projects=[{"id": p["id"], "name": p["name"]} for p in projects],
    )


__all__ = ["SikkerKey", "Secret", "Lease", "MachineInfo", "SikkerKeyError"]
