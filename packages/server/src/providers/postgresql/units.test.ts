import { describe, expect, it } from "vitest";
import { isRetryable, readFailure, toProviderError } from "./errors.js";
import { lineOf, renderGrants } from "./grants.js";
import { SerialQueues } from "./queue.js";
import { retryConcurrentUpdate } from "./retry.js";

const pgError = (code: string, message: string) =>
  Object.assign(new Error(message), { code, severity: "ERROR" });

describe("error mapping", () => {
  it.each([
    [Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), true],
    [Object.assign(new Error("write CONNECT_TIMEOUT"), { code: "CONNECT_TIMEOUT" }), true],
    [Object.assign(new Error("getaddrinfo ENOTFOUND db"), { code: "ENOTFOUND" }), false],
    [pgError("57P01", "terminating connection due to administrator command"), true],
    [pgError("53300", "sorry, too many clients already"), true],
    [pgError("08006", "connection failure"), true],
    [pgError("XX000", "tuple concurrently updated"), true],
    [pgError("XX000", "cache lookup failed"), false],
    [pgError("28P01", "password authentication failed"), false],
    [pgError("42501", "permission denied"), false],
    [pgError("42601", "syntax error"), false],
    [Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }), false],
    [
      Object.assign(
        new Error("Client network socket disconnected before secure TLS connection was established"),
        { code: "ECONNRESET" },
      ),
      false,
    ],
  ])("%s → retryable %s", (err, retryable) => {
    expect(isRetryable(readFailure(err))).toBe(retryable);
  });

  it("never keeps the driver error (it carries the statement) and scrubs secrets from the text", () => {
    const err = Object.assign(pgError("42601", 'syntax error at or near "hunter2hunter2"'), {
      query: "CREATE ROLE … PASSWORD 'SCRAM-…'",
    });
    const mapped = toProviderError(err, "minting", ["hunter2hunter2"]);
    expect(mapped.message).toBe('minting: syntax error at or near "[redacted]" [SQLSTATE 42601]');
    expect(mapped.cause).toBeUndefined();
    expect(mapped.targetCode).toBe("42601");
  });
});

describe("grants rendering", () => {
  it("replaces every {{name}} (spaces allowed) with the quoted identifier and nothing else", () => {
    expect(renderGrants("GRANT a TO {{name}}; GRANT b TO {{ name }}; -- {{other}}", "sk_x")).toBe(
      'GRANT a TO "sk_x"; GRANT b TO "sk_x"; -- {{other}}',
    );
    expect(renderGrants(" \n\t", "sk_x")).toBeNull();
  });

  it("is not fooled by $ patterns in the replacement", () => {
    expect(renderGrants("{{name}}", "a$&b")).toBe('"a$&b"');
  });

  it("finds the line of an error position", () => {
    expect(lineOf("a;\nbb;\nccc", 1)).toBe(1);
    expect(lineOf("a;\nbb;\nccc", 4)).toBe(2);
    expect(lineOf("a;\nbb;\nccc", 9)).toBe(3);
  });
});

describe("SerialQueues", () => {
  it("runs one task at a time per key, in order, through failures; other keys run alongside", async () => {
    const queues = new SerialQueues();
    const log: string[] = [];
    let running = 0;
    const task =
      (name: string, fail = false) =>
      async () => {
        running++;
        expect(running).toBeLessThanOrEqual(2); // one per key, two keys
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`end ${name}`);
        running--;
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      queues.run("a", task("a1")),
      queues.run("a", task("a2", true)),
      queues.run("a", task("a3")),
      queues.run("b", task("b1")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    const a = log.filter((l) => l.includes(" a"));
    expect(a).toEqual(["start a1", "end a1", "start a2", "end a2", "start a3", "end a3"]);
    await new Promise((r) => setTimeout(r, 0));
    expect(queues.size).toBe(0);
  });
});

describe("retryConcurrentUpdate", () => {
  it("retries only `tuple concurrently updated`, a bounded number of times", async () => {
    let calls = 0;
    await expect(
      retryConcurrentUpdate(async () => {
        calls++;
        if (calls < 3) throw pgError("XX000", "tuple concurrently updated");
        return "ok";
      }),
    ).resolves.toBe("ok");
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      retryConcurrentUpdate(async () => {
        calls++;
        throw pgError("42601", "syntax error");
      }),
    ).rejects.toThrow("syntax");
    expect(calls).toBe(1);

    calls = 0;
    await expect(
      retryConcurrentUpdate(async () => {
        calls++;
        throw pgError("XX000", "tuple concurrently updated");
      }),
    ).rejects.toThrow();
    expect(calls).toBe(5);
  });
});
