import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

/** A request as the fake server saw it, body parsed when it was JSON. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  rawBody: string;
  body: unknown;
}

export interface Reply {
  status?: number;
  body?: unknown;
  /** Sent as is instead of JSON (NDJSON, an HTML proxy page). */
  text?: string;
  contentType?: string;
  /** Milliseconds to wait before answering (timeout tests). */
  delayMs?: number;
}

export type Handler = (request: RecordedRequest) => Reply;

/**
 * A real HTTP server on 127.0.0.1 that records every request and answers what the test set up
 * with `on()`: canned protocol responses or problem+json. Unset routes answer 404 ROUTE_NOT_FOUND.
 */
export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  on(method: string, path: string, reply: Reply | Handler): void;
  /** The last request to `method path` (any path when omitted). */
  last(method?: string, path?: string): RecordedRequest | undefined;
  reset(): void;
  close(): Promise<void>;
}

export function problem(status: number, code: string, detail: string, extra: object = {}): Reply {
  return {
    status,
    contentType: "application/problem+json",
    body: {
      type: `urn:sikkerkey:error:${code.toLowerCase().replaceAll("_", "-")}`,
      title: detail,
      status,
      code,
      detail,
      requestId: "req_test",
      ...extra,
    },
  };
}

export async function startFakeServer(): Promise<FakeServer> {
  const routes = new Map<string, Reply | Handler>();
  const requests: RecordedRequest[] = [];
  const app = new Hono();
  app.all("*", async (c) => {
    const url = new URL(c.req.url);
    const rawBody = await c.req.text();
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const recorded: RecordedRequest = {
      method: c.req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(c.req.raw.headers),
      rawBody,
      body,
    };
    requests.push(recorded);
    const route = routes.get(`${c.req.method} ${url.pathname}`);
    const reply =
      route === undefined
        ? problem(404, "ROUTE_NOT_FOUND", `no route ${c.req.method} ${url.pathname}`)
        : typeof route === "function"
          ? route(recorded)
          : route;
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    const status = reply.status ?? 200;
    const headers = {
      "content-type": reply.contentType ?? "application/json",
      "x-request-id": "req_test",
    };
    if (status === 204) return c.body(null, 204);
    const payload = reply.text ?? JSON.stringify(reply.body ?? null);
    return c.body(payload, status as 200, headers);
  });

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on(method, path, reply) {
      routes.set(`${method} ${path}`, reply);
    },
    last(method, path) {
      return requests.findLast((r) => (!method || r.method === method) && (!path || r.path === path));
    },
    reset() {
      routes.clear();
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
      }),
  };
}
