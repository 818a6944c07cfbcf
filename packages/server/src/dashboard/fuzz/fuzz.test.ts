import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshot, storeChanges } from "../../http/fuzz/snapshot.js";
import { newId } from "../../ids.js";
import { schema } from "../../store/index.js";
import { seededRng } from "../../http/fuzz/rng.js";
import { size } from "../../http/fuzz/scale.js";
import { HOSTILE_STRINGS, PATH_TRICKS } from "../../http/fuzz/values.js";
import type { TestBrowser } from "../testing/browser.js";
import { type DashboardWorld, dashboardWorld } from "../testing/world.js";
import { crawl, type FoundForm } from "./crawl.js";

/** Markup that would run if a page echoed it unescaped, and a redirect target that leaves the site. */
const XSS = [
  "<script>sk_xss()</script>",
  '"><svg onload=sk_xss()>',
  "'><img src=x onerror=sk_xss()>",
  "</textarea><script>sk_xss()</script>",
];
const OFFSITE = ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:sk_xss()"];
const VALUES = [...HOSTILE_STRINGS, ...XSS, ...OFFSITE];
const SEED = Number(process.env["SIKKERKEY_FUZZ_SEED"] ?? 0x5eed);
/** Hostile values tried per form field, per path parameter and per query key. */
const PER_FIELD = size(6, VALUES.length);
const PER_SEGMENT = size(4, PATH_TRICKS.length);
const QUERY_KEYS = [
  "notice",
  "n",
  "next",
  "cursor",
  "q",
  "action",
  "machine",
  "secret",
  "project",
  "state",
  "error",
];
/** Tried in every query key of every page, not sampled: each once answered with a 500. */
const QUERY_MUST = ["\u0000", "a\u0000b", "__proto__", "constructor", "toString", "hasOwnProperty"];
const KEYS_PER_PAGE = size(3, QUERY_KEYS.length);

interface Sent {
  what: string;
  status: number;
  type: string;
  location: string | null;
  html: string;
  value?: string;
}

/** The answers every request must give, whatever it sent. */
function judge(sent: Sent): string[] {
  const wrong: string[] = [];
  if (sent.status >= 500) wrong.push(`${sent.status}`);
  if (sent.status >= 300 && sent.status < 400) {
    // Only paths on this site: a crafted `next` must not send a signed-in operator elsewhere.
    if (!sent.location || !/^\/(?![/\\])/.test(sent.location)) wrong.push(`redirect to ${sent.location}`);
  } else if (!sent.type.startsWith("text/html") && sent.status !== 204) {
    wrong.push(`content type ${sent.type}`);
  }
  if (sent.value && /[<>]/.test(sent.value) && sent.html.includes(sent.value)) wrong.push("echoed unescaped");
  return wrong.map((w) => `${sent.what}: ${w}`);
}

async function send(
  b: TestBrowser,
  method: string,
  path: string,
  form?: Record<string, string>,
  value?: string,
): Promise<Sent> {
  const res = await b.request(method, path, form);
  const html = await res.text();
  return {
    what: `${method} ${path.slice(0, 120)}${form ? ` ${JSON.stringify(form).slice(0, 160)}` : ""}`,
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    location: res.headers.get("location"),
    html,
    ...(value !== undefined ? { value } : {}),
  };
}

/** The route patterns (`/vaults/:vault/...`) the dashboard serves, as method + pattern. */
function routeKeys(w: DashboardWorld): Set<string> {
  const keys = new Set<string>();
  for (const r of w.app.routes) {
    if (r.method === "ALL" || r.path.includes("*")) continue;
    keys.add(`${r.method} ${r.path}`);
  }
  return keys;
}

const patternOf = (pattern: string) => new RegExp(`^${pattern.replace(/:[^/]+/g, "[^/]+")}$`);

