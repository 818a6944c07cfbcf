import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bodyBytes, contentDigest } from "./content-digest.js";

describe("contentDigest", () => {
  it("matches RFC 9530 Appendix D's sha-256 example", async () => {
    // RFC 9530 section 2 / Appendix D: {"hello": "world"}
    expect(await contentDigest('{"hello": "world"}')).toBe(
      "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:",
    );
  });

  it("hashes bytes and strings alike, as UTF-8", async () => {
    const text = "blåbærsyltetøy";
    const expected = `sha-256=:${createHash("sha256").update(text, "utf8").digest("base64")}:`;
    expect(await contentDigest(text)).toBe(expected);
    expect(await contentDigest(new TextEncoder().encode(text))).toBe(expected);
  });

  it("treats empty and absent bodies the same", () => {
    expect(bodyBytes(undefined)).toBeUndefined();
    expect(bodyBytes(null)).toBeUndefined();
    expect(bodyBytes("")).toBeUndefined();
    expect(bodyBytes(new Uint8Array())).toBeUndefined();
    expect(bodyBytes("x")).toEqual(new Uint8Array([0x78]));
  });
});
