"""No private key, token or returned password in an exception's message, repr or traceback."""

import json
import os
import pickle
import tempfile
import traceback
import unittest

from support import new_key_pem, write_identity

import sikkerkey
from sikkerkey.identity import credentials_from, load_identity
from sikkerkey.transport import HttpResponse

PASSWORD = "Pw9secretVALUEx7Qz"


def everything_about(error):
    """Message, repr and the traceback Python would print, chained exceptions included."""
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return "\n".join([str(error), repr(error), text, repr(error.__dict__)])


def key_body(pem):
    return "".join(line for line in pem.splitlines() if "-----" not in line)


class Hidden(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.home = os.path.join(self.tmp.name, "h")
        _, self.pem = new_key_pem()
        self.identity = {"server": "http://127.0.0.1:1", "machineId": "mach_1", "privateKeyPem": self.pem}

    def tearDown(self):
        self.tmp.cleanup()

    def assertHidden(self, error, *secrets):
        text = everything_about(error)
        for secret in secrets:
            self.assertNotIn(secret, text)
        return text

    def test_identity_file_that_is_not_json(self):
        # A broken file around a valid key: json's exception would carry the whole text in .doc.
        write_identity(self.home, {}, raw=json.dumps(self.identity)[:-1] + ",")
        with self.assertRaises(sikkerkey.IdentityError) as caught:
            load_identity(self.home)
        self.assertHidden(caught.exception, key_body(self.pem), key_body(self.pem)[:40])
        self.assertIsNone(caught.exception.__context__)
        self.assertIsNone(caught.exception.__cause__)

    def test_identity_with_a_broken_key(self):
        broken = self.pem.replace(key_body(self.pem)[:8], "AAAAAAAA")
        write_identity(self.home, {**self.identity, "privateKeyPem": broken})
        with self.assertRaises(sikkerkey.IdentityError) as caught:
            load_identity(self.home)
        self.assertHidden(caught.exception, key_body(broken)[:40], key_body(self.pem)[8:40])
        self.assertIsNone(caught.exception.__context__)

    def test_identity_with_a_bad_server_does_not_quote_the_file(self):
        with self.assertRaises(sikkerkey.IdentityError) as caught:
            credentials_from({**self.identity, "server": "ftp://" + PASSWORD}, None)
        self.assertHidden(caught.exception, key_body(self.pem)[:40])

    def test_reprs(self):
        identity = load_identity(write_identity(self.home, self.identity) and self.home)
        self.assertNotIn(key_body(self.pem)[:40], repr(identity))
        creds = credentials_from(identity, None)
        self.assertNotIn("key=", repr(creds))
        secret = sikkerkey.Secret("sk_db", "leased", {"username": "u", "password": PASSWORD})
        self.assertNotIn(PASSWORD, repr(secret))
        self.assertNotIn(PASSWORD, repr(sikkerkey.SikkerKey(identity=self.identity)))

    def client(self, *responses):
        answers = list(responses)
        return sikkerkey.SikkerKey(
            identity=self.identity, transport=lambda *a: answers.pop(0), sleep=lambda s: None, retries=0
        )

    def test_malformed_answers_with_a_password_in_them(self):
        bodies = [
            # a field of the wrong type next to the password
            {"id": "sk_db", "kind": "leased", "fields": {"password": PASSWORD, "port": True}},
            # a bad lease
            {"id": "sk_db", "kind": "leased", "fields": {"password": PASSWORD}, "lease": {"id": PASSWORD}},
            # a bad kind, with the password as the kind
            {"id": "sk_db", "kind": PASSWORD, "fields": {}},
        ]
        for body in bodies:
            with self.assertRaises(sikkerkey.InvalidResponseError) as caught:
                self.client(HttpResponse(200, {}, json.dumps(body).encode())).get("sk_db")
            self.assertEqual(caught.exception.code, "INVALID_RESPONSE")
            self.assertHidden(caught.exception, PASSWORD)
        truncated = json.dumps({"id": "sk_db", "kind": "leased", "fields": {"password": PASSWORD}})[:-2]
        with self.assertRaises(sikkerkey.InvalidResponseError) as caught:
            self.client(HttpResponse(200, {}, truncated.encode())).get("sk_db")
        self.assertHidden(caught.exception, PASSWORD)
        self.assertIsNone(caught.exception.__context__)

    def test_error_answers_do_not_quote_a_non_problem_body(self):
        for status in (400, 500, 502):
            with self.assertRaises(sikkerkey.ApiError) as caught:
                self.client(HttpResponse(status, {}, f"<pre>{PASSWORD}</pre>".encode())).get("sk_db")
            self.assertHidden(caught.exception, PASSWORD)

    def test_errors_pickle_without_losing_fields(self):
        error = sikkerkey.NotFoundError("Not found", code="SECRET_NOT_FOUND", status=404, request_id="req_1", detail="d")
        copy = pickle.loads(pickle.dumps(error))
        self.assertIs(type(copy), sikkerkey.NotFoundError)
        self.assertEqual((copy.code, copy.status, copy.request_id, copy.detail, str(copy)),
                         ("SECRET_NOT_FOUND", 404, "req_1", "d", "Not found"))


if __name__ == "__main__":
    unittest.main()
