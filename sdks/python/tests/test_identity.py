import os
import tempfile
import unittest
from unittest import mock

from support import new_key_pem, write_identity

import sikkerkey
from sikkerkey.identity import credentials_from, default_home, load_identity


class LoadIdentity(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.home = os.path.join(self.tmp.name, "m1")
        self.key, self.pem = new_key_pem()
        self.good = {"server": "http://127.0.0.1:8420", "machineId": "mach_01", "privateKeyPem": self.pem}

    def tearDown(self):
        self.tmp.cleanup()

    def test_reads_the_cli_file(self):
        write_identity(self.home, {**self.good, "future": "ignored"})
        identity = load_identity(self.home)
        self.assertEqual((identity.server, identity.machine_id, identity.private_key_pem), ("http://127.0.0.1:8420", "mach_01", self.pem))
        creds = credentials_from(identity, None)
        self.assertEqual((creds.base_url, creds.key_id), ("http://127.0.0.1:8420", "mach_01"))
        self.assertEqual(creds.key.sign(b"m"), self.key.sign(b"m"))  # same key: Ed25519 is deterministic

    def test_sikkerkey_home_then_home(self):
        with mock.patch.dict(os.environ, {"SIKKERKEY_HOME": self.home, "HOME": "/nowhere"}):
            self.assertEqual(default_home(), self.home)
            write_identity(self.home, self.good)
            self.assertEqual(load_identity().machine_id, "mach_01")
        self.assertEqual(default_home({"HOME": "/home/ci"}), os.path.join("/home/ci", ".sikkerkey"))
        self.assertEqual(default_home({"SIKKERKEY_HOME": "", "HOME": "/h"}), os.path.join("/h", ".sikkerkey"))
        self.assertEqual(default_home({"USERPROFILE": "/u"}), os.path.join("/u", ".sikkerkey"))
        with self.assertRaises(sikkerkey.IdentityError):
            default_home({})

    def test_the_client_reads_home_and_recovers_after_enrollment(self):
        transport_calls = []

        def transport(method, url, headers, body, timeout):
            transport_calls.append(url)
            from sikkerkey.transport import HttpResponse

            return HttpResponse(200, {}, b'{"id":"sk_a1","kind":"structured","fields":{"A":"b"}}')

        sk = sikkerkey.SikkerKey(home=self.home, transport=transport)
        with self.assertRaises(sikkerkey.IdentityError) as caught:
            sk.get_fields("sk_a1")
        self.assertEqual((caught.exception.code, caught.exception.status), ("IDENTITY_NOT_FOUND", 0))
        self.assertIn("enroll this machine first", str(caught.exception))
        write_identity(self.home, {**self.good, "server": "https://Sk.Example:8443/base/"})
        self.assertEqual(sk.get_fields("sk_a1"), {"A": "b"})
        self.assertEqual(transport_calls, ["https://Sk.Example:8443/base/v1/secrets/sk_a1"])

    def test_server_option_overrides(self):
        write_identity(self.home, self.good)
        creds = credentials_from(load_identity(self.home), "http://10.0.0.5:9000/?q=1#f")
        self.assertEqual(creds.base_url, "http://10.0.0.5:9000")
        with self.assertRaises(sikkerkey.InvalidArgumentError):
            credentials_from(load_identity(self.home), "ftp://x")
        with self.assertRaises(sikkerkey.InvalidArgumentError):
            credentials_from(load_identity(self.home), "http://user:pw@x")

    def test_permissions(self):
        if os.name == "nt":
            self.skipTest("POSIX modes")
        write_identity(self.home, self.good, mode=0o644)
        with self.assertRaises(sikkerkey.IdentityError) as caught:
            load_identity(self.home)
        self.assertEqual(caught.exception.code, "IDENTITY_PERMISSIONS")
        self.assertIn("0644", str(caught.exception))

    def test_invalid_files(self):
        cases = {
            "not json": "{",
            "array": "[]",
            "no server": {**self.good, "server": None},
            "ftp server": {**self.good, "server": "ftp://x"},
            "userinfo": {**self.good, "server": "http://u:p@x"},
            "bad machine id": {**self.good, "machineId": "has space"},
            "no key": {**self.good, "privateKeyPem": None},
            "rsa-ish junk": {**self.good, "privateKeyPem": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"},
        }
        for name, content in cases.items():
            with self.subTest(name):
                raw = content if isinstance(content, str) else None
                write_identity(self.home, content if isinstance(content, dict) else {}, raw=raw)
                with self.assertRaises(sikkerkey.IdentityError) as caught:
                    load_identity(self.home)
                self.assertEqual(caught.exception.code, "IDENTITY_INVALID")
                self.assertIn(os.path.join(self.home, "identity.json"), str(caught.exception))

    def test_identity_option(self):
        creds = credentials_from(sikkerkey.Identity("http://h:1", "m", self.pem), None)
        self.assertEqual(creds.base_url, "http://h:1")
        with self.assertRaises(sikkerkey.IdentityError):
            credentials_from({**self.good, "privateKeyPem": "nope"}, None)


if __name__ == "__main__":
    unittest.main()
