import type { ErrorCode } from "@sikkerkey/protocol";
import type { RouteDoc } from "../openapi/routes.js";
import { MAX_BODY_BYTES } from "../middleware/body.js";
import { refusedByContract } from "./oracle.js";
import type { Rng } from "./rng.js";
import type { BodyBase, RouteSpec } from "./specs.js";
import {
  HOSTILE_STRINGS,
  MALFORMED_JSON,
  nearMisses,
  PATH_TRICKS,
  randomHostileString,
  WRONG_DOCUMENTS,
  WRONG_TYPES,
} from "./values.js";

export type Family = "path" | "query" | "body" | "header" | "method";

export interface FuzzCase {
  family: Family;
  /** What was tried, for a failure message. */
  label: string;
  method: string;
  /** Path and query string, encoded as sent. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Machine routes: sign as this key; `tamper` edits the signed headers afterwards. */
  signer?: RouteSpec["signer"];
  tamper?: (headers: Record<string, string>) => void;
  /** The codes this input must get, when one answer is right. */
  codes?: readonly ErrorCode[];
  /** A read with a hostile filter may answer 200: nothing matched, nothing changed. */
  readMayAnswer?: boolean;
}

/** The route a fuzz case addresses, and what the world offers for it. */
export interface Target {
  key: string;
  method: string;
  path: string;
  doc: RouteDoc | undefined;
  spec: RouteSpec;
  /** Every real id and name in the world. */
  refs: string[];
  /** The keyid the route's signer signs with: naming it is no forgery. */
  signerKeyId?: string;
}

const JSON_TYPE = { "content-type": "application/json" };

export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? `x-${name}`);
}

function encodeSegment(text: string): string | undefined {
  try {
    return encodeURIComponent(text);
  } catch {
    return undefined; // a lone surrogate has no UTF-8: PATH_TRICKS carries its encoded forms
  }
}

const paramNames = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

function pathCases(t: Target, body: string | undefined): FuzzCase[] {
  const out: FuzzCase[] = [];
  for (const name of paramNames(t.path)) {
    const right = new Set(t.spec.rightKind?.[name] ?? []);
    const real = t.spec.params[name] ?? "";
    const values = new Set<string>([
      ...PATH_TRICKS,
      ...HOSTILE_STRINGS.map(encodeSegment).filter((v): v is string => v !== undefined),
      ...nearMisses(real),
      ...t.refs.filter((r) => !right.has(r)),
    ]);
    for (const value of values) {
      out.push({
        family: "path",
        label: `{${name}} = ${value.slice(0, 60)}`,
        method: t.method,
        path: fillPath(t.path, { ...t.spec.params, [name]: value }),
        headers: body ? { ...JSON_TYPE } : {},
        ...(body ? { body } : {}),
      });
    }
  }
  return out;
}

/** Not "true": `?reveal=true` is a legitimate (and audited) read. */
const QUERY_VALUES = ["", "-1", "0", "1.5", "1001", "1e400", "abc", "null", "[]"];

function queryCases(t: Target, body: string | undefined): FuzzCase[] {
  const out: FuzzCase[] = [];
  const base = fillPath(t.path, t.spec.params);
  for (const key of Object.keys(t.doc?.query ?? {})) {
    const encoded = [
      ...[...HOSTILE_STRINGS, ...QUERY_VALUES, ...t.refs.flatMap(nearMisses)].map((v) =>
        new URLSearchParams({ [key]: v }).toString(),
      ),
      ...["%00", "a%00b", "%ff", "%ED%A0%80", "%", "%zz"].map((v) => `${key}=${v}`),
      `${key}=a&${key}=%00`,
    ];
    for (const query of new Set(encoded)) {
      out.push({
        family: "query",
        label: `?${query.slice(0, 80)}`,
        method: t.method,
        path: `${base}?${query}`,
        headers: body ? { ...JSON_TYPE } : {},
        ...(body ? { body } : {}),
        readMayAnswer: t.method === "GET",
      });
    }
  }
  return out;
}

/** Every leaf and object of a JSON value, as key paths. */
function nodePaths(value: unknown, at: string[] = []): string[][] {
  const out: string[][] = at.length > 0 ? [at] : [];
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) out.push(...nodePaths(v, [...at, k]));
  }
  return out;
}

