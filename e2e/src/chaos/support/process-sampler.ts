import { readdir, readFile } from "node:fs/promises";

/** One look at a process from the outside, as an operator's monitoring would take it. */
export interface ProcessSample {
  /** Seconds since sampling started. */
  t: number;
  rssBytes: number;
  openFds: number;
}

/** VmRSS from /proc/<pid>/status and the entries of /proc/<pid>/fd (Linux). */
export async function sampleProcess(pid: number, t: number): Promise<ProcessSample> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  const fds = await readdir(`/proc/${pid}/fd`);
  return { t, rssBytes: kb * 1024, openFds: fds.length };
}

/** Least-squares line through (x, y): the slope says how fast y grows, whatever the noise at the ends. */
export function linearFit(points: { x: number; y: number }[]): {
  slope: number;
  intercept: number;
  r2: number;
} {
  const n = points.length;
  if (n < 2) return { slope: 0, intercept: points[0]?.y ?? 0, r2: 0 };
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
    syy += (p.y - my) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: sxx === 0 || syy === 0 ? 0 : (sxy * sxy) / (sxx * syy) };
}

/** A Prometheus gauge's value from the server's /metrics text, or undefined. */
export async function metricValue(url: string, name: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : undefined;
  } catch {
    return undefined;
  }
}

export const MB = 1024 * 1024;
