import base64
import unittest

from support import load_vectors, new_key_pem, parse_signature_input

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sikkerkey.identity import import_private_key
from sikkerkey.signing import (
    SigningError,
    authority,
    content_digest,
    sign_request,
    signature_base,
    signature_params,
)


class Rfc8032(unittest.TestCase):
    """RFC 8032 section 7.1, TEST 1 and TEST 2: the Ed25519 we sign with is the standard one."""

    def test_public_key_and_signature(self):
        vectors = load_vectors("rfc8032-ed25519.json")["vectors"]
        self.assertEqual(len(vectors), 2)
        for v in vectors:
            key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(v["secret_key"]))
            public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            self.assertEqual(public.hex(), v["public_key"])
            self.assertEqual(key.sign(bytes.fromhex(v["message"])).hex(), v["signature"])


class Rfc9421B26(unittest.TestCase):
    """RFC 9421 Appendix B.2.6 through the same generic code the profile uses."""

    COMPONENTS = ["date", "@method", "@path", "@authority", "content-type", "content-length"]
    PARAMS = [("created", 1618884473), ("keyid", "test-key-ed25519")]

    def setUp(self):
        self.v = load_vectors("rfc9421-b2.6-ed25519.json")
        headers = self.v["request"]["headers"]
        host = dict(headers)["Host"]
        self.url = f"https://{host}{self.v['request']['target']}"
        self.headers = [tuple(h) for h in headers]

    def base(self):
        return signature_base(self.v["request"]["method"], self.url, self.headers, self.COMPONENTS, self.PARAMS)

    def test_signature_base_byte_for_byte(self):
        self.assertEqual(self.base(), self.v["signature_base"])

    def test_signature_input_byte_for_byte(self):
        self.assertEqual(f"sig-b26={signature_params(self.COMPONENTS, self.PARAMS)}", self.v["signature_input"])

    def test_signature_byte_for_byte_with_the_pem_key(self):
        # The key goes through the SDK's own PEM import, as an identity's key does.
        key = import_private_key(self.v["key"]["private_pem"])
        self.assertIsNotNone(key)
        signature = key.sign(self.base().encode("utf-8"))
        self.assertEqual(f"sig-b26=:{base64.b64encode(signature).decode()}:", self.v["signature"])
        public = serialization.load_pem_public_key(self.v["key"]["public_pem"].encode())
        public.verify(signature, self.base().encode("utf-8"))  # raises if it does not verify

    def test_a_changed_component_changes_the_base(self):
        components = ["@method", "@path", "@authority", "date", "content-type", "content-length"]
        self.assertNotEqual(
            signature_base("POST", self.url, self.headers, components, self.PARAMS), self.v["signature_base"]
        )


