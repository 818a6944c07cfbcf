import { randomBytes } from "node:crypto";

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** Every role the bench makes starts with this, so clean-up can find them all. */
export const BENCH_ROLE_PREFIX = "sk_bench_";

/** Floor logins: a name in the shape the provider makes, and a password like the shape's. */
export function floorLogins(label: string, count: number): string[] {
  const tag = Array.from(randomBytes(8), (b) => ALNUM[b % 26]).join("");
  return Array.from({ length: count }, (_, i) => `${BENCH_ROLE_PREFIX}floor__${label}${i}__${tag}`);
}

/** 32 alphanumeric characters, the secret's credential shape. (Bias does not matter here.) */
export const floorPassword = () => Array.from(randomBytes(32), (b) => ALNUM[b % 62]).join("");

export const hoursFromNow = (h: number) => new Date(Date.now() + h * 3_600_000);
