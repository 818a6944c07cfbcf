/**
 * Work a request starts but need not wait for (revoking a superseded login, cleaning up after a
 * failed mint). Every task is tracked so shutdown and tests can wait for it; failures are
 * swallowed here because each task leaves the store in a state the reaper or reconciler retries.
 */
export class Background {
  readonly #tasks = new Set<Promise<void>>();
  #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void = () => {}) {
    this.#onError = onError;
  }

  run(task: () => Promise<unknown>): void {
    const p: Promise<void> = task()
      .then(() => undefined)
      .catch((error: unknown) => this.#onError(error))
      .finally(() => this.#tasks.delete(p));
    this.#tasks.add(p);
  }

  /**
   * Work that follows a change the caller has already committed (a disable's revocations, a policy
   * change's alignment). Its failure must not turn the committed change into an error answer (a
   * client would retry a change that was made): each such task leaves the store in a state the
   * reaper, the reconciler or the next read finishes. It is reported like background work, and
   * `fallback` returned.
   */
  async afterCommit<T>(work: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await work();
    } catch (error) {
      this.#onError(error);
      return fallback;
    }
  }

  /** Resolves when every task started so far (and any they started) has finished. */
  async settle(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.all([...this.#tasks]);
  }
}

/** Runs `fn` over `items`, at most `limit` at a time. */
export async function forEachLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
