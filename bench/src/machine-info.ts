import { readFileSync } from "node:fs";
import os from "node:os";

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  postgres: string;
  pglite: string;
  /** The PostgreSQL inside PGlite, filled in when the bench first opens an embedded store. */
  pgliteEngine?: string;
  date: string;
  /** 1-minute load average at start and end: this machine is shared, and this says how busy it was. */
  loadStart: number;
  loadEnd?: number;
}

function cpuModel(): string {
  const model = os.cpus()[0]?.model;
  if (model) return model.trim();
  try {
    return /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Read from the file: the package's exports map does not export its package.json. */
function pgliteVersion(): string {
  const path = new URL("../node_modules/@electric-sql/pglite/package.json", import.meta.url);
  return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
}

export function machineInfo(postgresVersion: string): MachineInfo {
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: postgresVersion,
    pglite: pgliteVersion(),
    date: new Date().toISOString(),
    loadStart: os.loadavg()[0]!,
  };
}
