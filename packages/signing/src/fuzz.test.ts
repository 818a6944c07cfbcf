// From one valid signed request, thousands of random mutations; none may be accepted. Mutations
// that leave the request the same as HTTP defines it (method case, host case, default port,
// whitespace around a field value) are skipped, since the server cannot tell them apart either.
// Reproduce a failure with SIGNING_FUZZ_SEED=<seed printed in the failure>.
import { describe, expect, it } from "vitest";
import type { SignableRequest } from "./message.js";
import { MemoryNonceStore } from "./nonce-store.js";
import { makeFixture, NOW, POST, URL_WITH_QUERY } from "./testing/fixture.js";
import { mutateString, pickOne, randomInt, randomToken, type Rng, seededRng } from "./testing/mutate.js";
import { verifyRequest } from "./verify-request.js";

interface Parts {
  method: string;
  scheme: string;
  authority: string;
  path: string;
  query: string | undefined;
  body: string | undefined;
  headers: [string, string][];
}

const fx = await makeFixture();
const SIGNED = ["signature-input", "signature", "content-digest"];
const MUTATIONS_PER_REQUEST = 1500;

function toRequest(p: Parts): SignableRequest {
  const url = `${p.scheme}://${p.authority}${p.path}${p.query === undefined ? "" : `?${p.query}`}`;
  return { method: p.method, url, headers: Object.fromEntries(p.headers), body: p.body };
}

/** The request as the server sees it, or undefined if no server could receive it. */
function canonical(p: Parts): string | undefined {
  try {
    const url = new URL(toRequest(p).url as string);
    const headers = p.headers
      .map(([k, v]) => [k.toLowerCase(), v.replace(/^[ \t]+|[ \t]+$/g, "")])
      .sort((a, b) => String(a).localeCompare(String(b)));
    return JSON.stringify([
      p.method.toUpperCase(),
      url.host,
      url.pathname,
      url.search,
      p.body ?? "",
      headers,
    ]);
  } catch {
    return undefined;
  }
}

function editSignatureInput(rng: Rng, value: string): [string, string] {
  const match = /^sk=\(([^)]*)\)(.*)$/.exec(value);
  if (!match) return [value, "unparsed"];
  const components = (match[1] ?? "").split(" ");
  const params = (match[2] ?? "").split(";").slice(1);
  const list = rng() < 0.5 ? components : params;
  const extras = ['"@target-uri"', '"@scheme"', '"content-type"', '"@query";req', "expires=1700000030"];
  const i = randomInt(rng, list.length);
  const j = randomInt(rng, list.length);
  const op = pickOne(rng, ["swap", "duplicate", "drop", "replace", "value"] as const);
  if (op === "swap") [list[i], list[j]] = [list[j] ?? "", list[i] ?? ""];
  if (op === "duplicate") list.splice(j, 0, list[i] ?? "");
  if (op === "drop") list.splice(i, 1);
  if (op === "replace") list[i] = pickOne(rng, extras);
  if (op === "value") {
    const values = [
      `created=${NOW + pickOne(rng, [-61, -1, 1, 30, 61])}`,
      `nonce="${randomToken(rng, 22)}"`,
      `keyid="${pickOne(rng, ["mach_b", "mach_c", "mach_a "])}"`,
      `alg=${pickOne(rng, ['"ED25519"', '"hmac-sha256"', "ed25519"])}`,
      `tag=${pickOne(rng, ['"sikkerkeY"', '""', "sikkerkey"])}`,
      `expires=${NOW + randomInt(rng, 100)}`,
    ];
    params[randomInt(rng, params.length)] = pickOne(rng, values);
  }
  const label = rng() < 0.05 ? pickOne(rng, ["sig", "sK", "sk2"]) : "sk";
  return [
    `${label}=(${components.join(" ")})${params.map((p) => `;${p}`).join("")}`,
    `signature-input:${op}`,
  ];
}

