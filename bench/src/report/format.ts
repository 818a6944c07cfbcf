import type { Metric, ScenarioResult } from "./results.js";

export const SCENARIO_TITLES: Record<ScenarioResult["id"], string> = {
  mint: "1. mint (signed read that creates a login)",
  "mint-throughput": "2. mint throughput",
  read: "3. read within lease",
  renew: "4. renewal read",
  reaper: "5. reaper",
  startup: "6. start-up",
  "read-scale": "7. read latency vs store size",
  sdk: "8. SDK getFields",
};

export function value(v: number | undefined, unit: string): string {
  if (v === undefined || !Number.isFinite(v)) return "—";
  if (unit === "ms") return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : Math.round(v)} ms`;
  if (unit === "MB") return `${Math.round(v)} MB`;
  return `${v < 100 ? v.toFixed(1) : Math.round(v)}${unit}`;
}

export const ratio = (m: Metric) => (m.ratio === undefined ? "—" : `${m.ratio.toFixed(2)}×`);

export function target(m: Metric): string {
  if (!m.target) return "";
  const op = m.target.op === "<=" ? "≤" : m.target.op === ">=" ? "≥" : "<";
  return m.target.on === "ratio" ? `${op} ${m.target.value}×` : `${op} ${value(m.target.value, m.unit)}`;
}

export const verdict = (m: Metric) => (m.met === undefined ? "" : m.met ? "met" : "**missed**");

export const mb = (v: number | null) => (v === null ? "—" : `${Math.round(v)} MB`);
