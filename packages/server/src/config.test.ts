import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config.js";

describe("config", () => {
  it("has defaults for everything but secrets", () => {
    const config = parseConfig({ env: {} });
    expect(config).toMatchObject({
      dataDir: "./data",
      listen: { host: "127.0.0.1", port: 8420 },
      skewSeconds: 60,
      logLevel: "info",
      trustProxy: false,
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.masterKey).toBeUndefined();
  });

  it("reads the minting grace from SIKKERKEY_MINTING_GRACE_SECONDS, unset by default", () => {
    expect(parseConfig({ env: {} }).mintingGraceSeconds).toBeUndefined();
    expect(parseConfig({ env: { SIKKERKEY_MINTING_GRACE_SECONDS: "5" } }).mintingGraceSeconds).toBe(5);
    expect(() => parseConfig({ env: { SIKKERKEY_MINTING_GRACE_SECONDS: "0" } })).toThrow(
      /SIKKERKEY_MINTING_GRACE_SECONDS: the minting grace must be at least 1 second/,
    );
  });

  it("takes flags over the environment", () => {
    const config = parseConfig({
      flags: { listen: "0.0.0.0:9000", dataDir: "/srv/sk" },
      env: {
        SIKKERKEY_LISTEN: "127.0.0.1:1",
        SIKKERKEY_DATA_DIR: "/nope",
        SIKKERKEY_SKEW_SECONDS: "30",
        SIKKERKEY_TRUST_PROXY: "true",
      },
    });
    expect(config).toMatchObject({
      listen: { host: "0.0.0.0", port: 9000 },
      dataDir: "/srv/sk",
      skewSeconds: 30,
      trustProxy: true,
    });
  });

  it("parses IPv6 listen addresses", () => {
    expect(parseConfig({ flags: { listen: "[::1]:8420" } }).listen).toEqual({ host: "::1", port: 8420 });
  });

  it.each([
    [{ flags: { listen: "8420" } }, /--listen.*HOST:PORT/],
    [{ flags: { listen: "localhost:99999" } }, /--listen/],
    [{ env: { DATABASE_URL: "mysql://x" } }, /DATABASE_URL must be a postgres/],
    [{ env: { SIKKERKEY_MASTER_KEY: "c2hvcnQ=" } }, /SIKKERKEY_MASTER_KEY must be 32 random bytes/],
    [{ env: { SIKKERKEY_SKEW_SECONDS: "1.5" } }, /whole number/],
    [{ flags: { logLevel: "loud" } }, /log level must be one of/],
  ])("refuses %j with a message naming the setting", (sources, message) => {
    expect(() => parseConfig(sources)).toThrow(ConfigError);
    expect(() => parseConfig(sources)).toThrow(message);
  });

  it("refuses a master key given two ways", () => {
    const key = randomBytes(32).toString("base64");
    expect(() => parseConfig({ flags: { masterKeyFile: "/k" }, env: { SIKKERKEY_MASTER_KEY: key } })).toThrow(
      /not both/,
    );
  });

  it("never prints a secret value", () => {
    const key = randomBytes(32).toString("base64");
    const config = parseConfig({
      env: { SIKKERKEY_MASTER_KEY: key, DATABASE_URL: "postgres://u:pw-secret@db/x" },
    });
    expect(config.masterKey?.reveal()).toBe(key);
    for (const text of [JSON.stringify(config), inspect(config), `${config.databaseUrl}`]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain("pw-secret");
    }
  });
});
