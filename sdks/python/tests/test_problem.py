import json
import re
import unittest

from support import REPO_ROOT

import sikkerkey
from sikkerkey.problem import ERROR_STATUS, RETRYABLE_CODES, error_from_response, parse_problem


def problem(code, status, **extra):
    doc = {"type": f"urn:sikkerkey:error:{code.lower()}", "title": "Some title", "status": status, "code": code}
    doc.update(extra)
    return json.dumps(doc).encode()


class ParseProblem(unittest.TestCase):
    def test_full_document(self):
        body = problem(
            "VALIDATION_FAILED", 400, detail="bad input", instance="/v1/x", requestId="req_1",
            errors=[{"path": "/name", "message": "too long"}], extra="ignored",
        )
        self.assertEqual(
            parse_problem(body),
            {
                "type": "urn:sikkerkey:error:validation_failed", "title": "Some title", "code": "VALIDATION_FAILED",
                "status": 400, "detail": "bad input", "instance": "/v1/x", "requestId": "req_1",
                "errors": [{"path": "/name", "message": "too long"}],
            },
        )

    def test_not_a_problem(self):
        for body in (
            b"<html>502 Bad Gateway</html>",
            b"",
            b"[1,2]",
            b'{"title":"x","status":500,"code":"INTERNAL"}',  # no type
            b'{"type":"t","title":"x","status":"500","code":"INTERNAL"}',  # status not a number
            b'{"type":"t","title":"x","status":true,"code":"INTERNAL"}',  # a bool is not a status
            b'{"type":"t","title":"x","status":500}',  # no code
            b'{"type":"t","title":"x","status":500,"code":"INTERNAL","detail":5}',
            b"\xff\xfe",
        ):
            self.assertIsNone(parse_problem(body), body)

    def test_unknown_code_still_parses(self):
        self.assertEqual(parse_problem(problem("FROM_THE_FUTURE", 418))["code"], "FROM_THE_FUTURE")


class ErrorFromResponse(unittest.TestCase):
    def test_known_code(self):
        err = error_from_response(
            404, {"x-request-id": "req_header"}, problem("SECRET_NOT_FOUND", 404, detail="no such secret", requestId="req_body"), None
        )
        self.assertIsInstance(err, sikkerkey.NotFoundError)
        self.assertIsInstance(err, sikkerkey.ApiError)
        self.assertIsInstance(err, sikkerkey.SikkerKeyError)
        self.assertEqual((err.code, err.status, err.detail, err.request_id), ("SECRET_NOT_FOUND", 404, "no such secret", "req_body"))
        self.assertEqual(str(err), "Some title: no such secret")
        self.assertFalse(err.is_retryable)

    def test_request_id_from_header_when_the_body_has_none(self):
        err = error_from_response(401, {"x-request-id": "req_h"}, problem("BAD_SIGNATURE", 401), None)
        self.assertIsInstance(err, sikkerkey.AuthenticationError)
        self.assertEqual(err.request_id, "req_h")
        self.assertIsNone(err.detail)
        self.assertEqual(str(err), "Some title")

    def test_no_problem_body(self):
        err = error_from_response(502, {}, b"<html>bad gateway</html>", 3.0)
        self.assertIsInstance(err, sikkerkey.ServerError)
        self.assertEqual((err.code, err.status, err.retry_after), ("HTTP_ERROR", 502, 3.0))
        self.assertTrue(err.is_retryable)
        self.assertIn("without a problem document", str(err))
        self.assertNotIn("bad gateway", str(err))

    def test_unknown_code_is_judged_by_status(self):
        err = error_from_response(503, {}, problem("FROM_THE_FUTURE", 503, detail="d"), None)
        self.assertEqual(err.code, "HTTP_ERROR")
        self.assertEqual(err.problem["code"], "FROM_THE_FUTURE")
        self.assertEqual(err.detail, "d")
        self.assertTrue(err.is_retryable)
        self.assertIn("FROM_THE_FUTURE", str(err))

    def test_classes(self):
        table = {
            ("VALIDATION_FAILED", 400): sikkerkey.BadRequestError,
            ("MACHINE_PENDING", 403): sikkerkey.PermissionDeniedError,
            ("LEASE_LIMIT_REACHED", 409): sikkerkey.ConflictError,
            ("RATE_LIMITED", 429): sikkerkey.RateLimitedError,
            ("MINT_FAILED", 502): sikkerkey.ServerError,
            ("METHOD_NOT_ALLOWED", 405): sikkerkey.ApiError,
        }
        for (code, status), cls in table.items():
            err = error_from_response(status, {}, problem(code, status), None)
            self.assertIs(type(err), cls, code)
            self.assertEqual(err.code, code)


class SameTableAsTheProtocol(unittest.TestCase):
    """The code table and the retryable set are copies of packages/protocol/src/errors.ts."""

    def setUp(self):
        self.source = (REPO_ROOT / "packages" / "protocol" / "src" / "errors.ts").read_text(encoding="utf-8")

    def test_codes_and_statuses(self):
        table = self.source[self.source.index("ERROR_STATUS = {"): self.source.index("} as const")]
        ts = {code: int(status) for code, status in re.findall(r"^\s+([A-Z_]+): (\d{3}),", table, re.M)}
        self.assertGreater(len(ts), 30)
        self.assertEqual(ERROR_STATUS, ts)

    def test_retryable_codes(self):
        block = self.source[self.source.index("const RETRYABLE"):]
        block = block[: block.index("]);")]
        self.assertEqual(set(RETRYABLE_CODES), set(re.findall(r'"([A-Z_]+)"', block)))


if __name__ == "__main__":
    unittest.main()
