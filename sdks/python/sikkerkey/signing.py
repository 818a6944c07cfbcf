"""The SikkerKey profile of RFC 9421 (docs/signing.md), on top of a small generic signature base.

The base builder is generic (any header field, the derived components without parameters) so the
RFC's own test vector runs through the same code as the profile.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import time
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

LABEL = "sk"
ALG = "ed25519"
TAG = "sikkerkey"
# @target-uri is left out on purpose: behind a TLS-terminating proxy its scheme differs between
# the client and the server.
BASE_COMPONENTS = ("@method", "@authority", "@path", "@query")
DIGEST_COMPONENT = "content-digest"

# The server's own rules (packages/signing/src/profile.ts): a nonce is a replay-store key drawn
# from characters that never need escaping; a key id is printable ASCII without space, quote or
# backslash so it is safe to log.
_NONCE = re.compile(r"[A-Za-z0-9+/=_.~-]{16,128}")
_KEY_ID = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]{1,256}")
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_PARAM_KEY = re.compile(r"[a-z*][a-z0-9_\-.*]*")
_DEFAULT_PORTS = {"http": 80, "https": 443}

ParamValue = Union[str, int, bool]
Headers = Union[Mapping[str, str], Iterable[Tuple[str, str]]]


class SigningError(ValueError):
    """A request that cannot be signed (bad component, bad parameter). Never names key material."""


def is_valid_nonce(nonce: str) -> bool:
    return _NONCE.fullmatch(nonce) is not None


def is_valid_key_id(key_id: str) -> bool:
    return _KEY_ID.fullmatch(key_id) is not None


def authority(url: str) -> str:
    """The Host header as sent: host in lower case, port only when not the scheme's default."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host or parts.scheme not in _DEFAULT_PORTS:
        raise SigningError("the URL needs an http(s) scheme and a host")
    if not host.isascii():
        raise SigningError("the URL's host must be ASCII (punycode for an international name)")
    try:
        port = parts.port
    except ValueError:
        raise SigningError("the URL's port is not a number from 0 to 65535") from None
    shown = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
        shown += f":{port}"
    return shown


def derived_component(name: str, method: str, url: str) -> str:
    """RFC 9421 section 2.2, the derived components the profile and the RFC vector use."""
    parts = urlsplit(url)
    if name == "@method":
        if not _TOKEN.fullmatch(method):
            raise SigningError("the method is not an HTTP token")
        return method.upper()
    if name == "@authority":
        return authority(url)
    if name == "@scheme":
        return parts.scheme.lower()
    if name == "@path":
        return parts.path or "/"
    if name == "@query":
        # Section 2.2.7: an absent or empty query is "?".
        return f"?{parts.query}" if parts.query else "?"
    if name == "@request-target":
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    raise SigningError(f'unsupported derived component "{name}"')


def field_value(headers: Headers, name: str) -> Optional[str]:
    """Section 2.1: every field line called ``name``, trimmed, combined with ", "."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    values = [str(v).strip() for k, v in pairs if k.lower() == name]
    if not values:
        return None
    value = ", ".join(re.sub(r"\r?\n[ \t]+", " ", v) for v in values)
    if "\r" in value or "\n" in value:
        raise SigningError(f'field "{name}" has a line break')
    return value


def _serialize_string(value: str) -> str:
    # RFC 8941 sf-string: printable ASCII only, with " and \ escaped.
    if any(not (0x20 <= ord(ch) <= 0x7E) for ch in value):
        raise SigningError("structured-field strings must be printable ASCII")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _serialize_param(key: str, value: ParamValue) -> str:
    if not _PARAM_KEY.fullmatch(key):
        raise SigningError(f'bad parameter name "{key}"')
    if isinstance(value, bool):  # before int: bool is an int in Python
        return f";{key}" if value else f";{key}=?0"
    if isinstance(value, int):
        if abs(value) > 999_999_999_999_999:
            raise SigningError("structured-field integers have at most 15 digits")
        return f";{key}={value}"
    if isinstance(value, str):
        return f";{key}={_serialize_string(value)}"
    raise SigningError("signature parameters take strings, integers or booleans")


def signature_params(components: Sequence[str], params: Sequence[Tuple[str, Optional[ParamValue]]]) -> str:
    """The ``Signature-Input`` member value: an RFC 8941 inner list with parameters, in the given order."""
    inner = "(" + " ".join(_serialize_string(c) for c in components) + ")"
    return inner + "".join(_serialize_param(k, v) for k, v in params if v is not None)


def signature_base(
    method: str,
    url: str,
    headers: Headers,
    components: Sequence[str],
    params: Sequence[Tuple[str, Optional[ParamValue]]],
) -> str:
    """The exact text that is signed (lines joined by ``\\n``, no trailing newline)."""
    if isinstance(headers, Mapping):
        headers = list(headers.items())
    else:
        headers = list(headers)
    seen = set()
    lines: List[str] = []
    for name in components:
        if name != name.lower() or name == "@signature-params":
            raise SigningError(f'bad component name "{name}"')
        if name in seen:
            raise SigningError(f'component "{name}" is listed twice')
        seen.add(name)
        value = derived_component(name, method, url) if name.startswith("@") else field_value(headers, name)
        if value is None:
            raise SigningError(f'the request has no "{name}" field')
        lines.append(f'"{name}": {value}')
    lines.append(f'"@signature-params": {signature_params(components, params)}')
    return "\n".join(lines)


def content_digest(body: bytes) -> str:
    """RFC 9530 ``Content-Digest`` with sha-256, the only algorithm the profile takes."""
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii") + ":"


def new_nonce() -> str:
    """16 random bytes, base64url without padding: the profile's default nonce."""
    return base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode("ascii")


def sign_request(
    method: str,
    url: str,
    *,
    key_id: str,
    key: Ed25519PrivateKey,
    body: Optional[bytes] = None,
    created: Optional[int] = None,
    nonce: Optional[str] = None,
    expires: Optional[int] = None,
) -> Dict[str, str]:
    """Signs a request with the SikkerKey profile.

    Returns the headers to add: ``signature-input``, ``signature`` and, for a non-empty body,
    ``content-digest``. Call it for every attempt: the server refuses a replayed nonce and a
    ``created`` more than 60 s off.
    """
    if not is_valid_key_id(key_id):
        raise SigningError("keyid must be 1-256 printable ASCII characters without space, quote or backslash")
    if created is None:
        created = int(time.time())
    if isinstance(created, bool) or not isinstance(created, int) or created < 0:
        raise SigningError("created must be unix seconds")
    if expires is not None and (isinstance(expires, bool) or not isinstance(expires, int) or expires <= created):
        raise SigningError("expires must be unix seconds after created")
    if nonce is None:
        nonce = new_nonce()
    if not is_valid_nonce(nonce):
        raise SigningError("nonce must be 16-128 base64, base64url or hex characters")

    added: Dict[str, str] = {}
    # An empty body is no body: no digest, and content-digest is not a covered component.
    if body:
        added["content-digest"] = content_digest(body)
    components = BASE_COMPONENTS + ((DIGEST_COMPONENT,) if body else ())
    # Parameter order is part of the signed text; this one is the profile's.
    params = [
        ("created", created),
        ("expires", expires),
        ("nonce", nonce),
        ("keyid", key_id),
        ("alg", ALG),
        ("tag", TAG),
    ]
    base = signature_base(method, url, added, components, params)
    signature = key.sign(base.encode("utf-8"))
    return {
        "signature-input": f"{LABEL}={signature_params(components, params)}",
        "signature": f"{LABEL}=:{base64.b64encode(signature).decode('ascii')}:",
        **added,
    }
