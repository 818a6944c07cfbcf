import { forkTs } from "../load/driver.js";
import type { VerifyFloorInit } from "./verify-server.js";

export interface VerifyFloor {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts the verify-only floor server in its own process, as the real server runs in its own. */
export async function startVerifyFloor(init: VerifyFloorInit): Promise<VerifyFloor> {
  const child = forkTs(new URL("./verify-server.ts", import.meta.url));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m: { port: number }) => resolve(m.port));
    child.once("exit", (code) => reject(new Error(`verify floor exited with ${code}`)));
    child.send(init);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      child.disconnect();
      const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(force);
    },
  };
}
