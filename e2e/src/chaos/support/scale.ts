/**
 * Every reliability test runs in two sizes: a short one in the normal suite (`pnpm test`), so a
 * regression shows on every change, and a long one behind `pnpm test:chaos` (SIKKERKEY_CHAOS=1),
 * whose figures go into docs/reliability.md.
 */
export const CHAOS = process.env["SIKKERKEY_CHAOS"] === "1";

/** `short` in the normal suite, `long` under `pnpm test:chaos`. */
export function size<T>(short: T, long: T): T {
  return CHAOS ? long : short;
}
