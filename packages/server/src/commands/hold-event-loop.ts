/**
 * Keeps the event loop open while the server starts. Whenever nothing is pending in libuv (the
 * process awaiting only promises, as it does while PGlite's WebAssembly is compiled and run),
 * Node's loop returns and Node then waits for every task on V8's background threads before it
 * looks again; on a start those include optimising PGlite's WebAssembly. Measured here
 * (2 cores): the master key's `stat` came back after 213–420 ms without the hold and 6–13 ms
 * with it, and an empty store was ready 277 ms sooner on average over 8 alternated pairs
 * (docs/performance-log.md, "Start-up waited"). The listening socket keeps the loop open once
 * the server serves, so the hold is released then.
 */
export function holdEventLoop(): () => void {
  const timer = setInterval(() => {}, 60_000);
  return () => clearInterval(timer);
}
