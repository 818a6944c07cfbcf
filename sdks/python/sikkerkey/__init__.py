"""SikkerKey SDK for Python: read secrets from a SikkerKey server as an enrolled machine.

>>> import sikkerkey
>>> sk = sikkerkey.SikkerKey()          # $SIKKERKEY_HOME/identity.json, written by `sikkerkey enroll`
>>> db = sk.get_fields("sk_db_prod")    # host, port, database, username, password
"""

from ._version import __version__
from .client import Lease, MachineInfo, Secret, SikkerKey
from .errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    IdentityError,
    InvalidArgumentError,
    InvalidResponseError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    SikkerKeyError,
)
from .identity import Identity, load_identity

__all__ = [
    "__version__",
    "SikkerKey",
    "Secret",
    "Lease",
    "MachineInfo",
    "Identity",
    "load_identity",
    "SikkerKeyError",
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "IdentityError",
    "InvalidArgumentError",
    "InvalidResponseError",
    "NetworkError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "RequestTimeoutError",
    "ServerError",
]
