import { describe, expect, it } from "vitest";
import { decodeBase64, encodeBase64, encodeBase64Url } from "./base64.js";

describe("base64", () => {
  it("round-trips every length", () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      const text = encodeBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString("base64"));
      expect(decodeBase64(text)).toEqual(bytes);
    }
  });

  it("rejects non-canonical spellings", () => {
    expect(decodeBase64("Cw==")).toEqual(new Uint8Array([0x0b]));
    // Same bytes under a lenient decoder, but the padding bits are not zero.
    expect(decodeBase64("Cx==")).toBeUndefined();
    expect(decodeBase64("Cw")).toBeUndefined();
    expect(decodeBase64("Cw=")).toBeUndefined();
    expect(decodeBase64(" Cw==")).toBeUndefined();
    expect(decodeBase64("C w==")).toBeUndefined();
    expect(decodeBase64("Cw-_")).toBeUndefined();
    expect(decodeBase64("=Cw=")).toBeUndefined();
  });

  it("encodes base64url without padding", () => {
    expect(encodeBase64Url(new Uint8Array([0xfb, 0xff, 0xfe]))).toBe("-__-");
    expect(encodeBase64Url(new Uint8Array([0x0b]))).toBe("Cw");
  });
});
