import { describe, expect, it } from "vitest";
import { SikkerKeyError } from "./errors.js";

describe("SikkerKeyError.isInstance", () => {
  it("recognises its own errors", () => {
    const error = new SikkerKeyError({ code: "TIMEOUT", message: "slow", isRetryable: true });
    expect(SikkerKeyError.isInstance(error)).toBe(true);
    expect([error.name, error.code, error.status, error.isRetryable]).toEqual([
      "SikkerKeyError",
      "TIMEOUT",
      0,
      true,
    ]);
  });

  // Regression: two copies of the SDK in node_modules must still recognise each other's errors.
  it("recognises an error from another copy of the package", () => {
    const foreign = Object.assign(new Error("from a duplicate copy"), {
      [Symbol.for("sikkerkey.sdk.error")]: true,
      code: "SECRET_NOT_FOUND",
    });
    expect(foreign instanceof SikkerKeyError).toBe(false);
    expect(SikkerKeyError.isInstance(foreign)).toBe(true);
  });

  it("rejects everything else", () => {
    for (const value of [new Error("x"), null, undefined, "SikkerKeyError", { code: "TIMEOUT" }]) {
      expect(SikkerKeyError.isInstance(value)).toBe(false);
    }
  });
});
