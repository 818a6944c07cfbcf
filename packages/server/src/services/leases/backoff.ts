/**
 * Delay before revocation attempt `attempt + 1`: exponential, capped, with "equal jitter" (half
 * fixed, half random) so replicas that failed together do not retry together, while the delay
 * still grows predictably for an operator reading `next_attempt_at`.
 */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random = Math.random): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(exp / 2 + (exp / 2) * random());
}
