import { connect, type Socket } from "node:net";

/**
 * A keep-alive HTTP/1.1 connection that sends requests serialized before the clock starts and
 * reads the answers, one at a time, with nothing else in between. The load client shares two
 * cores with the server it measures, so what it spends per request is taken from the server:
 * undici's `Pool` spent 0.4–1.1 ms of CPU per request in warm bursts of a hundred first reads,
 * this 0.2–0.4 ms (docs/performance-log.md, "a load client that costs less"). It speaks only what
 * the bench needs: GET, plain HTTP, answers framed by `content-length` or chunked.
 */
export class RawHttpConnection {
  readonly #socket: Socket;
  /** What has arrived and is not yet part of an answer. */
  #pending: Buffer = Buffer.alloc(0);
  #waiter: { resolve(r: RawResponse): void; reject(e: Error): void } | null = null;
  #failure: Error | null = null;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
      this.#tryAnswer();
    });
    socket.on("error", (error) => this.#fail(error));
    socket.on("close", () => this.#fail(new Error("the server closed the connection")));
  }

  static open(origin: URL): Promise<RawHttpConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: origin.hostname, port: Number(origin.port), noDelay: true });
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new RawHttpConnection(socket));
      });
      socket.once("error", reject);
    });
  }

  /** Sends one serialized request and resolves with its answer (one request in flight at a time). */
  send(request: Buffer): Promise<RawResponse> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#waiter) return Promise.reject(new Error("one request at a time on a connection"));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
      this.#socket.write(request);
    });
  }

  close(): void {
    this.#failure ??= new Error("closed");
    this.#socket.destroy();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.reject(error);
  }

  #tryAnswer(): void {
    if (!this.#waiter) return;
    let parsed: { response: RawResponse; length: number } | null;
    try {
      parsed = parseResponse(this.#pending);
    } catch (error) {
      this.#fail(error as Error);
      this.#socket.destroy();
      return;
    }
    if (!parsed) return;
    this.#pending = this.#pending.subarray(parsed.length);
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter.resolve(parsed.response);
  }
}

export interface RawResponse {
  status: number;
  body: string;
}

/** `GET path` with `headers`, as bytes; `Host` is the origin's, as undici and fetch send it. */
export function serializeGet(origin: URL, path: string, headers: Record<string, string>): Buffer {
  let head = `GET ${path} HTTP/1.1\r\nhost: ${origin.host}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new TypeError(`header ${name} holds a line break`);
    head += `${name}: ${value}\r\n`;
  }
  return Buffer.from(`${head}\r\n`, "latin1");
}

const HEAD_END = Buffer.from("\r\n\r\n");

/**
 * The first complete response in `data` and how many bytes it took, or null while it is still
 * arriving. Throws on anything this client does not speak (no framing, a bad status line).
 */
export function parseResponse(data: Buffer): { response: RawResponse; length: number } | null {
  const headEnd = data.indexOf(HEAD_END);
  if (headEnd < 0) return null;
  const head = data.toString("latin1", 0, headEnd);
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  if (!status) throw new Error(`not an HTTP/1.1 status line: ${JSON.stringify(head.slice(0, 40))}`);
  const code = Number(status[1]);
  const bodyStart = headEnd + HEAD_END.length;
  const contentLength = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
  if (contentLength) {
    const end = bodyStart + Number(contentLength[1]);
    if (data.length < end) return null;
    return { response: { status: code, body: data.toString("utf8", bodyStart, end) }, length: end };
  }
  if (/\r\ntransfer-encoding:[ \t]*chunked/i.test(head)) return parseChunked(data, bodyStart, code);
  if (code === 204 || code === 304) return { response: { status: code, body: "" }, length: bodyStart };
  throw new Error(`an answer (${code}) with neither content-length nor chunked encoding`);
}

function parseChunked(
  data: Buffer,
  start: number,
  status: number,
): { response: RawResponse; length: number } | null {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = data.indexOf("\r\n", at, "latin1");
    if (lineEnd < 0) return null;
    const size = Number.parseInt(data.toString("latin1", at, lineEnd).split(";")[0]!, 16);
    if (!Number.isFinite(size)) throw new Error("a bad chunk size");
    const chunkStart = lineEnd + 2;
    if (size === 0) {
      // No trailers are sent to this client: the last chunk ends with an empty line.
      if (data.length < chunkStart + 2) return null;
      return { response: { status, body: Buffer.concat(parts).toString("utf8") }, length: chunkStart + 2 };
    }
    if (data.length < chunkStart + size + 2) return null;
    parts.push(data.subarray(chunkStart, chunkStart + size));
    at = chunkStart + size + 2;
  }
}
