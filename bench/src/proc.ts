import { readFileSync, writeFileSync } from "node:fs";

/** Process figures from /proc (Linux). Each returns null where /proc cannot tell. */

function status(pid: number, field: "VmHWM" | "VmRSS"): number | null {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export const rssMb = (pid: number): number | null => status(pid, "VmRSS");
/** The high-water mark of resident memory since start or since the last `resetPeakRss`. */
export const peakRssMb = (pid: number): number | null => status(pid, "VmHWM");

/** Writing 5 to clear_refs resets VmHWM to the current RSS, so a peak can be taken per scenario. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** CPU time (user + system) the process has used, in seconds. */
export function cpuSeconds(pid: number): number | null {
  try {
    // Fields after the ")" of the command name: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * Waits until the process has used less than `maxShare` of one core over `windowMs`: start-up
 * work that runs after readiness (the reconciler's first pass) shows up here. Returns how long
 * the process stayed busy, or null on timeout.
 */
export async function waitIdle(
  pid: number,
  opts: { windowMs?: number; maxShare?: number; timeoutMs: number },
): Promise<number | null> {
  const windowMs = opts.windowMs ?? 300;
  const maxShare = opts.maxShare ?? 0.15;
  const started = performance.now();
  let before = cpuSeconds(pid);
  while (performance.now() - started < opts.timeoutMs) {
    await new Promise((r) => setTimeout(r, windowMs));
    const after = cpuSeconds(pid);
    if (before === null || after === null) return null;
    // The quiet window itself is not start-up work: the process was done when it began.
    if ((after - before) / (windowMs / 1000) < maxShare)
      return Math.max(0, performance.now() - started - windowMs);
    before = after;
  }
  return null;
}
