import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CHAOS } from "./scale.js";

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "chaos-results");

/**
 * A test's figures (faults injected, leases, replicas, inputs tried, what was lost), printed
 * and kept as JSON under e2e/chaos-results/ (git-ignored), so docs/reliability.md quotes what
 * a run produced instead of what someone remembers.
 */
export function report(name: string, figures: Record<string, unknown>): void {
  const entry = { name, mode: CHAOS ? "chaos" : "short", at: new Date().toISOString(), ...figures };
  console.log(`[reliability] ${name}: ${JSON.stringify(figures)}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.${entry.mode}.json`), `${JSON.stringify(entry, null, 2)}\n`);
}