describe("dashboard fuzz: every page and form, hostile values in every field, id and query", () => {
  let w: DashboardWorld;
  let b: TestBrowser;
  let pages: string[];
  let forms: FoundForm[];
  const rng = seededRng(SEED);

  beforeAll(async () => {
    w = await dashboardWorld();
    b = await w.signedIn();
    // Something behind every page: a vault, a project, a structured secret, a machine (pending, so
    // its approve form shows), an enrollment token, a trashed secret, a leased-secret wizard draft.
    await b.page("/");
    await b.post("/vaults", { _csrf: b.csrf(), name: "prod" });
    await b.page("/vaults/prod/secrets");
    await b.post("/vaults/prod/projects", { _csrf: b.csrf(), name: "api" });
    await b.page("/vaults/prod/secrets/new/structured");
    for (const id of ["sk_kv", "sk_gone"]) {
      await b.post("/vaults/prod/secrets/new/structured", {
        _csrf: b.csrf(),
        id,
        project: "api",
        fields: "KEY=value",
      });
    }
    await b.post("/vaults/prod/secrets/sk_gone/delete", { _csrf: b.csrf() });
    const vaultId = (await w.services.vaults.get(w.owner, "prod")).id;
    await w.machine(vaultId, "m-pending", "pending");
    await w.machine(vaultId, "m-disabled", "disabled");
    const granted = await w.machine(vaultId, "m-enabled", "enabled");
    await b.page("/vaults/prod/machines");
    await b.post("/vaults/prod/enrollment-tokens", { _csrf: b.csrf(), ttl: "1h" });
    await b.post(`/vaults/prod/machines/${granted}/grants`, { _csrf: b.csrf(), project: "api" });
    // A leased secret with a live lease (its revoke and edit forms), written as the engine would.
    await w.leasedSecret("sk_db");
    await w.store.db.insert(schema.leases).values({
      id: newId("lease"),
      secretId: "sk_db",
      machineId: granted,
      vaultId,
      slot: "current",
      login: "sk_db_m_enabled_abc",
      state: "active",
      expiresAt: new Date(w.clock.now().getTime() + 600_000),
    });
    await b.page("/vaults/prod/secrets/sk_db");
    const editing = await b.post("/vaults/prod/secrets/sk_db/edit", { _csrf: b.csrf() });
    const wizardStep = editing.res.headers.get("location") ?? "/";
    ({ pages, forms } = await crawl(b, [
      "/",
      "/vaults/prod",
      wizardStep,
      "/vaults/prod/secrets/new/leased",
      "/login",
      "/login/token",
    ]));
  }, 120_000);
  afterAll(() => w?.close());

  it("reaches every route it serves", () => {
    const reached = new Set<string>();
    for (const key of routeKeys(w)) {
      const [method, pattern] = key.split(" ") as [string, string];
      const re = patternOf(pattern);
      const hit =
        method === "GET"
          ? pages.some((p) => re.test(p.split("?")[0]!))
          : forms.some((f) => re.test(f.action.split("?")[0]!));
      if (hit) reached.add(key);
    }
    const missed = [...routeKeys(w)].filter((k) => !reached.has(k));
    // Sign-out is left alone on purpose (it would end the session the fuzz runs in); its CSRF
    // refusal is covered in auth.test.ts.
    expect(missed.filter((k) => k !== "POST /logout" && !k.startsWith("GET /assets/"))).toEqual([]);
  });

  it("no page answers a hostile id or query with a 5xx, an off-site redirect or unescaped markup", async () => {
    const before = await snapshot(w.store);
    const wrong: string[] = [];
    let tried = 0;
    for (const key of routeKeys(w)) {
      const [method, pattern] = key.split(" ") as [string, string];
      if (method !== "GET" || !pattern.includes(":")) continue;
      const page = pages.find((p) => patternOf(pattern).test(p.split("?")[0]!));
      if (!page) continue;
      const segments = page.split("?")[0]!.split("/");
      const params = pattern.split("/").flatMap((s, i) => (s.startsWith(":") ? [i] : []));
      for (const at of params) {
        for (const trick of [...rng.sample(PATH_TRICKS, PER_SEGMENT), ...XSS.map(encodeURIComponent)]) {
          const bent = [...segments];
          bent[at] = trick;
          wrong.push(...judge(await send(b, "GET", bent.join("/"), undefined, decodeSafe(trick))));
          tried += 1;
        }
      }
    }
    for (const page of pages) {
      for (const key of rng.sample(QUERY_KEYS, KEYS_PER_PAGE)) {
        for (const value of rng.sample(VALUES, 2)) {
          const sep = page.includes("?") ? "&" : "?";
          wrong.push(
            ...judge(await send(b, "GET", `${page}${sep}${key}=${encodeQuery(value)}`, undefined, value)),
          );
          tried += 1;
        }
      }
    }
    console.log(`[reliability] dashboard-fuzz GET: ${pages.length} pages, ${tried} inputs`);
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(tried).toBeGreaterThan(100);
    // Reading pages changes nothing (refusals may add audit events).
    expect(storeChanges(before, await snapshot(w.store))).toEqual([]);
  });

  it("no page answers U+0000 or an Object.prototype name in any query key with a 5xx", async () => {
    const before = await snapshot(w.store);
    const wrong: string[] = [];
    let tried = 0;
    for (const page of pages) {
      for (const key of QUERY_KEYS) {
        for (const value of QUERY_MUST) {
          const sep = page.includes("?") ? "&" : "?";
          wrong.push(...judge(await send(b, "GET", `${page}${sep}${key}=${encodeQuery(value)}`)));
          tried += 1;
        }
      }
    }
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(tried).toBe(pages.length * QUERY_KEYS.length * QUERY_MUST.length);
    expect(storeChanges(before, await snapshot(w.store))).toEqual([]);
  });

  // The form is read before anything else, sign-in included: anyone could send one.
  it("a body that claims to be a form but cannot be read is a 400", async () => {
    const headers = { "content-type": "multipart/form-data; boundary=x" };
    for (const path of ["/login", "/vaults"]) {
      const res = await w.app.request(path, { method: "POST", headers, body: "--x\r\nbroken" });
      expect(res.status, path).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    }
  });

  it("a form sent without its CSRF token, or with another, changes nothing", async () => {
    const before = await snapshot(w.store);
    const wrong: string[] = [];
    for (const form of forms) {
      if (form.action === "/logout") continue;
      const fields = Object.fromEntries(form.fields);
      for (const csrf of [undefined, "v1.forged", `${fields["_csrf"] ?? ""}x`]) {
        const sent = { ...fields };
        if (csrf === undefined) delete sent["_csrf"];
        else sent["_csrf"] = csrf;
        const answer = await send(b, "POST", form.action, sent);
        wrong.push(...judge(answer));
        if (answer.status !== 403) wrong.push(`${answer.what}: ${answer.status}, not 403`);
      }
    }
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(storeChanges(before, await snapshot(w.store))).toEqual([]);
  });

  it(
    "every field of every form takes hostile values without a 5xx, an off-site redirect or unescaped markup",
    async () => {
      const wrong: string[] = [];
      let tried = 0;
      // Destructive forms last, so the others still find what they act on.
      const order = (f: FoundForm) => (/\/(delete|purge|disable|revoke|remove)$/.test(f.action) ? 1 : 0);
      for (const form of [...forms].sort((a, z) => order(a) - order(z))) {
        if (form.action === "/logout") continue;
        for (const [name] of form.fields) {
          if (name === "_csrf") continue;
          for (const value of rng.sample(VALUES, PER_FIELD)) {
            // A fresh token each time: some answers (a sign-in, a wizard step) rotate it.
            const { html } = await b.page(form.page);
            const fields = Object.fromEntries(form.fields);
            const csrf = html.includes('name="_csrf"') ? b.csrf(html) : (fields["_csrf"] ?? "");
            const answer = await send(
              b,
              "POST",
              form.action,
              { ...fields, _csrf: csrf, [name]: value },
              value,
            );
            wrong.push(...judge(answer));
            tried += 1;
          }
        }
      }
      console.log(`[reliability] dashboard-fuzz POST: ${forms.length} forms, ${tried} inputs`);
      expect(wrong.slice(0, 20)).toEqual([]);
      expect(tried).toBeGreaterThan(size(100, 1000));
    },
    size(300_000, 1_800_000),
  );
});

/** Percent-encodes a value, lone surrogates included (as the bytes of U+FFFD, which is what a browser sends). */
function encodeQuery(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...new TextEncoder().encode(value)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
  }
}

/** The text a path segment stands for, when it decodes (for the echo check). */
function decodeSafe(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
