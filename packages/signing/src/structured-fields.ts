// A strict parser for the RFC 8941 dictionaries the profile needs (Signature-Input, Signature,
// Content-Digest). It follows RFC 8941 section 4.2 with one deliberate deviation: a repeated
// dictionary key or parameter name is an error instead of "last one wins", because a repeated
// key is exactly how a second, combined copy of a header would slip past a verifier.
import { decodeBase64 } from "./base64.js";

export type BareItem =
  | { type: "integer"; value: number }
  | { type: "decimal"; value: number }
  | { type: "string"; value: string }
  | { type: "token"; value: string }
  | { type: "bytes"; value: Uint8Array }
  | { type: "boolean"; value: boolean };
export type Parameters = Map<string, BareItem>;
export interface Item {
  kind: "item";
  value: BareItem;
  params: Parameters;
}
export interface InnerList {
  kind: "inner-list";
  items: Item[];
  params: Parameters;
}
export type Dictionary = Map<string, Item | InnerList>;

export class StructuredFieldError extends Error {
  override name = "StructuredFieldError";
}

const KEY_START = /[a-z*]/;
const KEY_CHAR = /[a-z0-9_\-.*]/;
const TOKEN_START = /[A-Za-z*]/;
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/;
const DIGIT = /[0-9]/;

export function parseDictionary(input: string): Dictionary {
  // RFC 8941 works on ASCII; anything else is not a structured field at all.
  if (!/^[\x20-\x7e\t]*$/.test(input)) throw new StructuredFieldError("non-ASCII or control character");
  return new Parser(input).dictionary();
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  dictionary(): Dictionary {
    const dict: Dictionary = new Map();
    this.skip(" ");
    while (this.i < this.s.length) {
      const key = this.key();
      if (dict.has(key)) this.fail(`duplicate key "${key}"`);
      if (this.peek() === "=") {
        this.i++;
        dict.set(key, this.peek() === "(" ? this.innerList() : this.item());
      } else {
        dict.set(key, { kind: "item", value: { type: "boolean", value: true }, params: this.parameters() });
      }
      this.skip(" \t");
      if (this.i >= this.s.length) return dict;
      if (this.s[this.i++] !== ",") this.fail("expected ','");
      this.skip(" \t");
      if (this.i >= this.s.length) this.fail("trailing ','");
    }
    return dict;
  }

  private innerList(): InnerList {
    this.i++; // "("
    const items: Item[] = [];
    for (;;) {
      this.skip(" ");
      if (this.peek() === ")") {
        this.i++;
        return { kind: "inner-list", items, params: this.parameters() };
      }
      items.push(this.item());
      const next = this.peek();
      if (next !== " " && next !== ")") this.fail("expected ' ' or ')' in inner list");
    }
  }

  private item(): Item {
    return { kind: "item", value: this.bareItem(), params: this.parameters() };
  }

  private parameters(): Parameters {
    const params: Parameters = new Map();
    while (this.peek() === ";") {
      this.i++;
      this.skip(" ");
      const key = this.key();
      if (params.has(key)) this.fail(`duplicate parameter "${key}"`);
      let value: BareItem = { type: "boolean", value: true };
      if (this.peek() === "=") {
        this.i++;
        value = this.bareItem();
      }
      params.set(key, value);
    }
    return params;
  }

  private key(): string {
    const start = this.i;
    if (!KEY_START.test(this.peek())) this.fail("expected a key");
    while (KEY_CHAR.test(this.peek())) this.i++;
    return this.s.slice(start, this.i);
  }

  private bareItem(): BareItem {
    const c = this.peek();
    if (c === "-" || DIGIT.test(c)) return this.number();
    if (c === '"') return this.string();
    if (c === ":") return this.bytes();
    if (c === "?") return this.boolean();
    if (TOKEN_START.test(c)) return this.token();
    return this.fail("expected an item");
  }

  private number(): BareItem {
    const match = /^(-?)([0-9]+)(?:\.([0-9]+))?/.exec(this.s.slice(this.i));
    if (!match) return this.fail("bad number");
    const [text, , whole = "", fraction] = match;
    if (fraction === undefined) {
      if (whole.length > 15) this.fail("integer too long");
      this.i += text.length;
      return { type: "integer", value: Number(text) };
    }
    if (whole.length > 12 || fraction.length > 3) this.fail("bad decimal");
    this.i += text.length;
    return { type: "decimal", value: Number(text) };
  }

  private string(): BareItem {
    let out = "";
    for (this.i++; this.i < this.s.length; this.i++) {
      const c = this.s[this.i] ?? "";
      if (c === '"') {
        this.i++;
        return { type: "string", value: out };
      }
      if (c === "\\") {
        const escaped = this.s[++this.i];
        if (escaped !== '"' && escaped !== "\\") this.fail("bad escape in string");
        out += escaped;
      } else if (c === "\t") {
        this.fail("control character in string");
      } else {
        out += c;
      }
    }
    return this.fail("unterminated string");
  }

  private token(): BareItem {
    const start = this.i;
    this.i++;
    while (TOKEN_CHAR.test(this.peek())) this.i++;
    return { type: "token", value: this.s.slice(start, this.i) };
  }

  private bytes(): BareItem {
    const end = this.s.indexOf(":", this.i + 1);
    if (end < 0) this.fail("unterminated byte sequence");
    const value = decodeBase64(this.s.slice(this.i + 1, end));
    if (!value) this.fail("bad base64 in byte sequence");
    this.i = end + 1;
    return { type: "bytes", value };
  }

  private boolean(): BareItem {
    const c = this.s[this.i + 1];
    if (c !== "0" && c !== "1") this.fail("bad boolean");
    this.i += 2;
    return { type: "boolean", value: c === "1" };
  }

  private peek(): string {
    return this.s[this.i] ?? "";
  }

  private skip(chars: string): void {
    while (this.i < this.s.length && chars.includes(this.s[this.i] ?? "")) this.i++;
  }

  private fail(reason: string): never {
    throw new StructuredFieldError(`${reason} at offset ${this.i}`);
  }
}
