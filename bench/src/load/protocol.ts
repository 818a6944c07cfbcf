/** Messages between the bench and its load-client process (IPC, advanced serialization). */

export interface KeySpec {
  machineId: string;
  privateKeyPem: string;
}

export interface RunSpec {
  baseUrl: string;
  /** Every request is a signed GET of this path. */
  path: string;
  keys: KeySpec[];
  /**
   * One list per connection: indices into `keys`, sent one after another on that connection.
   * Giving each worker its own machines keeps one machine's reads from overlapping, so the
   * server's per-machine single-flight never merges two of them.
   */
  workers: number[][];
  /** Return each response's login and lease expiry (checks that reads reused or renewed). */
  collect?: boolean;
}

export interface Collected {
  machineId: string;
  username: string | null;
  expiresAt: string | null;
}

export interface RunResult {
  /** Per request, milliseconds from sending to the last byte of the body, worker by worker. */
  latencies: number[];
  statuses: Record<string, number>;
  /** From the first request sent to the last answer read. */
  wallMs: number;
  /** Time spent signing before the clock started (not part of any measurement). */
  signMs: number;
  /**
   * The client's own CPU (user + system) while the clock ran: taken from the same two cores as
   * the server's, so it is reported beside what it was measured against.
   */
  clientCpuMs: number;
  collected: Collected[];
  /** The first few bodies of non-200 answers. */
  errors: string[];
}

export type ToClient = { id: number; spec: RunSpec };
export type FromClient = { id: number; result: RunResult } | { id: number; error: string };
