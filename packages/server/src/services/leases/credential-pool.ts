import type { Charset } from "@sikkerkey/protocol";
import type { PasswordGenerator } from "./options.js";

/** A password for a new login, with the provider's `prepare` of it when one was made ahead. */
export interface Credential {
  password: string;
  prepared?: string;
}

/**
 * A few passwords per credential shape, generated and prepared (PostgreSQL: PBKDF2 for the SCRAM
 * verifier, ~2 ms of CPU on libuv's pool) before a mint asks, so the mint does not wait for it.
 * Each is handed out once. `take` never waits: an empty pool answers a bare password and the
 * provider prepares it inline, as it would without a pool. `topUp` fills the shape back up: a
 * mint calls it once its claim is in, so the pool's PBKDF2 runs while the target creates the login
 * (the server waits then, and the target's own PBKDF2 uses one core) instead of competing with the
 * claim for the two cores (seen on a trace: the claim's answer handled ~1 ms late).
 *
 * What sits here is a password no login has yet; it lives in memory only, like the passwords
 * of mints in flight.
 */
export class CredentialPool {
  readonly #ready = new Map<string, Credential[]>();
  readonly #filling = new Map<string, number>();

  constructor(
    private readonly generate: PasswordGenerator,
    private readonly prepare: ((password: string) => Promise<string>) | undefined,
    /** Told when a preparation fails (the pool just has one fewer). */
    private readonly onError: (error: unknown) => void,
    private readonly depth = 4,
    /** Shapes kept at once; the one used least recently is dropped beyond it. */
    private readonly shapes = 32,
  ) {}

  take(length: number, charset: Charset): Credential {
    const key = `${charset}:${length}`;
    const ready = this.#ready.get(key) ?? [];
    // Re-inserted so the map's order is least recently used first.
    this.#ready.delete(key);
    this.#ready.set(key, ready);
    const got = ready.shift();
    this.#evict();
    return got ?? { password: this.generate(length, charset) };
  }

  /** Starts preparing what the shape lacks (nothing when it is full or being filled). */
  topUp(length: number, charset: Charset): void {
    const key = `${charset}:${length}`;
    const prepare = this.prepare;
    if (!prepare) return;
    const filling = this.#filling.get(key) ?? 0;
    const missing = this.depth - (this.#ready.get(key)?.length ?? 0) - filling;
    for (let i = 0; i < missing; i++) {
      // Generated here, synchronously, so a generator that throws (a bad shape) throws to the
      // mint that asked rather than into the background.
      const password = this.generate(length, charset);
      this.#filling.set(key, (this.#filling.get(key) ?? 0) + 1);
      prepare(password).then(
        (prepared) => {
          this.#done(key);
          this.#ready.get(key)?.push({ password, prepared });
        },
        (error: unknown) => {
          this.#done(key);
          this.onError(error);
        },
      );
    }
  }

  /** Prepared credentials waiting, for one shape (tests, metrics). */
  ready(length: number, charset: Charset): number {
    return this.#ready.get(`${charset}:${length}`)?.length ?? 0;
  }

  /** Resolves once no preparation is in flight (tests, shutdown). */
  async settle(): Promise<void> {
    while ([...this.#filling.values()].some((n) => n > 0)) await new Promise((r) => setTimeout(r, 5));
  }

  #done(key: string): void {
    const n = (this.#filling.get(key) ?? 1) - 1;
    if (n > 0) this.#filling.set(key, n);
    else this.#filling.delete(key);
  }

  #evict(): void {
    while (this.#ready.size > this.shapes) {
      const oldest = this.#ready.keys().next().value;
      if (oldest === undefined) return;
      this.#ready.delete(oldest);
    }
  }
}
