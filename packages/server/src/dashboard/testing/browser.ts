import type { Hono } from "hono";

/**
 * A tiny in-process browser for route tests: keeps cookies, sends forms the way a browser does
 * (urlencoded), follows nothing by itself, and pulls the CSRF token out of the last page.
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  lastHtml = "";

  constructor(
    // biome-ignore lint/suspicious/noExplicitAny: any app env; the browser only calls request()
    private readonly app: Hono<any>,
    private readonly headers: Record<string, string> = {},
  ) {}

  async request(method: string, path: string, form?: Record<string, string | string[]>): Promise<Response> {
    const headers: Record<string, string> = { ...this.headers };
    if (this.cookies.size > 0) headers["cookie"] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    let body: string | undefined;
    if (form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(form))
        for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      body = params.toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    const res = await this.app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** GETs a page and remembers its HTML (for csrf()). */
  async page(path: string): Promise<{ res: Response; html: string }> {
    const res = await this.request("GET", path);
    this.lastHtml = await res.text();
    return { res, html: this.lastHtml };
  }

  async post(
    path: string,
    form: Record<string, string | string[]> = {},
  ): Promise<{ res: Response; html: string }> {
    const res = await this.request("POST", path, form);
    const html = await res.text();
    if (html.startsWith("<!doctype")) this.lastHtml = html;
    return { res, html };
  }

  /** The CSRF token of the last page seen. */
  csrf(html = this.lastHtml): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error("no CSRF token on the page");
    return match[1]!;
  }
}
