export interface Loop {
  /** Stops scheduling and waits for a pass in progress to finish. */
  stop(): Promise<void>;
}

export interface LoopOptions {
  intervalMs: number;
  /** Run a first pass right away instead of after one interval. */
  runAtStart?: boolean;
  /** With `runAtStart`, wait this long first (lets start-up work that matters more go first). */
  firstDelayMs?: number;
  /** Resolving to `true` means work is left over: the next pass starts at once, not after an interval. */
  task: () => Promise<unknown>;
  onError?: (error: unknown) => void;
}

/**
 * Runs `task` every `intervalMs`, one pass at a time: the next pass is scheduled when one
 * ends, so a slow store or target cannot pile passes up; a pass that says work is left over is
 * followed by the next one at once. A failed pass is reported and the schedule goes on. Timers
 * are unref'd: a loop never keeps the process alive by itself.
 */
export function startLoop(options: LoopOptions): Loop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const pass = () => {
    timer = undefined;
    let more = false;
    running = options
      .task()
      .then(
        (result) => {
          more = result === true;
        },
        (error: unknown) => options.onError?.(error),
      )
      .finally(() => {
        if (!stopped) schedule(more ? 0 : options.intervalMs);
      });
  };
  const schedule = (ms: number) => {
    timer = setTimeout(pass, ms);
    timer.unref();
  };
  schedule(options.runAtStart ? (options.firstDelayMs ?? 0) : options.intervalMs);

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
