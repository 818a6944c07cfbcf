import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";
import { redact } from "./redact.js";

describe("redaction", () => {
  it("replaces secret-named keys at any depth", () => {
    const out = redact({
      a: { password: "p", Authorization: "Bearer x", nested: [{ adminPassword: "q", fields: { A: "v" } }] },
      keep: 1,
    });
    expect(out).toEqual({
      a: {
        password: "[redacted]",
        Authorization: "[redacted]",
        nested: [{ adminPassword: "[redacted]", fields: "[redacted]" }],
      },
      keep: 1,
    });
  });

  // Regression: a driver error carrying "password=…" reached a log line.
  it("scrubs passwords in key=value and URL form from free strings", () => {
    expect(redact("connect failed: password=hunter2 host=db")).toBe(
      "connect failed: password=[redacted] host=db",
    );
    expect(redact('bad PASSWORD: "p w"!')).toBe("bad PASSWORD: [redacted]!");
    expect(redact("postgres://app:s3cr3t@db:5432/app")).toBe("postgres://app:[redacted]@db:5432/app");
  });

  it("scrubs token-shaped text from free strings", () => {
    expect(redact("failed with skt_AbCdEfGhIjKlMnOpQrStUvWxYz012345 in it")).toBe(
      "failed with skt_[redacted] in it",
    );
  });

  it("writes one JSON line per record, below the level nothing", () => {
    const lines: string[] = [];
    const log = createLogger({ level: "info", write: (l) => lines.push(l) });
    log.debug("hidden");
    log.child({ requestId: "req_1" }).info("hello", { token: "ske_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith("\n")).toBe(true);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: "info",
      msg: "hello",
      requestId: "req_1",
      token: "[redacted]",
    });
  });
});