function setAt(value: unknown, path: string[], replacement: unknown | typeof DELETE): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string, unknown>;
  const last = path.at(-1)!;
  if (replacement === DELETE) delete node[last];
  else node[last] = replacement;
  return copy;
}
const DELETE = Symbol("delete");

function mutations(base: unknown, rng: Rng, extra: number): { label: string; value: unknown }[] {
  const out: { label: string; value: unknown }[] = [];
  const paths = nodePaths(base);
  for (const path of paths) {
    const at = path.join(".");
    for (const v of [...WRONG_TYPES, ...HOSTILE_STRINGS])
      out.push({ label: `${at} = ${show(v)}`, value: setAt(base, path, v) });
    out.push({ label: `${at} removed`, value: setAt(base, path, DELETE) });
  }
  // Hostile keys next to the real ones: unknown keys, and (in a record such as `fields`) names.
  for (const path of [[], ...paths]) {
    const node = path.reduce<unknown>((n, k) => (n as Record<string, unknown>)[k], base);
    if (!node || typeof node !== "object" || Array.isArray(node)) continue;
    for (const key of [...HOSTILE_STRINGS.slice(0, 30), "__proto__", "constructor", "toString"]) {
      out.push({ label: `${path.join(".")}[${show(key)}] added`, value: setAt(base, [...path, key], "x") });
    }
  }
  for (let i = 0; i < extra && paths.length > 0; i++) {
    const path = rng.pick(paths);
    const v = randomHostileString(rng);
    out.push({ label: `${path.join(".")} = random ${show(v)}`, value: setAt(base, path, v) });
  }
  return out;
}

const show = (v: unknown) => (JSON.stringify(v) ?? String(v)).slice(0, 60);

const REFUSED_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "application/jsonp",
  "text/json",
];

function bodyCases(t: Target, rng: Rng, extra: number): FuzzCase[] {
  const out: FuzzCase[] = [];
  const schema = t.doc?.body;
  for (const base of t.spec.bodies ?? []) {
    const path = fillPath(t.path, { ...t.spec.params, ...base.params });
    const one = (
      label: string,
      body: string | Uint8Array,
      headers: Record<string, string> = JSON_TYPE,
      codes?: readonly ErrorCode[],
    ): FuzzCase => ({
      family: "body",
      label: `${base.mode}: ${label}`,
      method: t.method,
      path,
      headers: { ...headers },
      body,
      ...(codes ? { codes } : {}),
    });
    const sendable = (value: unknown) => base.mode === "miss" || !schema || refusedByContract(schema, value);
    const text = JSON.stringify(base.body);
    for (const raw of MALFORMED_JSON)
      out.push(one(`malformed ${show(raw)}`, raw, JSON_TYPE, ["MALFORMED_JSON"]));
    for (const raw of WRONG_DOCUMENTS) {
      if (sendable(JSON.parse(raw.replace(/^\ufeff/, "")))) out.push(one(`document ${show(raw)}`, raw));
    }
    for (const type of REFUSED_TYPES)
      out.push(one(`content-type ${type}`, text, { "content-type": type }, ["UNSUPPORTED_MEDIA_TYPE"]));
    const pad = JSON.stringify({ ...(base.body as object), pad: "x".repeat(MAX_BODY_BYTES) });
    out.push(one("64 KiB + padding", pad, JSON_TYPE, ["PAYLOAD_TOO_LARGE"]));
    out.push(one("1 MiB of [", "[".repeat(1 << 20), JSON_TYPE, ["PAYLOAD_TOO_LARGE"]));
    // Not UTF-8: a 0xFF byte inside the first string of the body.
    const bytes = new TextEncoder().encode(text);
    const quote = bytes.indexOf(0x22, bytes.indexOf(0x3a));
    out.push(
      one(
        "invalid UTF-8",
        new Uint8Array([...bytes.slice(0, quote + 1), 0xff, 0xfe, ...bytes.slice(quote + 1)]),
      ),
    );
    for (const m of mutations(base.body, rng, extra)) {
      if (sendable(m.value)) out.push(one(m.label, JSON.stringify(m.value)));
    }
  }
  return out;
}

