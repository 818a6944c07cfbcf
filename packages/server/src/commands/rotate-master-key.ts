import type { Config } from "../config.js";
import { keyFileOf, keySourceFor, loadKeyringForStore } from "../crypto/index.js";
import { type RotationReport, type RotationStep, rotateMasterKey } from "../crypto/rotate.js";
import { openStore } from "../store/index.js";

/**
 * `sikkerkey-server rotate-master-key [--reseal-only | --retire]`: see docs/operations.md.
 * Works on the store the server uses (embedded: stop the server first; PostgreSQL: replicas may
 * keep running, in the order the docs give).
 */
export async function runRotateMasterKey(
  config: Config,
  options: { step: RotationStep; json: boolean },
): Promise<RotationReport> {
  const source = keySourceFor(config);
  const store = await openStore(
    config.databaseUrl ? { databaseUrl: config.databaseUrl.reveal() } : { dataDir: config.dataDir },
  );
  try {
    const report = await rotateMasterKey(
      {
        db: store.db,
        keyFile: keyFileOf(source),
        // As the server loads it, refusing keys that open nothing in the store.
        loadKeyring: () => loadKeyringForStore(store.db, source),
      },
      options.step,
    );
    if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else {
      const lines = [`Active master key: ${report.activeKeyId}`];
      for (const c of report.columns) {
        lines.push(
          `  ${c.column}: ${c.total} value(s), ${c.resealed} re-sealed${c.skipped ? `, ${c.skipped} changed during the run` : ""}`,
        );
      }
      if (report.retired.length > 0) lines.push(`Retired: ${report.retired.join(", ")}`);
      lines.push(`Next: ${report.next}`, "");
      process.stdout.write(lines.join("\n"));
    }
    return report;
  } finally {
    await store.close();
  }
}
