import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { ADMIN_PREFIX } from "@sikkerkey/protocol";
import { ApiError, apiErrorFromResponse, NetworkError } from "./api-error.js";

type Method = "GET" | "POST" | "PATCH" | "DELETE";

export type Query = Record<string, string | number | boolean | undefined>;

export interface AdminClientOptions {
  server: string;
  token: string;
  /** Deadline for an answer: the whole exchange, or until the headers of a streamed one. */
  timeoutMs?: number;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
}

interface Page<T> {
  items: T[];
  nextCursor?: string;
}

const USER_AGENT = `sikkerkey-cli/${__PACKAGE_VERSION__}`;
const DEFAULT_TIMEOUT_MS = 30_000;
/** Guards against a server that hands back the same cursor forever. */
const MAX_PAGES = 1000;

/**
 * The operator API (`/v1/admin`, bearer token), over Node's built-in fetch (undici inside, with
 * nothing extra to load at start-up). Answers come back as the server sent them (not re-parsed
 * through zod), so `--json` output keeps fields this CLI does not know yet.
 */
export class AdminClient {
  readonly server: string;
  readonly #token: string;
  readonly #timeoutMs: number;

  constructor(options: AdminClientOptions) {
    this.server = options.server.replace(/\/+$/, "");
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>("GET", path, query ? { query } : {});
  }

  post<T>(path: string, body?: unknown, query?: Query): Promise<T> {
    return this.request<T>("POST", path, { body, ...(query ? { query } : {}) });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PATCH", path, { body });
  }

  delete<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>("DELETE", path, query ? { query } : {});
  }

  /** Every item of a list, following `nextCursor`; stops early once `limit` items are in. */
  async list<T>(path: string, query: Query = {}, limit?: number): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await this.get<Page<T>>(path, { ...query, cursor });
      items.push(...answer.items);
      cursor = answer.nextCursor;
      if (!cursor || (limit !== undefined && items.length >= limit)) break;
    }
    return limit === undefined ? items : items.slice(0, limit);
  }

  async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
    const deadline = AbortSignal.timeout(this.#timeoutMs);
    const response = await this.#send(method, path, options, deadline);
    const text = await response.text().catch((error: unknown) => {
      throw NetworkError.from(error, this.server);
    });
    if (response.status >= 400) throw apiErrorFromResponse(response.status, headersOf(response), text);
    if (response.status === 204 || text === "") return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError({
        status: response.status,
        code: "MALFORMED_RESPONSE",
        message: `the server at ${this.server} answered ${method} ${path} with something that is not JSON`,
      });
    }
  }

  /** A streamed body (NDJSON export): the caller pipes it. The deadline stops at the headers. */
  async stream(path: string, query?: Query): Promise<Readable> {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException("timed out", "TimeoutError")),
      this.#timeoutMs,
    );
    try {
      const response = await this.#send("GET", path, query ? { query } : {}, controller.signal);
      if (response.status >= 400) {
        throw apiErrorFromResponse(response.status, headersOf(response), await response.text());
      }
      if (!response.body) return Readable.from([]);
      return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    } finally {
      clearTimeout(timer);
    }
  }

  async #send(method: Method, path: string, options: RequestOptions, signal: AbortSignal): Promise<Response> {
    const url = `${this.server}${ADMIN_PREFIX}${path}${queryString(options.query)}`;
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#token}`,
      accept: "application/json, application/problem+json",
      "user-agent": USER_AGENT,
    };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    try {
      return await fetch(url, { method, headers, body, signal, redirect: "error" });
    } catch (error) {
      throw NetworkError.from(error, this.server);
    }
  }
}

function headersOf(response: Response): Record<string, string> {
  return Object.fromEntries(response.headers);
}

export function queryString(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** A path segment from a user-given id or name. */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
