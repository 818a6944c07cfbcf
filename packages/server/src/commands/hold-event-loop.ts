/**
 * Keeps the event loop open while the server starts. Whenever nothing is pending in libuv (the
 * process awaiting only promises, as it does while PGlite's WebAssembly is compiled and run),
 * Node's loop returns and Node then waits for every task on V8's background threads before it
 * looks again; on a first start those include optimising PGlite's WebAssembly. Measured here
 * (2 cores): start-up blocked 320–420 ms in that wait without the hold, none with it, and ready
 * 2.0–2.1 s against 2.1–2.4 s in alternated starts (docs/performance-log.md). The listening
 * socket keeps the loop open once the server serves, so the hold is released then.
 */
export function holdEventLoop(): () => void {
  const timer = setInterval(() => {}, 60_000);
  return () => clearInterval(timer);
}
