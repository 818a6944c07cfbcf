// Test vectors live in shared/, beside the repository root (in CI too), not inside this package.
import { readFileSync } from "node:fs";

const VECTORS = new URL("../../../../../shared/vectors/", import.meta.url);

export interface Rfc8032Vector {
  secret_key: string;
  public_key: string;
  message: string;
  signature: string;
}

export interface Rfc9421Vector {
  request: { method: string; target: string; headers: [string, string][]; body: string };
  key: { public_pem: string; private_pem: string };
  signature_base: string;
  signature_input: string;
  signature: string;
}

export function loadVectors<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(file, VECTORS), "utf8")) as T;
}

export function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, "hex"));
}