class Profile(unittest.TestCase):
    def test_docs_example_base(self):
        # docs/signing.md's worked example, with a fixed created and nonce.
        key, _ = new_key_pem()
        headers = sign_request(
            "get",
            "http://127.0.0.1:8420/v1/secrets/sk_db_prod",
            key_id="mach_abc",
            key=key,
            created=1764480000,
            nonce="mW2c3Z4Rk9Pq1vXb7yTg0A",
        )
        params = '("@method" "@authority" "@path" "@query");created=1764480000;nonce="mW2c3Z4Rk9Pq1vXb7yTg0A";keyid="mach_abc";alg="ed25519";tag="sikkerkey"'
        self.assertEqual(headers["signature-input"], f"sk={params}")
        self.assertNotIn("content-digest", headers)
        expected_base = "\n".join(
            [
                '"@method": GET',
                '"@authority": 127.0.0.1:8420',
                '"@path": /v1/secrets/sk_db_prod',
                '"@query": ?',
                f'"@signature-params": {params}',
            ]
        )
        sig = headers["signature"]
        self.assertTrue(sig.startswith("sk=:") and sig.endswith(":"))
        key.public_key().verify(base64.b64decode(sig[4:-1]), expected_base.encode())

    def test_body_adds_content_digest_last(self):
        key, _ = new_key_pem()
        body = b'{"hello": "world"}'
        headers = sign_request("POST", "https://h.example/v1/enroll", key_id="thumb", key=key, body=body)
        # RFC 9530's own example value for this body.
        self.assertEqual(headers["content-digest"], "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:")
        self.assertEqual(content_digest(body), headers["content-digest"])
        components, params = parse_signature_input(headers["signature-input"])
        self.assertEqual(components, ["@method", "@authority", "@path", "@query", "content-digest"])
        self.assertEqual(list(params), ["created", "nonce", "keyid", "alg", "tag"])
        base = signature_base(
            "POST", "https://h.example/v1/enroll", headers, components,
            [("created", int(params["created"])), ("nonce", params["nonce"].strip('"')),
             ("keyid", "thumb"), ("alg", "ed25519"), ("tag", "sikkerkey")],
        )
        self.assertIn('"content-digest": sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:', base)
        key.public_key().verify(base64.b64decode(headers["signature"][4:-1]), base.encode())

    def test_empty_body_is_no_body(self):
        key, _ = new_key_pem()
        headers = sign_request("POST", "http://h/x", key_id="k", key=key, body=b"")
        self.assertNotIn("content-digest", headers)
        self.assertNotIn("content-digest", headers["signature-input"])

    def test_fresh_nonce_and_created_each_call(self):
        key, _ = new_key_pem()
        a = parse_signature_input(sign_request("GET", "http://h/x", key_id="k", key=key)["signature-input"])[1]
        b = parse_signature_input(sign_request("GET", "http://h/x", key_id="k", key=key)["signature-input"])[1]
        self.assertNotEqual(a["nonce"], b["nonce"])
        self.assertRegex(a["nonce"], r'^"[A-Za-z0-9_-]{22}"$')
        import time

        self.assertLessEqual(abs(int(a["created"]) - time.time()), 2)

    def test_authority_and_query(self):
        self.assertEqual(authority("https://Example.COM:443/a"), "example.com")
        self.assertEqual(authority("http://example.com:80/a"), "example.com")
        self.assertEqual(authority("http://H.example:8080/p"), "h.example:8080")
        self.assertEqual(authority("http://[::1]:8420/p"), "[::1]:8420")
        base = signature_base("GET", "http://h:1/p?x=1&y", {}, ["@query", "@path"], [])
        self.assertEqual(base.split("\n")[:2], ['"@query": ?x=1&y', '"@path": /p'])
        self.assertEqual(signature_base("GET", "http://h/p?", {}, ["@query"], []).split("\n")[0], '"@query": ?')

    def test_refusals(self):
        key, _ = new_key_pem()
        for kwargs in (
            dict(key_id='has"quote'),
            dict(key_id="k", nonce="short"),
            dict(key_id="k", created=-1),
        ):
            with self.assertRaises(SigningError):
                sign_request("GET", "http://h/x", key=key, **kwargs)
        for components in (["x-missing"], ["@method", "@method"], ["Date"], ["@status"], ["@signature-params"]):
            with self.assertRaises(SigningError):
                signature_base("GET", "http://h/x", {}, components, [])
        with self.assertRaises(SigningError):
            signature_base("GE T", "http://h/x", {}, ["@method"], [])

    def test_verifies_with_the_public_key_only(self):
        key, _ = new_key_pem()
        other, _ = new_key_pem()
        headers = sign_request("GET", "http://h/x", key_id="k", key=key)
        components, params = parse_signature_input(headers["signature-input"])
        base = signature_base(
            "GET", "http://h/x", {}, components,
            [("created", int(params["created"])), ("nonce", params["nonce"].strip('"')),
             ("keyid", "k"), ("alg", "ed25519"), ("tag", "sikkerkey")],
        )
        sig = base64.b64decode(headers["signature"][4:-1])
        key.public_key().verify(sig, base.encode())
        from cryptography.exceptions import InvalidSignature

        with self.assertRaises(InvalidSignature):
            other.public_key().verify(sig, base.encode())
        self.assertIsInstance(key.public_key(), Ed25519PublicKey)


if __name__ == "__main__":
    unittest.main()
