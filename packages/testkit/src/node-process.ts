import { type ChildProcess, spawn } from "node:child_process";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  /** Kill the process after this long (default 60 s): a hung command fails the test instead of the run. */
  timeoutMs?: number;
}

/** Runs a Node.js script (a package's built bin) to completion, as a user's shell would. */
export function runNode(script: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runCommand(process.execPath, [script, ...args], options);
}

/** Runs any program found on PATH (or by path) to completion, as a user's shell would. */
export function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

export interface NodeServer {
  process: ChildProcess;
  /** Everything the server wrote to stderr so far (its JSON log lines). */
  logs(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once: a crash, for fault tests. */
  kill(): Promise<void>;
}

/** Starts a long-running Node.js server and waits until `readyUrl` answers 2xx. */
export async function startNodeServer(
  script: string,
  args: string[],
  options: { env?: Record<string, string | undefined>; readyUrl: string; timeoutMs?: number },
): Promise<NodeServer> {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let logs = "";
  child.stderr?.on("data", (d: Buffer) => {
    logs += d;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // A test runner that dies must not leave servers behind.
  const onExit = () => child.kill("SIGKILL");
  process.once("exit", onExit);
  const stopWith = async (signal: NodeJS.Signals, graceMs: number) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    }
    process.off("exit", onExit);
  };
  const server: NodeServer = {
    process: child,
    logs: () => logs,
    stop: (graceMs = 5000) => stopWith("SIGTERM", graceMs),
    kill: () => stopWith("SIGKILL", 0),
  };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`server exited with ${child.exitCode} before ready: ${logs.slice(-2000)}`);
    try {
      const res = await fetch(options.readyUrl);
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.kill();
  throw new Error(`server not ready at ${options.readyUrl} in time: ${logs.slice(-2000)}`);
}
