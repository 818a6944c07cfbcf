import json
import unittest

from support import new_key_pem

import sikkerkey
from sikkerkey.transport import HttpResponse

LEASED = {
    "id": "sk_db_prod",
    "kind": "leased",
    "fields": {"host": "127.0.0.1", "port": 5432, "database": "app", "username": "sk_db_prod__m1__x", "password": "p"},
    "lease": {"id": "lease_1", "expiresAt": "2026-01-01T00:05:00.000Z", "renewable": True, "hardMaxAt": "2026-01-01T01:00:00.000Z"},
}


class Client(unittest.TestCase):
    def setUp(self):
        _, pem = new_key_pem()
        self.identity = {"server": "http://127.0.0.1:8420", "machineId": "mach_1", "privateKeyPem": pem}
        self.calls = []

    def client(self, body, status=200):
        def transport(method, url, headers, sent, timeout):
            self.calls.append(url)
            return HttpResponse(status, {}, json.dumps(body).encode())

        return sikkerkey.SikkerKey(identity=self.identity, transport=transport, sleep=lambda s: None)

    def test_get_leased(self):
        secret = self.client(LEASED).get("sk_db_prod")
        self.assertEqual((secret.id, secret.kind), ("sk_db_prod", "leased"))
        self.assertEqual(secret.fields["port"], 5432)
        self.assertEqual(secret.lease, sikkerkey.Lease("lease_1", "2026-01-01T00:05:00.000Z", True, "2026-01-01T01:00:00.000Z"))
        self.assertEqual(secret.to_dict(), LEASED)

    def test_get_fields(self):
        self.assertEqual(self.client(LEASED).get_fields("sk_db_prod"), LEASED["fields"])

    def test_structured_has_no_lease(self):
        body = {"id": "sk_api_keys", "kind": "structured", "fields": {"STRIPE_KEY": "sk_test_123"}}
        secret = self.client(body).get("sk_api_keys")
        self.assertIsNone(secret.lease)
        self.assertEqual(secret.to_dict(), body)

    def test_secret_id_checked_before_any_request(self):
        for bad in ("", "a", "Sk_upper", "1abc", "sk/../x", "sk_x\n", "a" * 65, None, 5):
            with self.assertRaises(sikkerkey.InvalidArgumentError) as caught:
                self.client(LEASED).get(bad)
            self.assertEqual((caught.exception.code, caught.exception.status), ("INVALID_ARGUMENT", 0))
        self.assertEqual(self.calls, [])
        self.client(LEASED).get("a" * 64)
        self.assertEqual(len(self.calls), 1)

    def test_whoami(self):
        body = {"machineId": "mach_1", "name": "m1", "vaultId": "vault_1", "vaultName": "prod",
                "status": "pending", "projects": [{"id": "proj_1", "name": "api"}]}
        me = self.client(body).whoami()
        self.assertEqual((me.name, me.status, me.projects), ("m1", "pending", [{"id": "proj_1", "name": "api"}]))
        self.assertEqual(self.calls, ["http://127.0.0.1:8420/v1/machines/me"])
        with self.assertRaises(sikkerkey.InvalidResponseError):
            self.client({**body, "status": "gone"}).whoami()

    def test_options_checked_at_construction(self):
        for options in ({"timeout": 0}, {"timeout": float("nan")}, {"retries": 11}, {"retries": -1},
                        {"retries": 1.5}, {"retry_delay": -1}):
            with self.assertRaises(ValueError, msg=str(options)):
                sikkerkey.SikkerKey(identity=self.identity, **options)

    def test_context_manager(self):
        with self.client(LEASED) as sk:
            self.assertEqual(sk.get("sk_db_prod").kind, "leased")


if __name__ == "__main__":
    unittest.main()
