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

  // A real DrizzleQueryError's message spans lines, so its stack repeats `params: …` after the
  // first line: the logged stack must hold call frames only.
  it("keeps a multi-line message's parameters out of the logged stack", () => {
    const error = Object.assign(new Error("Failed query: select 1\nparams: 1fbaa329token-hash,1"), {
      name: "DrizzleQueryError",
      query: "select 1",
      params: ["1fbaa329token-hash", 1],
      cause: Object.assign(new Error("connection refused"), { code: "ECONNREFUSED" }),
    });
    const described = describeError(error);
    expect(described.stack).toMatch(/^\s+at /);
    expect(JSON.stringify(described)).not.toContain("token-hash");
    const plain = describeError(new Error("first line\nsecond line with a value"));
    expect(plain.stack).toMatch(/^\s+at /);
    expect(plain.stack).not.toContain("second line");
  });

  it("keeps domain errors' code and message", () => {
    expect(describeError(new SikkerKeyError("NOT_FOUND", "gone"))).toEqual({
      name: "SikkerKeyError",
      code: "NOT_FOUND",
      message: "gone",
    });
  });
});
