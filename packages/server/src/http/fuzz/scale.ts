/**
 * The reliability convention (e2e/src/chaos/support/scale.ts): a short run in the normal suite,
 * a long one under `pnpm test:chaos` (SIKKERKEY_CHAOS=1).
 */
export const CHAOS = process.env["SIKKERKEY_CHAOS"] === "1";

export function size<T>(short: T, long: T): T {
  return CHAOS ? long : short;
}
