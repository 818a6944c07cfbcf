import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseResponse, RawHttpConnection, serializeGet } from "./raw-http.js";

describe("parseResponse", () => {
  const bytes = (s: string) => Buffer.from(s, "latin1");

  it("waits for the whole head and body, then says how many bytes the answer took", () => {
    const answer = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    for (let cut = 0; cut < answer.length; cut++)
      expect(parseResponse(bytes(answer.slice(0, cut)))).toBeNull();
    expect(parseResponse(bytes(`${answer}HTTP/1.1`))).toEqual({
      response: { status: 200, body: "hello" },
      length: answer.length,
    });
  });

  it("reads a chunked body, chunk extensions included", () => {
    const answer =
      "HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    expect(parseResponse(bytes(answer.slice(0, -1)))).toBeNull();
    expect(parseResponse(bytes(answer))).toEqual({
      response: { status: 404, body: "abcde" },
      length: answer.length,
    });
  });

  it("counts the body in bytes, not characters", () => {
    const body = Buffer.from('{"a":"æøå"}', "utf8");
    const head = bytes(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n`);
    expect(parseResponse(Buffer.concat([head, body]))?.response.body).toBe('{"a":"æøå"}');
  });

  it("refuses what it does not speak", () => {
    expect(() => parseResponse(bytes("HTTP/2 200\r\n\r\n"))).toThrow(/status line/);
    expect(() => parseResponse(bytes("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nbody"))).toThrow(
      /content-length/,
    );
  });
});

describe("serializeGet", () => {
  it("sends the origin's host and the headers as given", () => {
    const origin = new URL("http://127.0.0.1:8123");
    expect(serializeGet(origin, "/v1/secrets/x", { signature: "sig=:AA==:" }).toString("latin1")).toBe(
      "GET /v1/secrets/x HTTP/1.1\r\nhost: 127.0.0.1:8123\r\nsignature: sig=:AA==:\r\n\r\n",
    );
  });

  it("refuses a header that would split the request", () => {
    expect(() => serializeGet(new URL("http://h:1"), "/", { a: "b\r\nx: y" })).toThrow(/line break/);
  });
});

describe("RawHttpConnection against node:http", () => {
  let server: Server;
  let origin: URL;
  const seen: { host?: string; signature?: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ host: req.headers.host, signature: req.headers.signature as string | undefined });
      if (req.url === "/chunked") {
        res.write("part one, ");
        res.end("part two");
      } else if (req.url === "/close") {
        req.socket.destroy();
      } else {
        res.writeHead(req.url === "/missing" ? 404 : 200, { "content-type": "application/json" });
        res.end(JSON.stringify({ url: req.url }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("answers requests one after another on one kept-alive connection", async () => {
    const connection = await RawHttpConnection.open(origin);
    try {
      const first = await connection.send(serializeGet(origin, "/a", { signature: "s1" }));
      const second = await connection.send(serializeGet(origin, "/missing", {}));
      const third = await connection.send(serializeGet(origin, "/chunked", {}));
      expect(first).toEqual({ status: 200, body: '{"url":"/a"}' });
      expect(second).toEqual({ status: 404, body: '{"url":"/missing"}' });
      expect(third).toEqual({ status: 200, body: "part one, part two" });
      expect(seen.at(-3)).toEqual({ host: origin.host, signature: "s1" });
    } finally {
      connection.close();
    }
  });

  it("refuses a second request while one is in flight", async () => {
    const connection = await RawHttpConnection.open(origin);
    try {
      const first = connection.send(serializeGet(origin, "/a", {}));
      await expect(connection.send(serializeGet(origin, "/b", {}))).rejects.toThrow(/one request at a time/);
      await expect(first).resolves.toMatchObject({ status: 200 });
    } finally {
      connection.close();
    }
  });

  it("fails the request in flight when the server closes the connection, and every one after", async () => {
    const connection = await RawHttpConnection.open(origin);
    await expect(connection.send(serializeGet(origin, "/close", {}))).rejects.toThrow(
      /closed the connection/,
    );
    await expect(connection.send(serializeGet(origin, "/a", {}))).rejects.toThrow(/closed the connection/);
  });

  it("fails to open when nothing listens", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(RawHttpConnection.open(new URL(`http://127.0.0.1:${port}`))).rejects.toThrow(/ECONNREFUSED/);
  });
});
