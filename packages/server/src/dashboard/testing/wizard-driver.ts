import { expect } from "vitest";
import type { TestBrowser } from "./browser.js";

export const ADMIN_PASSWORD = "Adm1n-Pa55word-never-rendered";

export const CONNECTION = {
  secretId: "sk_db_prod",
  project: "api",
  host: "db.internal",
  port: "5432",
  database: "app",
  adminUser: "sikkerkey_admin",
  adminPassword: ADMIN_PASSWORD,
  tlsMode: "disable",
  caPem: "",
};

export const SHAPE = {
  passwordLength: "40",
  charset: "symbols",
  grants: "GRANT SELECT ON granted TO {{name}};",
};

export const POLICY = {
  lifetime: "10m",
  renewOnRead: "on",
  renewWindow: "2m",
  hardMax: "1h",
  nativeExpiry: "on",
  revokeOnDisable: "on",
  maxLogins: "50",
};

/** Drives the wizard the way the browser's forms do; returns every page's HTML it saw. */
export class WizardDriver {
  draft = "";
  readonly pages: string[] = [];

  constructor(
    private readonly b: TestBrowser,
    private readonly base: string,
  ) {}

  async start(): Promise<string> {
    const { res, html } = await this.b.page(`${this.base}/secrets/new/leased?project=api`);
    expect(res.status).toBe(200);
    this.pages.push(html);
    return html;
  }

  /** Posts one step; follows a redirect to the next step's page. */
  async post(
    step: string,
    nav: string,
    fields: Record<string, string>,
  ): Promise<{ status: number; html: string; location?: string }> {
    const { res, html } = await this.b.post(`${this.base}/wizard`, {
      _csrf: this.b.csrf(),
      draft: this.draft,
      step,
      nav,
      ...fields,
    });
    this.pages.push(html);
    const location = res.headers.get("location") ?? undefined;
    const inPage = /name="draft" value="([^"]*)"/.exec(html)?.[1];
    const inUrl = location ? /\/wizard\/([^/]+)\//.exec(location)?.[1] : undefined;
    this.draft = inUrl ?? inPage ?? this.draft;
    if (res.status === 303 && location?.includes("/wizard/")) {
      const next = await this.b.page(location);
      this.pages.push(next.html);
      return { status: 303, html: next.html, location };
    }
    return { status: res.status, html, ...(location ? { location } : {}) };
  }

  /** Every step with the defaults above (or overrides), ending with Create. */
  async complete(overrides: { connection?: object; shape?: object; policy?: object } = {}) {
    await this.start();
    expect((await this.post("connection", "next", { ...CONNECTION, ...overrides.connection })).status).toBe(
      303,
    );
    expect((await this.post("shape", "next", { ...SHAPE, ...overrides.shape })).status).toBe(303);
    return this.post("policy", "create", { ...POLICY, ...overrides.policy });
  }
}
