import { mb, ratio, SCENARIO_TITLES, target, value, verdict } from "./format.js";
import type { ScenarioResult } from "./results.js";

/** One line per metric as each scenario finishes, so a long run shows where it is. */
export function printScenario(r: ScenarioResult): void {
  const head = `[${r.store}] ${SCENARIO_TITLES[r.id]}`;
  console.log(`${head}  (server peak RSS ${mb(r.serverPeakRssMb)}; floor: ${r.floor})`);
  for (const m of r.metrics) {
    const parts = [`  ${m.name}: ours ${value(m.ours, m.unit)}`];
    if (m.floor !== undefined) parts.push(`floor ${value(m.floor, m.unit)}`, ratio(m));
    if (m.target) parts.push(`target ${target(m)}: ${verdict(m).replaceAll("*", "")}`);
    console.log(parts.join(", "));
  }
  for (const w of r.warnings.slice(0, 5)) console.log(`  server said: ${w}`);
}
