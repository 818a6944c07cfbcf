import type { MachineInfo } from "../machine-info.js";
import type { StoreKind } from "../setup/deployment.js";

export type ScenarioId =
  | "mint"
  | "mint-throughput"
  | "read"
  | "renew"
  | "reaper"
  | "startup"
  | "read-scale"
  | "sdk";

export interface Target {
  /** What the target bounds: the ours/floor ratio, or our own number where there is no floor. */
  on: "ratio" | "ours";
  op: "<=" | ">=" | "<";
  value: number;
}

export interface Metric {
  name: string;
  unit: string;
  ours: number;
  floor?: number;
  ratio?: number;
  target?: Target;
  met?: boolean;
}

export interface ScenarioResult {
  id: ScenarioId;
  store: StoreKind;
  /** What "floor" means in this scenario, in a few words. */
  floor: string;
  metrics: Metric[];
  /** Peak resident memory of the server process during the scenario (the embedded store is inside it). */
  serverPeakRssMb: number | null;
  details: Record<string, unknown>;
  /** Warnings and errors the server logged during the scenario. */
  warnings: string[];
}

export interface BenchResults {
  mode: "quick" | "full";
  machine: MachineInfo;
  durationSeconds: number;
  scenarios: ScenarioResult[];
}

const check = (value: number, t: Target) =>
  t.op === "<=" ? value <= t.value : t.op === ">=" ? value >= t.value : value < t.value;

/** One number, with its floor and ratio (ours / floor) when there is one, judged against its target. */
export function metric(name: string, unit: string, ours: number, floor?: number, target?: Target): Metric {
  const m: Metric = { name, unit, ours };
  if (floor !== undefined) {
    m.floor = floor;
    m.ratio = ours / floor;
  }
  if (target) {
    m.target = target;
    const judged = target.on === "ratio" ? m.ratio : ours;
    if (judged !== undefined && Number.isFinite(judged)) m.met = check(judged, target);
  }
  return m;
}
