import type { Dispatcher } from "undici";

/** One HTTP exchange, already signed. The body is the exact JSON text whose digest was signed. */
export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string | undefined;
  signal: AbortSignal;
}

/** Header names are lower-case; the body is read whole (machine API answers are small). */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Transport = (req: HttpRequest) => Promise<HttpResponse>;

/**
 * The slice of WHATWG `fetch` the SDK uses, so runtimes without undici (or tests) can hand one in.
 * Typed structurally to keep DOM and Node typings out of the public API.
 */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string | undefined; signal: AbortSignal },
) => Promise<{
  status: number;
  headers: { forEach(callback: (value: string, key: string) => void): void };
  text(): Promise<string>;
}>;

export interface TransportChoice {
  fetch?: FetchLike | undefined;
  dispatcher?: Dispatcher | undefined;
  timeoutMs: number;
}

/** A transport plus the means to release what it owns (never a dispatcher the caller handed in). */
export interface OwnedTransport {
  send: Transport;
  /** Starts loading the HTTP client now, so the first request does not wait for it. Never throws. */
  preload(): void;
  close(): Promise<void>;
}

/** How long an idle keep-alive socket is kept for the next read. */
const KEEP_ALIVE_MS = 30_000;

interface Loaded {
  send: Transport;
  owned?: Dispatcher | undefined;
}

export function createTransport(choice: TransportChoice): OwnedTransport {
  if (choice.fetch) {
    return { send: fetchTransport(choice.fetch), preload: () => {}, close: async () => {} };
  }
  // undici is imported on demand, so a runtime that passes `fetch` never loads it.
  let loading: Promise<Loaded> | undefined;
  const load = async (): Promise<Loaded> => {
    const undici = await import("undici");
    if (choice.dispatcher) return { send: undiciTransport(undici.request, choice.dispatcher) };
    const owned = new undici.Agent({
      keepAliveTimeout: KEEP_ALIVE_MS,
      connect: { timeout: choice.timeoutMs },
      // Backstops: the per-attempt deadline in request.ts is what normally fires first.
      headersTimeout: choice.timeoutMs,
      bodyTimeout: choice.timeoutMs,
    });
    return { send: undiciTransport(undici.request, owned), owned };
  };
  const start = (): Promise<Loaded> => {
    if (!loading) {
      loading = load();
      // A preload nobody follows up must not be an unhandled rejection; `send` still sees the error.
      loading.catch(() => {});
    }
    return loading;
  };
  return {
    send: async (req) => (await start()).send(req),
    preload: () => {
      void start();
    },
    close: async () => {
      const pending = loading;
      // A closed client may be used again: the next request builds a fresh agent.
      loading = undefined;
      // Waits for a load in flight, so an agent it is about to create is closed too.
      const loaded = await pending?.catch(() => undefined);
      await loaded?.owned?.close();
    },
  };
}

function undiciTransport(request: typeof import("undici").request, dispatcher: Dispatcher): Transport {
  return async (req) => {
    const res = await request(req.url, {
      dispatcher,
      method: req.method,
      headers: req.headers,
      body: req.body ?? null,
      signal: req.signal,
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    }
    return { status: res.statusCode, headers, body: await res.body.text() };
  };
}

function fetchTransport(fetchFn: FetchLike): Transport {
  return async (req) => {
    const res = await fetchFn(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
    });
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return { status: res.status, headers, body: await res.text() };
  };
}
