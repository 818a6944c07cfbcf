// The machine identity file, $SIKKERKEY_HOME/identity.json. Plain JSON with a PKCS#8 PEM so any
// RFC 9421 library in any language can act as the machine. Messages name fields, never values:
// the file holds a private key.
import { isValidKeyId } from "./profile.js";
import { rawFromPrivateKeyPem } from "./pem.js";

export interface Identity {
  /** Base URL of the SikkerKey server, http(s). */
  server: string;
  machineId: string;
  /** PKCS#8 PEM Ed25519 private key. */
  privateKeyPem: string;
}

/** Parses and validates identity.json. Unknown fields are ignored so newer files still load. */
export function parseIdentity(json: string): Identity {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    // JSON.parse's own message quotes the input, which may be the key itself.
    throw new Error("identity file is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error("identity file must hold a JSON object");
  }
  const { server, machineId, privateKeyPem } = value as Record<string, unknown>;
  return checkIdentity({ server, machineId, privateKeyPem });
}

/** identity.json text for an identity: validated, pretty-printed, with a final newline. */
export function serializeIdentity(id: Identity): string {
  const { server, machineId, privateKeyPem } = checkIdentity(id);
  return `${JSON.stringify({ server, machineId, privateKeyPem }, null, 2)}\n`;
}

function checkIdentity(fields: Record<keyof Identity, unknown>): Identity {
  const { server, machineId, privateKeyPem } = fields;
  if (typeof server !== "string" || !isHttpUrl(server)) {
    throw new Error('identity field "server" must be an http(s) URL');
  }
  if (typeof machineId !== "string" || !isValidKeyId(machineId)) {
    throw new Error('identity field "machineId" must be 1-256 printable ASCII characters');
  }
  if (typeof privateKeyPem !== "string") throw new Error('identity field "privateKeyPem" must be a string');
  try {
    rawFromPrivateKeyPem(privateKeyPem);
  } catch {
    throw new Error('identity field "privateKeyPem" is not an Ed25519 PKCS#8 PEM private key');
  }
  return { server, machineId, privateKeyPem };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (
      (url.protocol === "https:" || url.protocol === "http:") && url.username === "" && url.password === ""
    );
  } catch {
    return false;
  }
}

/**
 * Where the identity lives: $SIKKERKEY_HOME, else ~/.sikkerkey.
 * @example
 * defaultSikkerkeyHome({ HOME: "/home/ci" }); // "/home/ci/.sikkerkey"
 */
export function defaultSikkerkeyHome(env: Record<string, string | undefined> = processEnv()): string {
  if (env["SIKKERKEY_HOME"]) return env["SIKKERKEY_HOME"];
  const home = env["HOME"] || env["USERPROFILE"];
  if (!home) throw new Error("cannot find a home directory: set SIKKERKEY_HOME or HOME");
  const separator = home.includes("\\") && !home.includes("/") ? "\\" : "/";
  return `${home.replace(/[\\/]+$/, "")}${separator}.sikkerkey`;
}

function processEnv(): Record<string, string | undefined> {
  // No static node:process import: the main entry must load in any runtime.
  return globalThis.process?.env ?? {};
}
