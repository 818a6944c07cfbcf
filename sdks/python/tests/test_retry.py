import email.utils
import json
import time
import unittest

from support import new_key_pem, parse_signature_input

import sikkerkey
from sikkerkey.errors import NetworkError, RequestTimeoutError
from sikkerkey.problem import error_from_response, is_retryable
from sikkerkey.retry import backoff, parse_retry_after, should_retry
from sikkerkey.transport import HttpResponse, TransportFailure

SECRET = {"id": "sk_api_keys", "kind": "structured", "fields": {"STRIPE_KEY": "sk_test_123"}}


def problem(code, status):
    return json.dumps({"type": "t", "title": "T", "status": status, "code": code}).encode()


class DecisionTable(unittest.TestCase):
    """docs/signing.md, "Writing a client elsewhere", step 3."""

    def test_by_code_when_known(self):
        table = [
            ("RATE_LIMITED", 429, True),
            ("PROVIDER_UNAVAILABLE", 503, True),
            ("STORE_UNAVAILABLE", 503, True),
            ("NOT_READY", 503, True),
            ("MINT_FAILED", 502, False),  # a 502, yet not retried: the code decides
            ("INTERNAL", 500, False),
            ("BAD_SIGNATURE", 401, False),
            ("STALE_SIGNATURE", 401, False),
            ("REPLAYED_NONCE", 401, False),
            ("UNKNOWN_KEY", 401, False),
            ("MACHINE_DISABLED", 403, False),
            ("MACHINE_PENDING", 403, False),
            ("SECRET_NOT_FOUND", 404, False),
            ("LEASE_LIMIT_REACHED", 409, False),
            ("VALIDATION_FAILED", 400, False),
        ]
        for code, status, expected in table:
            self.assertIs(is_retryable(code, status), expected, code)
            self.assertIs(error_from_response(status, {}, problem(code, status), None).is_retryable, expected, code)

    def test_known_code_wins_over_a_retryable_status(self):
        # A known, non-retryable code sent with a status that would otherwise be retried.
        self.assertFalse(error_from_response(503, {}, problem("INTERNAL", 503), None).is_retryable)

    def test_by_status_without_a_problem_or_with_an_unknown_code(self):
        for status, expected in [(429, True), (502, True), (503, True), (504, True),
                                 (500, False), (501, False), (400, False), (401, False), (403, False), (404, False)]:
            self.assertIs(error_from_response(status, {}, b"<html/>", None).is_retryable, expected, status)
            self.assertIs(error_from_response(status, {}, problem("NEWER_CODE", status), None).is_retryable, expected, status)

    def test_network_errors_and_timeouts(self):
        self.assertTrue(should_retry(NetworkError("x", code="NETWORK_ERROR", is_retryable=True), attempt=0, retries=2))
        self.assertTrue(should_retry(RequestTimeoutError("x", code="TIMEOUT", is_retryable=True), attempt=0, retries=2))

    def test_bounded_attempts(self):
        err = NetworkError("x", code="NETWORK_ERROR", is_retryable=True)
        self.assertTrue(should_retry(err, attempt=1, retries=2))
        self.assertFalse(should_retry(err, attempt=2, retries=2))
        self.assertFalse(should_retry(err, attempt=0, retries=0))

    def test_long_retry_after_is_surfaced(self):
        err = error_from_response(429, {}, problem("RATE_LIMITED", 429), 31.0)
        self.assertFalse(should_retry(err, attempt=0, retries=2))
        err = error_from_response(429, {}, problem("RATE_LIMITED", 429), 30.0)
        self.assertTrue(should_retry(err, attempt=0, retries=2))

    def test_not_idempotent_only_when_surely_unprocessed(self):
        sent = NetworkError("x", code="NETWORK_ERROR", is_retryable=True)
        self.assertFalse(should_retry(sent, attempt=0, retries=2, idempotent=False, maybe_sent=True))
        self.assertTrue(should_retry(sent, attempt=0, retries=2, idempotent=False, maybe_sent=False))
        for status, code, expected in [(429, "RATE_LIMITED", True), (503, "NOT_READY", True), (504, None, False)]:
            err = error_from_response(status, {}, problem(code, status) if code else b"", None)
            self.assertIs(should_retry(err, attempt=0, retries=2, idempotent=False), expected, status)


class Backoff(unittest.TestCase):
    def test_exponential_with_jitter_and_cap(self):
        self.assertEqual(backoff(0, 0.25, lambda: 0.0), 0.125)
        self.assertEqual(backoff(0, 0.25, lambda: 1.0), 0.25)
        self.assertEqual(backoff(2, 0.25, lambda: 1.0), 1.0)
        self.assertEqual(backoff(10, 0.25, lambda: 1.0), 5.0)

    def test_retry_after(self):
        self.assertEqual(parse_retry_after("2"), 2.0)
        self.assertEqual(parse_retry_after(" 0 "), 0.0)
        self.assertIsNone(parse_retry_after(None))
        self.assertIsNone(parse_retry_after("-1"))
        self.assertIsNone(parse_retry_after("1.5"))
        self.assertIsNone(parse_retry_after("soon"))
        now = 1_700_000_000.0
        date = email.utils.formatdate(now + 7, usegmt=True)
        self.assertAlmostEqual(parse_retry_after(date, now=now), 7.0)
        self.assertEqual(parse_retry_after(email.utils.formatdate(now - 60, usegmt=True), now=now), 0.0)


