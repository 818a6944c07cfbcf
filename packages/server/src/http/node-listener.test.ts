import type { Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type SikkerKeyServer } from "../app.js";
import { parseConfig } from "../config.js";
import { createTestKeyring } from "../crypto/index.js";
import { silentLogger } from "../log/index.js";
import { openStore } from "../store/index.js";
import { answerClientError, createHttpServer } from "./node-listener.js";

/** Raw bytes to the server, and its whole answer: status, headers and body. */
async function raw(port: number, request: string) {
  const text = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let out = "";
    socket.on("data", (chunk) => {
      out += chunk;
    });
    socket.on("close", () => resolve(out));
    socket.on("error", reject);
  });
  const [head, ...rest] = text.split("\r\n\r\n");
  const [statusLine, ...headerLines] = head!.split("\r\n");
  const headers = Object.fromEntries(
    headerLines.map((h) => [h.slice(0, h.indexOf(":")).toLowerCase(), h.slice(h.indexOf(":") + 1).trim()]),
  );
  return { status: Number(statusLine!.split(" ")[1]), headers, body: rest.join("\r\n\r\n") };
}

// What Node and the Hono adapter refuse before any route runs gets the same problem+json as
// every other refusal (before: plain text or an empty body).
describe("requests refused before routing", () => {
  let server: SikkerKeyServer;
  let port: number;
  beforeAll(async () => {
    server = await createServer(parseConfig({ flags: { listen: "127.0.0.1:0" } }), {
      store: await openStore({ memory: true }),
      keyring: createTestKeyring(),
      logger: silentLogger,
    });
    port = Number(new URL((await server.start()).url).port);
  });
  afterAll(async () => {
    await server.stop();
  });

  const cases: [string, string, number, string][] = [
    [
      "headers over Node's limit",
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
      431,
      "HEADERS_TOO_LARGE",
    ],
    ["a request line that is not HTTP", "HELLO THERE\r\n\r\n", 400, "MALFORMED_REQUEST"],
    [
      "a header name with a space",
      "GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
      400,
      "MALFORMED_REQUEST",
    ],
    ["HTTP/1.1 without Host", "GET /healthz HTTP/1.1\r\n\r\n", 400, "MALFORMED_REQUEST"],
    ["a Host that is not a host", "GET /healthz HTTP/1.1\r\nHost: a b/c\r\n\r\n", 400, "MALFORMED_REQUEST"],
  ];
  it.each(cases)("%s: answered as problem+json", async (_what, request, status, code) => {
    const res = await raw(port, request);
    expect(res.status).toBe(status);
    expect(res.headers["content-type"]).toBe("application/problem+json");
    expect(res.headers["cache-control"]).toBe("no-store");
    const problem = JSON.parse(res.body);
    expect(problem).toMatchObject({
      status,
      code,
      type: `urn:sikkerkey:error:${code.toLowerCase().replaceAll("_", "-")}`,
    });
    // The client's bytes are not echoed back.
    expect(res.body).not.toMatch(/aaaa|Bad Header|a b\/c|HELLO/);
  });

  it("still serves an HTTP/1.0 health check without Host, and ordinary requests", async () => {
    expect((await raw(port, "GET /healthz HTTP/1.0\r\n\r\n")).status).toBe(200);
    expect((await raw(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).status).toBe(
      200,
    );
  });
});

describe("answerClientError", () => {
  const answered = async (code: string, socket = new PassThrough()) => {
    let out = "";
    socket.on("data", (chunk) => {
      out += chunk;
    });
    answerClientError(Object.assign(new Error("parse error"), { code }), socket);
    await new Promise((resolve) => setImmediate(resolve));
    return { out, socket };
  };

  it("a request too slow to arrive (Node's request timeout) is 408 REQUEST_TIMEOUT", async () => {
    const { out } = await answered("ERR_HTTP_REQUEST_TIMEOUT");
    expect(out).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(JSON.parse(out.split("\r\n\r\n")[1]!)).toMatchObject({ status: 408, code: "REQUEST_TIMEOUT" });
  });

  it("a pipelined request that fails while the answer before it is being written only closes the socket", async () => {
    const socket = Object.assign(new PassThrough(), { _httpMessage: { headersSent: true } });
    const { out } = await answered("HPE_INVALID_METHOD", socket);
    expect(out).toBe("");
    expect(socket.destroyed).toBe(true);
  });

  it("a connection the client reset is closed without an answer", async () => {
    const { out, socket } = await answered("ECONNRESET");
    expect(out).toBe("");
    expect(socket.destroyed).toBe(true);
  });
});

describe("createHttpServer around a bare app", () => {
  const started: Server[] = [];
  afterAll(() => Promise.all(started.map((s) => new Promise((r) => s.close(r)))));
  async function listen(fetch: (request: Request) => Response | Promise<Response>, hostname: string) {
    const unexpected: unknown[] = [];
    const server = createHttpServer(fetch, hostname, (error) => unexpected.push(error));
    started.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { port: (server.address() as AddressInfo).port, unexpected };
  }

  it("an error that escapes the app is a 500 that shows nothing of it, and is reported", async () => {
    const { port, unexpected } = await listen(() => {
      throw new Error("duplicate key (token_hash)=(abc123)");
    }, "127.0.0.1");
    const res = await raw(port, "GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body)).toMatchObject({ code: "INTERNAL" });
    expect(res.body).not.toContain("abc123");
    expect(unexpected).toHaveLength(1);
  });

  it("an HTTP/1.0 request without Host names the listen address, bracketed when it is IPv6", async () => {
    const { port } = await listen((request) => new Response(request.url), "::1");
    expect((await raw(port, "GET /healthz HTTP/1.0\r\n\r\n")).body).toBe("http://[::1]/healthz");
  });
});
