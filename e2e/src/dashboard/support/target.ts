import { deploy } from "../../support/deployment.js";

/** A running `sikkerkey-server` process (the real bin) serving the dashboard. */
export interface DashboardTarget {
  url: string;
  token: string;
  email: string;
  close(): Promise<void>;
}

export async function startDashboardTarget(): Promise<DashboardTarget> {
  const d = await deploy("embedded");
  const res = await fetch(`${d.url}/login`);
  if (res.status !== 200 || !res.headers.get("content-type")?.startsWith("text/html")) {
    await d.close();
    throw new Error(`sikkerkey-server does not serve the dashboard at /login (HTTP ${res.status})`);
  }
  return { url: d.url, token: d.token, email: "ops@example.com", close: () => d.close() };
}
