import { describe, expect, it } from "vitest";
import { SikkerKeyError } from "../errors.js";
import { describeError } from "./describe-error.js";

describe("describeError", () => {
  // drizzle's DrizzleQueryError prints the query parameters in its message.
  it("describes a query error by its driver cause, never its parameters", () => {
    const cause = Object.assign(new Error('duplicate key value violates unique constraint "x"'), {
      code: "23505",
    });
    const error = Object.assign(new Error("Failed query: insert ... params: v1.sealed-secret,hash"), {
      name: "DrizzleQueryError",
      query: "insert ...",
      params: ["v1.sealed-secret"],
      cause,
    });
    const described = describeError(error);
    expect(described).toMatchObject({ name: "DatabaseError", code: "23505", message: cause.message });
    expect(JSON.stringify(described)).not.toContain("sealed-secret");
  });

  it("keeps domain errors' code and message", () => {
    expect(describeError(new SikkerKeyError("NOT_FOUND", "gone"))).toEqual({
      name: "SikkerKeyError",
      code: "NOT_FOUND",
      message: "gone",
    });
  });
});