class FakeTransport:
    """Answers from a script, recording what each attempt sent."""

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.calls = []

    def __call__(self, method, url, headers, body, timeout):
        self.calls.append((method, url, dict(headers), body, timeout))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def ok(body=SECRET):
    return HttpResponse(200, {"content-type": "application/json"}, json.dumps(body).encode())


def refused_connection():
    return TransportFailure(NetworkError("could not reach", code="NETWORK_ERROR", is_retryable=True), maybe_sent=False)


class ClientLoop(unittest.TestCase):
    def client(self, transport, **options):
        _, pem = new_key_pem()
        self.sleeps = []
        identity = {"server": "http://127.0.0.1:8420/", "machineId": "mach_test", "privateKeyPem": pem}
        return sikkerkey.SikkerKey(identity=identity, transport=transport, sleep=self.sleeps.append, **options)

    def test_retries_then_succeeds_re_signing_each_attempt(self):
        transport = FakeTransport(
            HttpResponse(503, {"retry-after": "2"}, problem("STORE_UNAVAILABLE", 503)),
            refused_connection(),
            ok(),
        )
        fields = self.client(transport).get_fields("sk_api_keys")
        self.assertEqual(fields, {"STRIPE_KEY": "sk_test_123"})
        self.assertEqual(len(transport.calls), 3)
        nonces = [parse_signature_input(c[2]["signature-input"])[1]["nonce"] for c in transport.calls]
        self.assertEqual(len(set(nonces)), 3)
        self.assertEqual(len({c[2]["signature"] for c in transport.calls}), 3)
        # Retry-After first, then the default backoff (0.25 s base, attempt 1: 0.25-0.5 s).
        self.assertEqual(self.sleeps[0], 2.0)
        self.assertTrue(0.25 <= self.sleeps[1] <= 0.5, self.sleeps)
        method, url, headers, body, timeout = transport.calls[0]
        self.assertEqual((method, url, body, timeout), ("GET", "http://127.0.0.1:8420/v1/secrets/sk_api_keys", None, 10.0))
        self.assertEqual(headers["host"], "127.0.0.1:8420")
        self.assertTrue(headers["user-agent"].startswith("sikkerkey-sdk-python/"))
        self.assertIn('keyid="mach_test"', headers["signature-input"])

    def test_gives_up_after_retries_plus_one_attempts(self):
        transport = FakeTransport(*[HttpResponse(502, {}, b"<html/>") for _ in range(3)])
        with self.assertRaises(sikkerkey.ServerError) as caught:
            self.client(transport).get("sk_api_keys")
        self.assertEqual((caught.exception.code, caught.exception.status), ("HTTP_ERROR", 502))
        self.assertEqual(len(transport.calls), 3)
        self.assertEqual(len(self.sleeps), 2)

    def test_retries_option(self):
        transport = FakeTransport(refused_connection(), refused_connection())
        with self.assertRaises(sikkerkey.NetworkError):
            self.client(transport, retries=1).get("sk_api_keys")
        self.assertEqual(len(transport.calls), 2)

    def test_no_retry_for_a_refusal(self):
        for code, status, cls in [("MINT_FAILED", 502, sikkerkey.ServerError),
                                  ("BAD_SIGNATURE", 401, sikkerkey.AuthenticationError),
                                  ("SECRET_NOT_FOUND", 404, sikkerkey.NotFoundError)]:
            transport = FakeTransport(HttpResponse(status, {"x-request-id": "req_9"}, problem(code, status)), ok())
            with self.assertRaises(cls) as caught:
                self.client(transport).get("sk_api_keys")
            self.assertEqual((caught.exception.code, caught.exception.request_id), (code, "req_9"))
            self.assertEqual(len(transport.calls), 1, code)
            self.assertEqual(self.sleeps, [])

    def test_timeout_is_retried(self):
        transport = FakeTransport(
            TransportFailure(RequestTimeoutError("no answer", code="TIMEOUT", is_retryable=True), maybe_sent=True), ok()
        )
        self.assertEqual(self.client(transport).get("sk_api_keys").kind, "structured")
        self.assertEqual(len(transport.calls), 2)

    def test_real_connection_refused_is_a_network_error_and_retried(self):
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        _, pem = new_key_pem()
        sleeps = []
        sk = sikkerkey.SikkerKey(
            identity={"server": f"http://127.0.0.1:{port}", "machineId": "m", "privateKeyPem": pem},
            sleep=sleeps.append, timeout=2,
        )
        started = time.time()
        with self.assertRaises(sikkerkey.NetworkError) as caught:
            sk.get("sk_x1")
        self.assertEqual((caught.exception.code, caught.exception.status), ("NETWORK_ERROR", 0))
        self.assertTrue(caught.exception.is_retryable)
        self.assertEqual(len(sleeps), 2)
        self.assertLess(time.time() - started, 5)


if __name__ == "__main__":
    unittest.main()
