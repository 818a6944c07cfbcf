import {
  generateKeyPair,
  importSigningKey,
  keyThumbprint,
  type SigningKey,
  signRequest,
} from "@sikkerkey/signing";
import { expectJson, type Harness } from "./harness.js";

/** The socket address every signed test request arrives from, so audits can be checked for it. */
export const TEST_SOURCE_IP = "203.0.113.7";
const TEST_CONNECTION = { incoming: { socket: { remoteAddress: TEST_SOURCE_IP } } };

export interface TestIdentity {
  publicKeyPem: string;
  key: SigningKey;
  thumbprint: string;
}

export async function newIdentity(): Promise<TestIdentity> {
  const pair = await generateKeyPair();
  return {
    publicKeyPem: pair.publicKeyPem,
    key: importSigningKey(pair.privateKeyPem),
    thumbprint: keyThumbprint(pair.publicKeyPem),
  };
}

export interface SignedOptions {
  method?: string;
  body?: unknown;
  /** Bytes sent as they are (JSON content type), instead of `body` serialized. */
  rawBody?: Uint8Array;
  keyId: string;
  key: SigningKey;
  /** Unix seconds; defaults to the harness clock. */
  created?: number;
  nonce?: string;
  /** Applied after signing: a way to tamper with what was signed. */
  after?: (headers: Record<string, string>) => void;
}

/** A machine request as the SDK would send it, signed for http://localhost. */
export async function signed(h: Harness, path: string, options: SignedOptions): Promise<Response> {
  const method = options.method ?? "GET";
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = body ? { "content-type": "application/json" } : {};
  Object.assign(
    headers,
    await signRequest(
      { method, url: `http://localhost${path}`, headers: {}, body: body ?? null },
      {
        keyId: options.keyId,
        key: options.key,
        created: options.created ?? Math.floor(h.clock.now().getTime() / 1000),
        ...(options.nonce ? { nonce: options.nonce } : {}),
      },
    ),
  );
  options.after?.(headers);
  return h.server.app.request(path, { method, headers, ...(body ? { body } : {}) }, TEST_CONNECTION);
}

export interface World {
  vault: { id: string; name: string };
  project: { id: string; name: string };
  secretId: string;
}

let counter = 0;
/** A vault with one project holding one structured secret, all with fresh names. */
export async function createWorld(
  h: Harness,
  fields: Record<string, string> = { STRIPE_KEY: "sk_test_123" },
): Promise<World> {
  const n = ++counter;
  const vault = await expectJson<{ id: string; name: string }>(
    await h.admin("POST", "/v1/admin/vaults", { name: `v${n}` }),
    201,
  );
  const project = await expectJson<{ id: string; name: string }>(
    await h.admin("POST", `/v1/admin/vaults/${vault.id}/projects`, { name: "api" }),
    201,
  );
  const secretId = `sk_secret_${n}`;
  await expectJson(
    await h.admin("POST", "/v1/admin/secrets", {
      kind: "structured",
      id: secretId,
      vault: vault.name,
      project: "api",
      fields,
    }),
    201,
  );
  return { vault, project, secretId };
}

export interface TestMachine extends TestIdentity {
  id: string;
  name: string;
  status: string;
}

/** Enrolls a machine into the world's vault; `grant` gives it the project. */
export async function enrollMachine(
  h: Harness,
  world: World,
  options: { autoApprove?: boolean; grant?: boolean; name?: string } = {},
): Promise<TestMachine> {
  const token = await expectJson<{ token: string }>(
    await h.admin("POST", "/v1/admin/enrollment-tokens", {
      vault: world.vault.id,
      autoApprove: options.autoApprove ?? true,
      projects: options.grant === false ? [] : [world.project.id],
    }),
    201,
  );
  const identity = await newIdentity();
  const name = options.name ?? `m${++counter}`;
  const res = await signed(h, "/v1/enroll", {
    method: "POST",
    body: { token: token.token, name, publicKeyPem: identity.publicKeyPem },
    keyId: identity.thumbprint,
    key: identity.key,
  });
  const enrolled = await expectJson<{ machineId: string; status: string }>(res, 201);
  return { ...identity, id: enrolled.machineId, name, status: enrolled.status };
}