function mutate(rng: Rng, original: Parts): [Parts, string] {
  const p: Parts = { ...original, headers: original.headers.map(([k, v]) => [k, v] as [string, string]) };
  const signed = p.headers.filter(([k]) => SIGNED.includes(k));
  // A chain of mutations can drop every signature header; what is left is tried as it is.
  if (signed.length === 0) return [p, "no signature header left"];
  const target = pickOne(rng, [
    "header",
    "header",
    "structure",
    "method",
    "authority",
    "path",
    "query",
    "body",
    "lines",
  ]);
  const header = pickOne(rng, signed);
  let how = "";
  if (target === "header") [header[1], how] = mutateString(rng, header[1]);
  if (target === "structure") {
    const input = signed.find(([k]) => k === "signature-input");
    if (input) [input[1], how] = editSignatureInput(rng, input[1]);
  }
  if (target === "method") [p.method, how] = mutateString(rng, p.method);
  if (target === "authority") [p.authority, how] = mutateString(rng, p.authority);
  if (target === "path") [p.path, how] = mutateString(rng, p.path);
  if (target === "query")
    [p.query, how] = rng() < 0.1 ? [undefined, "drop"] : mutateString(rng, p.query ?? "");
  if (target === "body") [p.body, how] = rng() < 0.1 ? [undefined, "drop"] : mutateString(rng, p.body ?? "");
  if (target === "lines") {
    how = pickOne(rng, ["drop", "duplicate", "combine", "empty", "digest"]);
    const index = p.headers.indexOf(header);
    if (how === "drop") p.headers.splice(index, 1);
    if (how === "duplicate") p.headers.push([header[0].toUpperCase(), header[1]]);
    if (how === "combine") header[1] = `${header[1]}, ${header[1]}`;
    if (how === "empty") header[1] = "";
    if (how === "digest")
      p.headers.push(["Content-Digest", "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"]);
  }
  return [p, `${target}${target === "header" || target === "lines" ? `(${header[0]})` : ""}:${how}`];
}

async function fuzz(seed: number, original: Parts) {
  const rng = seededRng(seed);
  const reference = canonical(original);
  const accepted: string[] = [];
  let tried = 0;
  let skipped = 0;
  while (tried < MUTATIONS_PER_REQUEST) {
    let [p, label] = mutate(rng, original);
    for (let extra = randomInt(rng, 4) === 0 ? 1 + randomInt(rng, 2) : 0; extra > 0; extra--) {
      const [next, more] = mutate(rng, p);
      [p, label] = [next, `${label} + ${more}`];
    }
    const key = canonical(p);
    if (key === undefined || key === reference) {
      skipped++;
      continue;
    }
    tried++;
    // A fresh store each time: a "replayed" would hide an acceptance.
    const nonces = new MemoryNonceStore({ now: () => NOW });
    const result = await verifyRequest(toRequest(p), { lookupKey: fx.lookupKey, nonces, now: () => NOW });
    if (result.ok) accepted.push(`${label} => ${JSON.stringify(toRequest(p))}`);
  }
  return { accepted, tried, skipped };
}

async function signedParts(req: SignableRequest): Promise<Parts> {
  const signed = await fx.sign(req);
  const url = new URL(String(req.url));
  const query = url.search === "" ? undefined : url.search.slice(1);
  const body = typeof req.body === "string" ? req.body : undefined;
  const headers = Object.entries(signed.headers as Record<string, string>);
  return {
    method: req.method,
    scheme: "https",
    authority: url.host,
    path: url.pathname,
    query,
    body,
    headers,
  };
}

const fixedSeed = 0x5eed;
const envSeed = Number(process.env["SIGNING_FUZZ_SEED"]);
const seeds = Number.isInteger(envSeed) ? [envSeed] : [fixedSeed, randomInt(Math.random, 2 ** 31)];
const originals = {
  "POST with a body": { ...POST, url: URL_WITH_QUERY },
  "GET without a body": { method: "GET", url: URL_WITH_QUERY, headers: { accept: "application/json" } },
};

describe.each(seeds)("fuzzing signed requests, seed %i", (seed) => {
  it.each(Object.entries(originals))("no mutation of a %s is accepted", async (_, req) => {
    const original = await signedParts(req);
    const check = await verifyRequest(toRequest(original), {
      lookupKey: fx.lookupKey,
      nonces: new MemoryNonceStore({ now: () => NOW }),
      now: () => NOW,
    });
    expect(check.ok, "the unmutated request must verify").toBe(true);
    const { accepted, tried, skipped } = await fuzz(seed, original);
    expect(tried).toBe(MUTATIONS_PER_REQUEST);
    expect(skipped, `seed ${seed}: too many mutations were no-ops`).toBeLessThan(tried);
    expect(accepted.slice(0, 5), `seed ${seed}: ${accepted.length} mutations were accepted`).toEqual([]);
  });
});
