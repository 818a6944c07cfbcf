import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { scramVerifier } from "./scram.js";

// RFC 7677 §3's example exchange, user "user", password "pencil".
const rfc = {
  salt: "W22ZaJ0SNY7soEsUEjb6gQ==",
  clientFirstBare: "n=user,r=rOprNGfwEbeRWgbNEkqO",
  serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
  clientFinalNoProof: "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
  proof: "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
  serverSignature: "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
};

describe("scramVerifier", () => {
  it("verifies RFC 7677's example exchange the way a server holding it would", async () => {
    const verifier = await scramVerifier("pencil", Buffer.from(rfc.salt, "base64"));
    const match = /^SCRAM-SHA-256\$4096:([^$]+)\$([^:]+):(.+)$/.exec(verifier);
    expect(match?.[1]).toBe(rfc.salt);
    const storedKey = Buffer.from(match![2]!, "base64");
    const serverKey = Buffer.from(match![3]!, "base64");
    const authMessage = `${rfc.clientFirstBare},${rfc.serverFirst},${rfc.clientFinalNoProof}`;
    // Server side of RFC 5802 §3: recover ClientKey from the proof, check it hashes to StoredKey.
    const clientSignature = createHmac("sha256", storedKey).update(authMessage).digest();
    const proof = Buffer.from(rfc.proof, "base64");
    const clientKey = Buffer.from(proof.map((b, i) => b ^ clientSignature[i]!));
    expect(createHash("sha256").update(clientKey).digest().equals(storedKey)).toBe(true);
    expect(createHmac("sha256", serverKey).update(authMessage).digest("base64")).toBe(rfc.serverSignature);
  });

  it("salts every verifier afresh and holds nothing of the password", async () => {
    const [a, b] = await Promise.all([scramVerifier("pencil"), scramVerifier("pencil")]);
    expect(a).not.toBe(b);
    expect(a).not.toContain("pencil");
    expect(a).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
  });

  it("refuses passwords SASLprep would change (non-ASCII, control characters)", async () => {
    await expect(scramVerifier("pässword")).rejects.toThrow(TypeError);
    await expect(scramVerifier("tab\there")).rejects.toThrow(TypeError);
    await expect(scramVerifier("")).rejects.toThrow(TypeError);
  });
});
