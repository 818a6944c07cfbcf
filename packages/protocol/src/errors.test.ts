import { describe, expect, it } from "vitest";
import { ERROR_CODES, isErrorCode, isRetryableCode, statusForCode } from "./errors.js";
import { problemSchema, problemType } from "./problem.js";

describe("error codes", () => {
  it("are SCREAMING_SNAKE and map to a 4xx or 5xx status", () => {
    for (const code of ERROR_CODES) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      const status = statusForCode(code);
      expect(status >= 400 && status < 600).toBe(true);
    }
  });

  it("signature failures are 401 and not retryable", () => {
    for (const code of ["BAD_SIGNATURE", "REPLAYED_NONCE", "STALE_SIGNATURE", "UNSIGNED_REQUEST"] as const) {
      expect(statusForCode(code)).toBe(401);
      expect(isRetryableCode(code)).toBe(false);
    }
    expect(isRetryableCode("PROVIDER_UNAVAILABLE")).toBe(true);
  });

  it("recognises only known codes", () => {
    expect(isErrorCode("SECRET_NOT_FOUND")).toBe(true);
    expect(isErrorCode("toString")).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });

  it("problem documents validate and name their code in the type", () => {
    const problem = {
      type: problemType("SECRET_NOT_FOUND"),
      title: "Secret not found",
      status: 404,
      code: "SECRET_NOT_FOUND",
    };
    expect(problemSchema.parse(problem).type).toBe("urn:sikkerkey:error:secret-not-found");
    expect(problemSchema.safeParse({ ...problem, code: "NOPE" }).success).toBe(false);
  });
});