const FORGED_BEARERS = [
  "Bearer ",
  "Bearer '",
  "Bearer skt_' OR '1'='1",
  "Bearer skt_%00",
  "Bearer skt_$1",
  `Bearer ${"a".repeat(600)}`,
  "Bearer skt_\u00ff\u00e9",
  "Basic b3BzOnB3",
  "Bearer a b",
  "Bearer skt_x, Bearer skt_y",
];

const FORGED_SIGNATURES: [string, (h: Record<string, string>) => void][] = [
  [
    "unsigned",
    (h) => {
      delete h["signature"];
      delete h["signature-input"];
    },
  ],
  [
    "keyid with quotes",
    (h) => {
      h["signature-input"] = h["signature-input"]!.replace(
        /keyid="[^"]*"/,
        'keyid="mach_\'; DROP TABLE machines; --"',
      );
    },
  ],
  [
    "keyid very long",
    (h) => {
      h["signature-input"] = h["signature-input"]!.replace(/keyid="[^"]*"/, `keyid="${"m".repeat(5000)}"`);
    },
  ],
  [
    "signature-input garbage",
    (h) => {
      h["signature-input"] = 'sk=("@method";\\"\'--';
    },
  ],
  [
    "signature not base64",
    (h) => {
      h["signature"] = "sk=:'; --%00:";
    },
  ],
  [
    "latin-1 in signature-input",
    (h) => {
      h["signature-input"] = `${h["signature-input"]}\u00ff`;
    },
  ],
  [
    "nonce with SQL",
    (h) => {
      h["signature-input"] = h["signature-input"]!.replace(
        /nonce="[^"]*"/,
        `nonce="'; DROP TABLE nonces; --"`,
      );
    },
  ],
];

function headerCases(t: Target, body: string | undefined): FuzzCase[] {
  const path = fillPath(t.path, t.spec.params);
  const withBody = body ? { body } : {};
  if (t.spec.signer) {
    const tampers: [string, (h: Record<string, string>) => void][] = [
      ...FORGED_SIGNATURES,
      ...t.refs
        .filter((ref) => ref !== t.signerKeyId)
        .map((ref): [string, (h: Record<string, string>) => void] => [
          `keyid ${ref}`,
          (h) => {
            h["signature-input"] = h["signature-input"]!.replace(/keyid="[^"]*"/, `keyid="${ref}"`);
          },
        ]),
    ];
    return tampers.map(([label, tamper]) => ({
      family: "header",
      label,
      method: t.method,
      path,
      headers: body ? { ...JSON_TYPE } : {},
      ...withBody,
      signer: t.spec.signer,
      tamper,
    }));
  }
  if (!t.key.includes("/v1/admin")) return [];
  return FORGED_BEARERS.map((authorization) => ({
    family: "header",
    label: `authorization ${authorization.slice(0, 40)}`,
    method: t.method,
    path,
    headers: { ...(body ? JSON_TYPE : {}), authorization },
    ...withBody,
    codes: ["UNAUTHENTICATED"],
  }));
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function methodCases(t: Target, served: Set<string>): FuzzCase[] {
  const path = fillPath(t.path, t.spec.params);
  return METHODS.filter((m) => !served.has(m)).map((method) => ({
    family: "method",
    label: `${method} not served`,
    method,
    path,
    headers: method === "GET" ? {} : { ...JSON_TYPE },
    ...(method === "GET" ? {} : { body: '{"name":"x\'; DROP TABLE vaults; --"}' }),
    codes: ["ROUTE_NOT_FOUND", "METHOD_NOT_ALLOWED"],
  }));
}

/** Every case for one route; `extra` random mutations per body base (the long run's share). */
export function casesFor(
  t: Target,
  served: Set<string>,
  rng: Rng,
  extra: number,
): Record<Family, FuzzCase[]> {
  const first: BodyBase | undefined = t.spec.bodies?.[0];
  const body = first ? JSON.stringify(first.body) : undefined;
  return {
    path: pathCases(t, body),
    query: queryCases(t, body),
    body: bodyCases(t, rng, extra),
    header: headerCases(t, body),
    method: methodCases(t, served),
  };
}
