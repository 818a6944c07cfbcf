import { describeError, type Logger } from "../log/index.js";

export interface Job {
  /** Stops the schedule and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs`, never two runs at once (the next is scheduled when one
 * ends, so a slow store cannot pile runs up). A failed run is logged and the schedule goes on.
 */
export function every(name: string, intervalMs: number, task: () => Promise<unknown>, logger: Logger): Job {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const run = () => {
    running = task()
      .then(() => undefined)
      .catch((error: unknown) => logger.warn("job failed", { job: name, err: describeError(error) }))
      .finally(() => {
        if (!stopped) schedule();
      });
  };
  const schedule = () => {
    timer = setTimeout(run, intervalMs);
    // Jobs never keep the process alive on their own: shutdown is the HTTP server's call.
    timer.unref();
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
