import { pgFromInject } from "@sikkerkey/testkit/vitest";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import postgres from "postgres";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHANGE_CHANNEL } from "./change-feed.js";
import { LISTENER_APPLICATION_NAME, type ListenFeed, listenForChanges } from "./listen-feed.js";

// The feed's timings shrunk so a lost or silent listener shows within a test; the logic is the
// one the server runs with 5 s pings and a 12 s silence limit.
const FAST = { pingEveryMs: 100, silenceLimitMs: 450, relistenDelayMs: 50, listenTimeoutMs: 1_000 };

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("change feed over LISTEN (PostgreSQL store)", { timeout: 30_000 }, () => {
  const pg = pgFromInject();
  let url: string;
  let database: string;
  let feed: ListenFeed;
  let other: postgres.Sql;
  let heard: string[];

  /** The listening backend's pid, as the server sees it. */
  const listenerPid = async () => {
    const rows = await pg.query<{ pid: number }>(
      "select pid from pg_stat_activity where application_name = $1 and datname = $2",
      [LISTENER_APPLICATION_NAME, database],
    );
    return rows[0]?.pid;
  };

  beforeEach(async () => {
    database = await pg.createDatabase();
    url = pg.url({ database });
    heard = [];
    feed = await listenForChanges((o) => postgres(url, { ...o, onnotice: () => {} }), FAST);
    feed.subscribe((c) => heard.push(c));
    // Another replica's connection: its changes must reach this one.
    other = postgres(url, { max: 1, onnotice: () => {} });
  });
  afterEach(async () => {
    await feed.close();
    await other.end({ timeout: 1 });
  });

  it("hears what another connection commits, and nothing it rolls back", async () => {
    expect(feed.isLive()).toBe(true);
    await other.begin(async (tx) => {
      await tx`select pg_notify(${CHANGE_CHANNEL}, 'm:mach_1')`;
    });
    await other
      .begin(async (tx) => {
        await tx`select pg_notify(${CHANGE_CHANNEL}, 'm:mach_2')`;
        throw new Error("roll back");
      })
      .catch(() => {});
    await other`select pg_notify(${CHANGE_CHANNEL}, 'l:sk_a:mach_1')`;
    await until("both changes are heard", () => heard.includes("l:sk_a:mach_1"));
    // Its own pings are not changes.
    expect(heard).toEqual(["m:mach_1", "l:sk_a:mach_1"]);
  });

  it("stops vouching the moment its connection is lost, forgets everything, and listens again", async () => {
    const pid = await listenerPid();
    expect(pid).toBeTypeOf("number");
    heard.length = 0;
    // Whether the feed vouched at the moment it announced each change. The loss can be over (a
    // new connection listening) sooner than a poll of isLive() would see it, so it is read here.
    const seen: { change: string; live: boolean }[] = [];
    feed.subscribe((change) => seen.push({ change, live: feed.isLive() }));
    await pg.query("select pg_terminate_backend($1)", [pid]);
    await until("the loss is noticed", () => heard.includes("*"));
    expect(seen.find((s) => s.change === "*")).toEqual({ change: "*", live: false });
    // Changes made while nobody listened are lost: hence "*" above and again on return.
    await until("it listens again", () => feed.isLive());
    expect(await listenerPid()).not.toBe(pid);
    expect(heard.filter((c) => c === "*")).toHaveLength(2);
    // The return is announced before the feed vouches again.
    expect(seen.filter((s) => s.change === "*")).toEqual([
      { change: "*", live: false },
      { change: "*", live: false },
    ]);
    await other`select pg_notify(${CHANGE_CHANNEL}, 's:sk_after')`;
    await until("changes are heard again", () => heard.includes("s:sk_after"));
  });

  it("stops vouching when the connection stays up but goes silent, and forgets everything on return", async () => {
    const pid = (await listenerPid())!;
    heard.length = 0;
    // A stuck backend (or a half-open socket): the connection is not closed, nothing arrives.
    process.kill(pid, "SIGSTOP");
    try {
      await until("the silence is noticed", () => !feed.isLive());
      await other`select pg_notify(${CHANGE_CHANNEL}, 'm:during_silence')`;
      expect(feed.isLive()).toBe(false);
    } finally {
      process.kill(pid, "SIGCONT");
    }
    await until("it hears again", () => feed.isLive());
    // The change sent while it was silent arrives late, after a "*" that voids what was kept.
    await until("the late change arrives", () => heard.includes("m:during_silence"));
    expect(heard.indexOf("*")).toBeGreaterThanOrEqual(0);
    expect(heard.indexOf("*")).toBeLessThan(heard.indexOf("m:during_silence"));
    expect(await listenerPid()).toBe(pid);
  });

  it("gives up a client whose LISTEN never answers and listens on a new one", async () => {
    // A server that accepts connections and never says a word: the first client's LISTEN waits
    // forever, as a postgres.js client can after a lost connection.
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as AddressInfo).port;
    const opened: string[] = [];
    try {
      const stuck = await listenForChanges((o) => {
        const target = opened.length === 0 ? `postgres://x:y@127.0.0.1:${port}/x` : url;
        opened.push(target === url ? "store" : "silent");
        return postgres(target, { ...o, onnotice: () => {}, connect_timeout: 30 });
      }, FAST);
      try {
        await until("it listens on a new client", () => stuck.isLive());
        expect(opened).toEqual(["silent", "store"]);
        const got: string[] = [];
        stuck.subscribe((c) => got.push(c));
        await other`select pg_notify(${CHANGE_CHANNEL}, 'm:heard')`;
        await until("it hears on the new client", () => got.includes("m:heard"));
      } finally {
        await stuck.close();
      }
    } finally {
      silent.close();
    }
  });

  it("is never live after close", async () => {
    await feed.close();
    expect(feed.isLive()).toBe(false);
  });
});
