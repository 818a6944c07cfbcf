// Mutation helpers for the fuzz test: a seeded PRNG and character-level edits.

export type Rng = () => number;

/** mulberry32: tiny, fast, and good enough to spread mutations; seeded so failures reproduce. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(rng: Rng, below: number): number {
  return Math.floor(rng() * below);
}

export function pickOne<T>(rng: Rng, items: readonly T[]): T {
  const item = items[randomInt(rng, items.length)];
  if (item === undefined) throw new Error("pickOne from an empty list");
  return item;
}

// Mostly printable ASCII, with the characters that structured-field and URL parsers care about,
// plus a few that no header should carry.
const SPECIAL = ['"', "\\", ";", ",", "=", ":", "(", ")", " ", "\t", "?", "#", "/", "@", "%", "&"];
const HOSTILE = ["\u0000", "\n", "\r", "é", "\u2028", "\u00ff", "ÿ", "😀"];

export function randomChar(rng: Rng, near?: string): string {
  const roll = rng();
  if (near !== undefined && roll < 0.3)
    return String.fromCharCode(near.charCodeAt(0) ^ (1 << randomInt(rng, 7)));
  // Spaces get extra weight: RFC 8941 tolerates them in places, so they probe canonical-form checks.
  if (roll < 0.4) return " ";
  if (roll < 0.5) return pickOne(rng, SPECIAL);
  if (roll < 0.55) return pickOne(rng, HOSTILE);
  return String.fromCharCode(0x20 + randomInt(rng, 0x5f));
}

/** Flips, inserts or deletes one character. */
export function mutateString(rng: Rng, text: string): [string, string] {
  const op = text.length === 0 ? 1 : randomInt(rng, 3);
  const i = randomInt(rng, text.length + (op === 1 ? 1 : 0));
  if (op === 0) return [text.slice(0, i) + randomChar(rng, text[i]) + text.slice(i + 1), `flip@${i}`];
  if (op === 1) return [text.slice(0, i) + randomChar(rng) + text.slice(i), `insert@${i}`];
  return [text.slice(0, i) + text.slice(i + 1), `delete@${i}`];
}

export function randomToken(rng: Rng, length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  return Array.from({ length }, () => alphabet[randomInt(rng, alphabet.length)]).join("");
}
