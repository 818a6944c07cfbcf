/**
 * Concurrent callers with the same key share one run. This keeps 50 simultaneous first reads
 * by one machine to one store round trip and one mint in this process (the store's unique
 * index does the same job across processes), and a burst of first mints after a start to one
 * load of their secret's configuration.
 */
export class SingleFlight<T> {
  readonly #inFlight = new Map<string, Promise<T>>();

  run(key: string, fn: () => Promise<T>): Promise<T> {
    const running = this.#inFlight.get(key);
    if (running) return running;
    const p = fn().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, p);
    return p;
  }
}
