import { type ChildProcess, spawn } from "node:child_process";

export interface ServerProcess {
  pid: number;
  child: ChildProcess;
  /** Spawn to the first 2xx from /readyz, polled every 10 ms. */
  readyMs: number;
  /** Warning and error lines the server logged since the last `takeWarnings()`. */
  takeWarnings(): string[];
  /** The tail of its log, for an error message. */
  tail(): string;
  stop(): Promise<void>;
}

const POLL_MS = 10;

/**
 * Starts `sikkerkey-server start` and waits for readiness. testkit's `startNodeServer` polls every
 * 100 ms, too coarse for a start-up target of 2 s; this one polls every 10 ms and keeps only the
 * log lines worth reporting (a long run at info level would otherwise pile up in memory).
 */
export async function startServerProcess(opts: {
  bin: string;
  nodeArgs?: string[];
  args: string[];
  env: Record<string, string | undefined>;
  readyUrl: string;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.bin, ...opts.args], {
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let tail = "";
  let partial = "";
  let warnings: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-8_000);
    const lines = (partial + chunk.toString()).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!/"level":"(warn|error)"/.test(line)) continue;
      if (warnings.length < 50) warnings.push(summarizeLogLine(line));
    }
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const onExit = () => child.kill("SIGKILL");
  process.once("exit", onExit);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const force = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(force);
    }
    process.off("exit", onExit);
  };

  const deadline = started + (opts.timeoutMs ?? 120_000);
  while (performance.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`server exited with ${child.exitCode}: ${tail.slice(-2000)}`);
    try {
      const res = await fetch(opts.readyUrl);
      await res.arrayBuffer();
      if (res.ok) {
        return {
          pid: child.pid!,
          child,
          readyMs: performance.now() - started,
          takeWarnings: () => {
            const taken = warnings;
            warnings = [];
            return taken;
          },
          tail: () => tail,
          stop,
        };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  await stop();
  throw new Error(`server not ready in time: ${tail.slice(-2000)}`);
}

/** `msg: err.message` of a JSON log line, short enough for a results file. */
function summarizeLogLine(line: string): string {
  try {
    const record = JSON.parse(line) as {
      level: string;
      msg: string;
      job?: string;
      err?: { message?: string };
    };
    const job = record.job ? ` (${record.job})` : "";
    return `${record.level}: ${record.msg}${job}${record.err?.message ? `: ${record.err.message.slice(0, 300)}` : ""}`;
  } catch {
    return line.slice(0, 300);
  }
}
