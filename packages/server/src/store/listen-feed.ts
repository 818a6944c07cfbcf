import type postgres from "postgres";
import { CHANGE_CHANNEL, type Change, type ChangeFeed } from "./change-feed.js";

export interface ListenTimings {
  /** How often the listening connection proves it still hears: a notification it sends itself. */
  pingEveryMs: number;
  /** Silence this long (two pings missed) and the feed no longer vouches for what it has not said. */
  silenceLimitMs: number;
  relistenDelayMs: number;
  /**
   * A LISTEN not answered in this long is given up with its client, and a new client tries:
   * postgres.js 3.4.9 can leave a query after a lost connection waiting for a reconnect that
   * never settles (docs/reliability.md), and the cache would stay off for good behind it.
   */
  listenTimeoutMs: number;
}

const TIMINGS: ListenTimings = {
  pingEveryMs: 5_000,
  silenceLimitMs: 12_000,
  relistenDelayMs: 500,
  listenTimeoutMs: 10_000,
};
const PING = "ping";
/** Its own name in pg_stat_activity, so an operator (or a test) can tell it from the pool. */
export const LISTENER_APPLICATION_NAME = "sikkerkey-server change feed";

export interface ListenFeed extends ChangeFeed {
  close(): Promise<void>;
}

/**
 * The PostgreSQL store's change feed: the same row triggers as the embedded store, heard over
 * `LISTEN` on a connection of its own. Unlike PGlite, PostgreSQL delivers a notification after
 * the commit, over the network, and not at all while the listening connection is down, so the
 * feed says when it can be trusted (`isLive`):
 *
 * - the connection closes (store restart, `pg_terminate_backend`, a proxy's idle cut): not live
 *   at once, everything is dropped (`*`), and LISTEN is retried until it holds again;
 * - the connection stays up but nothing arrives (a half-open socket, a stuck backend): it pings
 *   itself every few seconds, and after two missed pings it is not live either;
 * - every return to live is announced as `*` first, so nothing kept from before a gap is served.
 */
export async function listenForChanges(
  open: (options: postgres.Options<Record<string, postgres.PostgresType>>) => postgres.Sql,
  timings: ListenTimings = TIMINGS,
): Promise<ListenFeed> {
  const { pingEveryMs, silenceLimitMs, relistenDelayMs, listenTimeoutMs } = timings;
  const subscribers: ((change: Change) => void)[] = [];
  const emit = (change: Change) => {
    for (const s of subscribers) s(change);
  };
  let listening = false;
  let lastHeard = 0;
  let closed = false;
  let generation = 0;
  let relistening: Promise<void> | undefined;

  const silent = () => Date.now() - lastHeard >= silenceLimitMs;
  const heard = (payload: string) => {
    // Back from silence: whatever was said meanwhile may be lost, so forget everything first.
    if (silent()) emit("*");
    lastHeard = Date.now();
    if (payload !== PING) emit(payload);
  };
  const lost = () => {
    if (closed) return;
    generation += 1;
    listening = false;
    emit("*");
    void relisten();
  };
  // postgres.js takes `onnotify` (its own `listen()` uses it) but does not type it; its
  // `listen()` cannot be used here because it says nothing when the connection is lost.
  const onnotify = (channel: string, payload: string) => {
    if (channel === CHANGE_CHANNEL) heard(payload);
  };
  const openClient = (): postgres.Sql => {
    const client = open({
      max: 1,
      max_lifetime: null,
      fetch_types: false,
      // Only the client in use speaks for the feed; one given up may still close later.
      onclose: () => {
        if (client === connection) lost();
      },
      connection: { application_name: LISTENER_APPLICATION_NAME },
      ...({ onnotify } as object),
    });
    return client;
  };
  let connection = openClient();

  /** Gives up a client whose LISTEN never answered, and listens on a new one. */
  const replaceClient = () => {
    const stuck = connection;
    connection = openClient();
    generation += 1;
    void stuck.end({ timeout: 0 }).catch(() => {});
  };

  function relisten(): Promise<void> {
    relistening ??= (async () => {
      try {
        while (!closed) {
          const attempt = generation;
          try {
            const client = connection;
            if (
              (await answeredWithin(client`listen ${client(CHANGE_CHANNEL)}`, listenTimeoutMs)) === TIMED_OUT
            ) {
              replaceClient();
              continue;
            }
          } catch {
            await new Promise((r) => setTimeout(r, relistenDelayMs).unref());
            continue;
          }
          // Lost again while LISTEN was on its way: that connection is gone, listen once more.
          if (attempt !== generation) continue;
          emit("*");
          lastHeard = Date.now();
          listening = true;
          return;
        }
      } finally {
        relistening = undefined;
      }
    })();
    return relistening;
  }

  const ping = setInterval(() => {
    if (listening) connection`select pg_notify(${CHANGE_CHANNEL}, ${PING})`.catch(() => {});
  }, pingEveryMs);
  ping.unref();
  // The store was just reached (migrations ran), so this normally holds at once; if not, the
  // feed starts not live and keeps trying in the background.
  await Promise.race([relisten(), new Promise((r) => setTimeout(r, 5_000).unref())]);

  return {
    subscribe: (listener) => void subscribers.push(listener),
    isLive: () => listening && !silent(),
    async close() {
      if (closed) return;
      closed = true;
      listening = false;
      clearInterval(ping);
      await connection.end({ timeout: 1 });
    },
  };
}

const TIMED_OUT = Symbol("timed out");

async function answeredWithin<T>(query: PromiseLike<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
    timer.unref();
  });
  try {
    return await Promise.race([query, late]);
  } finally {
    clearTimeout(timer);
  }
}
