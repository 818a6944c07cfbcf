import { describe, expect, it } from "vitest";
import { generateKeyPair, publicKeyPemFromPrivate } from "./keys.js";
import { defaultSikkerkeyHome, type Identity, parseIdentity, serializeIdentity } from "./identity.js";

const { privateKeyPem, publicKeyPem } = await generateKeyPair();
const identity: Identity = {
  server: "https://sikkerkey.example:8443",
  machineId: "mach_4f2a9c",
  privateKeyPem,
};
const KEY_BODY = privateKeyPem.split("\n")[1] ?? "unreachable";

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a throw");
}

describe("identity", () => {
  it("round-trips, and the PEM still yields the same public key", () => {
    const text = serializeIdentity(identity);
    expect(text.endsWith("}\n")).toBe(true);
    const back = parseIdentity(text);
    expect(back).toEqual(identity);
    expect(publicKeyPemFromPrivate(back.privateKeyPem)).toBe(publicKeyPem);
  });

  it("ignores unknown fields", () => {
    expect(parseIdentity(JSON.stringify({ ...identity, name: "web-1" }))).toEqual(identity);
  });

  it.each([
    ["not JSON", `{"privateKeyPem": "${KEY_BODY}"`, /not valid JSON/],
    ["an array", "[]", /JSON object/],
    ["null", "null", /JSON object/],
    ["no server", JSON.stringify({ ...identity, server: undefined }), /"server"/],
    ["a non-http server", JSON.stringify({ ...identity, server: "ftp://x" }), /"server"/],
    ["a server with credentials", JSON.stringify({ ...identity, server: "https://u:p@x" }), /"server"/],
    ["an empty machineId", JSON.stringify({ ...identity, machineId: "" }), /"machineId"/],
    ["a machineId with a space", JSON.stringify({ ...identity, machineId: "a b" }), /"machineId"/],
    ["a numeric privateKeyPem", JSON.stringify({ ...identity, privateKeyPem: 1 }), /"privateKeyPem"/],
    ["a public key", JSON.stringify({ ...identity, privateKeyPem: publicKeyPem }), /"privateKeyPem"/],
    [
      "a truncated key",
      JSON.stringify({ ...identity, privateKeyPem: privateKeyPem.slice(0, 60) }),
      /"privateKeyPem"/,
    ],
  ])("refuses %s with a clear message that holds no key material", (_, json, expected) => {
    const message = messageOf(() => parseIdentity(json));
    expect(message).toMatch(expected);
    expect(message).not.toContain(KEY_BODY.slice(0, 20));
    expect(message).not.toContain("BEGIN");
  });

  it("validates before serialising", () => {
    expect(() => serializeIdentity({ ...identity, machineId: "" })).toThrow(/machineId/);
  });
});

describe("defaultSikkerkeyHome", () => {
  it("prefers SIKKERKEY_HOME", () => {
    expect(defaultSikkerkeyHome({ SIKKERKEY_HOME: "/srv/sk", HOME: "/root" })).toBe("/srv/sk");
  });

  it("falls back to ~/.sikkerkey", () => {
    expect(defaultSikkerkeyHome({ HOME: "/home/ci/" })).toBe("/home/ci/.sikkerkey");
    expect(defaultSikkerkeyHome({ USERPROFILE: "C:\\Users\\ci" })).toBe("C:\\Users\\ci\\.sikkerkey");
  });

  it("reads process.env by default", () => {
    expect(defaultSikkerkeyHome()).toBe(process.env["SIKKERKEY_HOME"] || `${process.env["HOME"]}/.sikkerkey`);
  });

  it("says what to set when there is no home", () => {
    expect(() => defaultSikkerkeyHome({})).toThrow(/SIKKERKEY_HOME/);
  });
});
