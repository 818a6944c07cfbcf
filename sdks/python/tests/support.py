"""Shared by the tests: import the SDK from this checkout, find the RFC vectors, make keys."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

SDK_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = SDK_ROOT.parents[1]
# The sources in this checkout, ahead of any installed copy: these tests are about this code.
sys.path.insert(0, str(SDK_ROOT))

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

# Like packages/signing/src/testing/vectors.ts: the vectors are not in the repository but in
# shared/vectors beside its root folder (CI lays a copy there). A missing folder fails the tests.
VECTORS = REPO_ROOT.parent / "shared" / "vectors"


def load_vectors(name: str) -> Any:
    with open(VECTORS / name, encoding="utf-8") as file:
        return json.load(file)


def new_key_pem() -> Tuple[Ed25519PrivateKey, str]:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    return key, pem


def write_identity(home: str, identity: Dict[str, Any], mode: int = 0o600, raw: Optional[str] = None) -> str:
    os.makedirs(home, mode=0o700, exist_ok=True)
    path = os.path.join(home, "identity.json")
    with open(path, "w", encoding="utf-8") as file:
        file.write(raw if raw is not None else json.dumps(identity, indent=2) + "\n")
    os.chmod(path, mode)
    return path


def parse_signature_input(value: str) -> Tuple[List[str], Dict[str, str]]:
    """A deliberately separate, naive parser of our own Signature-Input, for checking what was sent."""
    assert value.startswith("sk=("), value
    inner, _, rest = value[4:].partition(")")
    components = [c.strip('"') for c in inner.split(" ") if c]
    params: Dict[str, str] = {}
    for piece in rest.split(";")[1:]:
        key, _, val = piece.partition("=")
        params[key] = val
    return components, params
