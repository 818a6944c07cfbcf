import type { FieldError } from "../../errors.js";

interface IssueLike {
  path: PropertyKey[];
  message: string;
}

/**
 * Field problems of a zod error, or undefined for anything else. Duck-typed so an error from
 * another copy of zod (the protocol package's) is recognised too.
 */
export function validationProblems(error: unknown): FieldError[] | undefined {
  if (!(error instanceof Error) || error.name !== "ZodError") return undefined;
  const issues = (error as Error & { issues?: IssueLike[] }).issues;
  if (!Array.isArray(issues)) return undefined;
  return issues.map((i) => ({ path: i.path.map(String).join(".") || "(root)", message: i.message }));
}

/** U+0000, which PostgreSQL text and jsonb cannot hold, or a surrogate without its pair, which UTF-8 cannot carry. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");
const UNSTORABLE_MESSAGE = "text may not contain U+0000 or an unpaired surrogate";

export function isUnstorableText(text: string): boolean {
  return text.includes("\u0000") || LONE_SURROGATE.test(text);
}

/** The text with what the store cannot hold replaced by U+FFFD, to name a bad key in an error. */
const printable = (text: string) => text.replaceAll("\u0000", "\ufffd").replace(LONE_SURROGATES, "\ufffd");

/**
 * Every string (and object key) in a parsed JSON value or query that the store could not keep
 * as sent. Refused at the edge, because deeper down such text either fails the insert (a 500)
 * or is silently changed (a lone surrogate becomes U+FFFD), so nothing would round-trip.
 */
export function unstorableText(value: unknown): FieldError[] {
  interface Step {
    key: string;
    parent: Step | undefined;
  }
  const at = (step: Step | undefined) => {
    const keys: string[] = [];
    for (let s = step; s; s = s.parent) keys.unshift(printable(s.key));
    return keys.join(".") || "(root)";
  };
  const problems: FieldError[] = [];
  // Iterative, and paths kept as parent links: a body nested thousands deep is valid JSON and
  // must neither overflow the stack nor copy a path per level here.
  const pending: [unknown, Step | undefined][] = [[value, undefined]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, path] = next;
    if (typeof node === "string") {
      if (isUnstorableText(node)) problems.push({ path: at(path), message: UNSTORABLE_MESSAGE });
    } else if (typeof node === "object" && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        const step = { key, parent: path };
        if (isUnstorableText(key)) problems.push({ path: at(step), message: UNSTORABLE_MESSAGE });
        else pending.push([child, step]);
      }
    }
  }
  return problems;
}
