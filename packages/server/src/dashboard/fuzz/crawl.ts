import type { TestBrowser } from "../testing/browser.js";

/** A POST form as a page offers it: where it goes and each field's value as the page filled it. */
export interface FoundForm {
  page: string;
  action: string;
  fields: Map<string, string>;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" };
const decode = (text: string) => text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, e: string) => ENTITIES[e]!);

/** The POST forms of a page, with their fields (first value wins, as for radio groups). */
export function formsOf(page: string, html: string): FoundForm[] {
  const found: FoundForm[] = [];
  for (const chunk of html.split(/<form\b/i).slice(1)) {
    const head = chunk.slice(0, chunk.indexOf(">"));
    if (!/method="post"/i.test(head)) continue;
    const action = decode(/action="([^"]*)"/i.exec(head)?.[1] ?? page);
    const body = chunk.slice(0, chunk.search(/<\/form>/i));
    const fields = new Map<string, string>();
    for (const m of body.matchAll(/<(input|textarea|select)\b([^>]*)>/gi)) {
      const attrs = m[2]!;
      const name = /\bname="([^"]+)"/.exec(attrs)?.[1];
      if (!name || fields.has(name)) continue;
      fields.set(decode(name), decode(/\bvalue="([^"]*)"/.exec(attrs)?.[1] ?? ""));
    }
    found.push({ page, action, fields });
  }
  return found;
}

/** Same-site links of a page, without fragments. */
export function linksOf(html: string): string[] {
  return [...html.matchAll(/href="(\/[^"#]*)"/g)]
    .map((m) => decode(m[1]!))
    .filter((h) => !h.startsWith("//"));
}

/**
 * Visits every page reachable from `start` (and the extra seeds) by same-site links, up to
 * `limit` pages, and collects their POST forms. Static assets and sign-out are not followed.
 */
export async function crawl(
  b: TestBrowser,
  seeds: string[],
  limit = 200,
): Promise<{ pages: string[]; forms: FoundForm[] }> {
  const queue = [...seeds];
  const seen = new Set<string>();
  const forms: FoundForm[] = [];
  while (queue.length > 0 && seen.size < limit) {
    const url = queue.shift()!;
    if (seen.has(url) || url.startsWith("/assets/") || url.startsWith("/logout")) continue;
    seen.add(url);
    const { res, html } = await b.page(url);
    if (res.status !== 200) continue;
    forms.push(...formsOf(url, html));
    for (const link of linksOf(html)) if (!seen.has(link)) queue.push(link);
  }
  return { pages: [...seen], forms };
}
