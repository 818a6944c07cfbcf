import { describe, expect, it } from "vitest";
import { ID_ALPHABET, ID_PREFIXES, isId } from "./ids.js";
import { isMachineName, isSecretId, isSlug } from "./names.js";

describe("ids", () => {
  const random = "A".repeat(22);
  it("accepts each kind with its own prefix only", () => {
    expect(isId("machine", `mach_${random}`)).toBe(true);
    expect(isId("lease", `mach_${random}`)).toBe(false);
    expect(isId("machine", `mach_${random}x`)).toBe(false);
    expect(isId("machine", `mach_${"0".repeat(22)}`)).toBe(false); // 0 is not base58
  });
  it("has unique prefixes and an unambiguous alphabet", () => {
    const prefixes = Object.values(ID_PREFIXES);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    expect(ID_ALPHABET).not.toMatch(/[0OIl]/);
    expect(ID_ALPHABET).toHaveLength(58);
  });
});

describe("names", () => {
  it.each(["sk_db_prod", "sk_api_keys", "ab", "a-b_c"])("secret id %s is valid", (id) => {
    expect(isSecretId(id)).toBe(true);
  });
  it.each(["", "a", "Sk_db", "1abc", "sk db", "sk/../x", "sk;drop", `a${"b".repeat(64)}`, "sk_ü"])(
    "secret id %j is refused",
    (id) => {
      expect(isSecretId(id)).toBe(false);
    },
  );
  it("slugs and machine names", () => {
    expect(isSlug("prod")).toBe(true);
    expect(isSlug("-prod")).toBe(false);
    expect(isSlug("Prod")).toBe(false);
    expect(isMachineName("m1")).toBe(true);
    expect(isMachineName("web-01.eu")).toBe(true);
    expect(isMachineName("<script>")).toBe(false);
    expect(isMachineName("a'b")).toBe(false);
  });
});
