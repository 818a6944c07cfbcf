/**
 * Prefixed ids: an id says what it names, so logs and the audit trail read on their own
 * (`mach_…` is a machine, `lease_…` a lease). Generation lives in the server; the shapes live
 * here so every client can validate what it is handed.
 */
export const ID_PREFIXES = {
  vault: "vault",
  project: "proj",
  machine: "mach",
  lease: "lease",
  operator: "op",
  apiToken: "tok",
  enrollmentToken: "enr",
  event: "evt",
  request: "req",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** Base58 (no 0, O, I, l): unambiguous when a person reads an id aloud or copies it. */
export const ID_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
export const ID_RANDOM_LENGTH = 22;

const patterns = new Map<IdKind, RegExp>(
  (Object.keys(ID_PREFIXES) as IdKind[]).map((kind) => [
    kind,
    new RegExp(`^${ID_PREFIXES[kind]}_[${ID_ALPHABET}]{${ID_RANDOM_LENGTH}}$`),
  ]),
);

export function isId(kind: IdKind, value: string): boolean {
  return patterns.get(kind)!.test(value);
}

export function idPattern(kind: IdKind): RegExp {
  return patterns.get(kind)!;
}
