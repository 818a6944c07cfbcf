import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newIdentity } from "../../test-support/machine-client.js";
import { ROUTES } from "../openapi/routes.js";
import { casesFor, type Family, type FuzzCase, type Target } from "./cases.js";
import { KNOWN_BUGS } from "./known-bugs.js";
import { seededRng } from "./rng.js";
import { CHAOS, size } from "./scale.js";
import { judge, send } from "./send.js";
import { snapshot, storeChanges } from "./snapshot.js";
import { type RouteSpec, routeSpecs } from "./specs.js";
import { createFuzzWorld, type FuzzMachine, type FuzzWorld, worldRefs } from "./world.js";

const SEED = Number(process.env["SIKKERKEY_FUZZ_SEED"] ?? 0x5eed);
/** Cases per route and family in the short run; the long run sends every case. */
const SHORT: Record<Family, number> = { path: 6, query: 4, body: 12, header: 2, method: 1 };
/** Random mutations added per body, on top of the fixed vocabulary (long run only). */
const EXTRA = size(0, 200);

const toDocPath = (path: string) => path.replace(/:(\w+)/g, "{$1}");
/** The dashboard (HTML, its own sessions and CSRF) has its own security tests; this is the API. */
const isApiPath = (path: string) =>
  path.startsWith("/v1/") || ["/healthz", "/readyz", "/metrics"].includes(path);

/** Failures grouped by route, family and kind of answer, each with a count and the first input. */
class Failures {
  readonly groups = new Map<string, { count: number; first: string }>();
  add(group: string, example: string): void {
    const g = this.groups.get(group);
    if (g) g.count++;
    else this.groups.set(group, { count: 1, first: example });
  }
  lines(): string[] {
    return [...this.groups].map(([group, g]) => `${g.count}× ${group} — e.g. ${g.first}`);
  }
}

describe("hostile input on every route", () => {
  let w: FuzzWorld;
  let fresh: FuzzMachine;
  let specs: Record<string, RouteSpec>;
  let served: Map<string, Set<string>>;

  beforeAll(async () => {
    w = await createFuzzWorld();
    const identity = await newIdentity();
    fresh = { ...identity, id: identity.thumbprint, name: "fz-new-machine" };
    specs = routeSpecs(w, identity.publicKeyPem);
    served = new Map();
    const add = (method: string, path: string) => {
      served.set(path, (served.get(path) ?? new Set()).add(method.toUpperCase()));
    };
    for (const r of w.h.server.app.routes)
      if (r.method !== "ALL" && isApiPath(r.path)) add(r.method, toDocPath(r.path));
    for (const r of ROUTES) add(r.method, r.path);
  }, 180_000);
  afterAll(async () => {
    await w?.h.close();
  });

  it("has fuzz cases for every route the server serves or documents", () => {
    const routes = [...served].flatMap(([path, methods]) => [...methods].map((m) => `${m} ${path}`));
    expect(
      routes.filter((key) => !specs[key]),
      "routes without fuzz cases (add them to specs.ts)",
    ).toEqual([]);
    expect(
      Object.keys(specs).filter((key) => !routes.includes(key)),
      "specs for routes that do not exist",
    ).toEqual([]);
  });

  it(
    "answers every hostile input with a 4xx problem+json and changes nothing",
    async () => {
      const rng = seededRng(SEED);
      const refs = worldRefs(w);
      const failures = new Failures();
      const known = new Map(KNOWN_BUGS.map((b) => [b.id, 0]));
      const tried: Record<Family, number> = { path: 0, query: 0, body: 0, header: 0, method: 0 };
      const codes = new Map<string, number>();
      let before = await snapshot(w.h.store);
      for (const [key, spec] of Object.entries(specs)) {
        const [method, path] = key.split(" ") as [string, string];
        const target: Target = {
          key,
          method,
          path,
          doc: ROUTES.find((r) => r.method.toUpperCase() === method && r.path === path),
          spec,
          refs,
          ...(spec.signer === "enabled" ? { signerKeyId: w.machines.enabled.id } : {}),
        };
        const families = casesFor(target, served.get(path) ?? new Set(), rng, EXTRA);
        const chosen: FuzzCase[] = (Object.keys(families) as Family[]).flatMap((family) =>
          size(rng.sample(families[family], SHORT[family]), families[family]),
        );
        for (const c of chosen) {
          tried[c.family]++;
          const input = `${c.method} ${c.path.slice(0, 100)} (${c.label})`;
          try {
            const { answer, problem } = await judge(c, await send(w, c, rng, fresh));
            const code = answer.code ?? String(answer.status);
            codes.set(code, (codes.get(code) ?? 0) + 1);
            if (!problem) continue;
            const bug = KNOWN_BUGS.find((b) => b.matches(c, answer));
            if (bug) known.set(bug.id, known.get(bug.id)! + 1);
            else failures.add(`${key} [${c.family}] ${problem.slice(0, 120)}`, input);
          } catch (error) {
            failures.add(`${key} [${c.family}] ${(error as Error).message}`, input);
          }
        }
        await w.h.server.engine.settle();
        const after = await snapshot(w.h.store);
        for (const change of storeChanges(before, after)) failures.add(`${key}: store changed`, change);
        before = after;
      }

      const total = Object.values(tried).reduce((a, b) => a + b, 0);
      console.info(
        [
          `fuzz (seed ${SEED}, ${CHAOS ? "long" : "short"}): ${total} inputs over ${Object.keys(specs).length} routes`,
          `by family ${JSON.stringify(tried)}`,
          `answers ${JSON.stringify(Object.fromEntries([...codes].sort((a, b) => b[1] - a[1])))}`,
          ...KNOWN_BUGS.filter((b) => known.get(b.id)! > 0).map(
            (b) => `known bug ${b.id}: ${known.get(b.id)} inputs. ${b.where}. Fix: ${b.fix}`,
          ),
        ].join("\n"),
      );
      if (failures.groups.size > 0) console.info(`server errors logged:\n${w.errors.slice(0, 5).join("\n")}`);
      expect(failures.lines()).toEqual([]);
      // Every fixed input is sent in the long run: a known bug that stopped happening was fixed.
      if (CHAOS) expect(KNOWN_BUGS.filter((b) => known.get(b.id) === 0).map((b) => b.id)).toEqual([]);
    },
    size(300_000, 3_600_000),
  );
});
