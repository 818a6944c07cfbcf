"""The machine identity: ``$SIKKERKEY_HOME/identity.json``, as the ``sikkerkey`` CLI writes it.

Same file, same checks as the Node.js SDK (``@sikkerkey/signing``'s identity-file.ts): the home
folder is the ``home`` argument, else ``$SIKKERKEY_HOME``, else ``~/.sikkerkey`` (``$HOME``, or
``%USERPROFILE%``); a file others can read is refused. Messages name the path or the field, never
a value: the file holds a private key. Errors are raised outside any ``except`` block so no
parser exception (whose attributes may hold the file's text) rides along as ``__context__``.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Union
from urllib.parse import urlsplit, urlunsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .errors import IdentityError, InvalidArgumentError
from .signing import is_valid_key_id

IDENTITY_FILE = "identity.json"


@dataclass(frozen=True)
class Identity:
    """``{ server, machineId, privateKeyPem }``; the key is kept out of ``repr``."""

    server: str
    machine_id: str
    private_key_pem: str = field(repr=False)


@dataclass(frozen=True)
class Credentials:
    """An identity made ready to sign: the key parsed once, the server URL checked once."""

    base_url: str
    key_id: str
    key: Ed25519PrivateKey = field(repr=False)


def default_home(env: Optional[Mapping[str, str]] = None) -> str:
    env = os.environ if env is None else env
    if env.get("SIKKERKEY_HOME"):
        return env["SIKKERKEY_HOME"]
    home = env.get("HOME") or env.get("USERPROFILE")
    if not home:
        raise IdentityError("cannot find a home directory: set SIKKERKEY_HOME or HOME", code="IDENTITY_INVALID")
    return os.path.join(home, ".sikkerkey")


def identity_path(home: Optional[str] = None) -> str:
    return os.path.join(os.fspath(home) if home is not None else default_home(), IDENTITY_FILE)


def load_identity(home: Optional[Union[str, "os.PathLike[str]"]] = None) -> Identity:
    """Reads and checks ``<home>/identity.json``. Raises :class:`IdentityError`."""
    path = identity_path(os.fspath(home) if home is not None else None)
    failure: Optional[str] = None
    code = "IDENTITY_INVALID"
    text = ""
    try:
        with open(path, "rb") as file:
            # The mode is checked on the open handle, so the file checked is the file read.
            mode = os.fstat(file.fileno()).st_mode
            if sys.platform != "win32" and mode & 0o077:
                code = "IDENTITY_PERMISSIONS"
                failure = (
                    f"{path} is accessible by group or others (mode {stat.S_IMODE(mode):04o}); "
                    f"run: chmod 600 {path}"
                )
            else:
                raw = file.read()
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    failure = f"{path}: identity file is not valid JSON"
    except FileNotFoundError:
        code, failure = "IDENTITY_NOT_FOUND", f"no identity at {path}: enroll this machine first"
    except OSError as error:
        # strerror and the path only: no content was read.
        failure = f"cannot read the identity file: {error.strerror or type(error).__name__}: {path}"
    if failure is not None:
        raise IdentityError(failure, code=code)
    return parse_identity(text, where=path)


def parse_identity(text: str, *, where: str = "identity") -> Identity:
    """Parses identity.json text. Unknown fields are ignored so newer files still load."""
    value: Any = None
    valid_json = True
    try:
        value = json.loads(text)
    except ValueError:
        # json's exception keeps the whole document in .doc: it must not travel with our error.
        valid_json = False
    if not valid_json:
        raise IdentityError(f"{where}: identity file is not valid JSON", code="IDENTITY_INVALID")
    if not isinstance(value, dict):
        raise IdentityError(f"{where}: identity file must hold a JSON object", code="IDENTITY_INVALID")
    return check_identity(value.get("server"), value.get("machineId"), value.get("privateKeyPem"), where=where)


def check_identity(server: Any, machine_id: Any, private_key_pem: Any, *, where: str = "identity") -> Identity:
    if not isinstance(server, str) or _http_url_problem(server) is not None:
        raise IdentityError(f'{where}: identity field "server" must be an http(s) URL', code="IDENTITY_INVALID")
    if not isinstance(machine_id, str) or not is_valid_key_id(machine_id):
        raise IdentityError(
            f'{where}: identity field "machineId" must be 1-256 printable ASCII characters', code="IDENTITY_INVALID"
        )
    if not isinstance(private_key_pem, str):
        raise IdentityError(f'{where}: identity field "privateKeyPem" must be a string', code="IDENTITY_INVALID")
    if import_private_key(private_key_pem) is None:
        raise IdentityError(
            f'{where}: identity field "privateKeyPem" is not an Ed25519 PKCS#8 PEM private key',
            code="IDENTITY_INVALID",
        )
    return Identity(server=server, machine_id=machine_id, private_key_pem=private_key_pem)


def import_private_key(pem: str) -> Optional[Ed25519PrivateKey]:
    """The Ed25519 key of a PKCS#8 PEM, or None. The parser's own words are dropped: they could quote key material."""
    if "-----BEGIN PRIVATE KEY-----" not in pem:
        # PKCS#8 only, as the Node SDK: not an encrypted key, not OpenSSH's format.
        return None
    key: Any = None
    try:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError):
        key = None
    except Exception:  # cryptography's UnsupportedAlgorithm and friends: same answer, no detail
        key = None
    return key if isinstance(key, Ed25519PrivateKey) else None


def _http_url_problem(url: str) -> Optional[str]:
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or 0 <= parts.port <= 65535
    except ValueError:
        return "the server URL is not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        if parts.scheme and parts.scheme not in ("http", "https"):
            return f"the server URL must be http(s), not {parts.scheme}:"
        return "the server URL is not a valid URL"
    # Credentials in the URL would be sent to (and logged by) every proxy on the way.
    if parts.username is not None or parts.password is not None:
        return "the server URL must not contain a user name or password"
    return None


def server_base_url(server: str, *, override: bool) -> str:
    """The server URL without query, fragment or trailing slash, so ``base + "/v1/…"`` keeps a path prefix."""
    problem = _http_url_problem(server) if isinstance(server, str) else "the server URL is not a valid URL"
    if problem is not None:
        if override:
            raise InvalidArgumentError(problem, code="INVALID_ARGUMENT")
        raise IdentityError(problem, code="IDENTITY_INVALID")
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")).rstrip("/")


def credentials_from(identity: Union[Identity, Mapping[str, Any]], server: Optional[str]) -> Credentials:
    """Checks an identity (given or loaded) and parses its key once."""
    if isinstance(identity, Mapping):
        identity = check_identity(identity.get("server"), identity.get("machineId"), identity.get("privateKeyPem"))
    elif isinstance(identity, Identity):
        identity = check_identity(identity.server, identity.machine_id, identity.private_key_pem)
    else:
        raise InvalidArgumentError(
            "identity must be an Identity or a mapping with server, machineId and privateKeyPem",
            code="INVALID_ARGUMENT",
        )
    key = import_private_key(identity.private_key_pem)
    assert key is not None  # checked by check_identity
    base_url = server_base_url(server if server is not None else identity.server, override=server is not None)
    return Credentials(base_url=base_url, key_id=identity.machine_id, key=key)
