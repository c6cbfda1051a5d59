import type { DueWork, PolicyEngine } from './policy-engine.js';

export interface SchedulerOptions {
  /** How often to look for due work (ms). */
  readonly intervalMs: number;
  /** Told about a pass that failed (the store unreachable...); the next pass tries again. */
  readonly onError: (error: unknown) => void;
}

/**
 * Runs the engine's due work every `intervalMs` while started. A pass never overlaps the
 * previous one; `stop` waits for the pass in progress. Nothing is kept in memory between
 * passes: schedules and pending executions live in the store, so a restart loses nothing.
 */
export class Scheduler {
  readonly #engine: PolicyEngine;
  readonly #options: SchedulerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;

  constructor(engine: PolicyEngine, options: SchedulerOptions) {
    this.#engine = engine;
    this.#options = Object.freeze({ ...options });
  }

  /** Starts passing; the first pass runs at once (it settles what a crash left behind). */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops passing and waits for a pass in progress to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One pass now, as the timer runs it; for callers that want the work done at once. */
  async runOnce(): Promise<DueWork> {
    return this.#engine.runDue();
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.#engine
        .runDue()
        .then(
          () => undefined,
          (e: unknown) => {
            this.#options.onError(e);
          },
        )
        .finally(() => {
          this.#running = undefined;
          if (!this.#stopped) this.#schedule(this.#options.intervalMs);
        });
    }, delayMs);
    // A pending pass never keeps the process alive on its own.
    this.#timer.unref();
  }
}
