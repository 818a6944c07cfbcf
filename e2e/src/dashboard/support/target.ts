import { pathToFileURL } from "node:url";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { deploy } from "../../support/deployment.js";

/** A running server with the dashboard, whichever way it was started. */
export interface DashboardTarget {
  url: string;
  token: string;
  email: string;
  /** "process": the real `sikkerkey-server` bin; "in-process": the same server built in this test process. */
  mode: "process" | "in-process";
  close(): Promise<void>;
}

interface InProcessModule {
  startInProcessDashboard(email?: string): Promise<Omit<DashboardTarget, "mode">>;
}

/**
 * The real `sikkerkey-server` process when it serves the dashboard (once the composition root
 * mounts it), else the whole server built in-process from the server's sources. The module is
 * loaded by path at run time, so this package's typecheck does not compile the server's JSX.
 */
export async function startDashboardTarget(): Promise<DashboardTarget> {
  const d = await deploy("embedded");
  const res = await fetch(`${d.url}/login`).catch(() => undefined);
  if (res?.status === 200 && res.headers.get("content-type")?.startsWith("text/html")) {
    return { url: d.url, token: d.token, email: "ops@example.com", mode: "process", close: () => d.close() };
  }
  await d.close();
  const here = dirname(fileURLToPath(import.meta.url));
  const source = join(
    here,
    "..",
    "..",
    "..",
    "..",
    "packages",
    "server",
    "src",
    "dashboard",
    "testing",
    "in-process-server.ts",
  );
  const mod = (await import(/* @vite-ignore */ pathToFileURL(source).href)) as InProcessModule;
  return { ...(await mod.startInProcessDashboard("ops@example.com")), mode: "in-process" };
}
