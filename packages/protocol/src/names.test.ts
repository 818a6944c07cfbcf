import { describe, expect, it } from "vitest";
import { isFieldName } from "./names.js";
import { fieldsSchema } from "./schemas/secrets.js";

describe("field names", () => {
  // Regression: zod's record parse assigned `__proto__` as a key, which set the prototype and
  // dropped the field, so a secret was stored without it and the caller was told 201.
  it("refuses __proto__ instead of dropping it", () => {
    expect(isFieldName("__proto__")).toBe(false);
    expect(fieldsSchema.safeParse(JSON.parse('{"__proto__":"p","A":"a"}')).success).toBe(false);
  });

  it("keeps other names that mean something to JavaScript", () => {
    const fields = JSON.parse('{"constructor":"c","toString":"t","__proto":"p","_":"u"}');
    expect(fieldsSchema.parse(fields)).toStrictEqual(fields);
  });
});
