import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How an operation that meets another connection's lock waits for it without blocking the
 * event loop: it fails at once (the driver does not wait), sleeps on a timer, and tries
 * again until `timeoutMs` has passed. Meanwhile the server answers other requests.
 */
export interface LockWait {
  /** How long in all an operation waits for the lock, in milliseconds; 0 tries once. */
  readonly timeoutMs: number;
  /** Whether an error means another connection holds the lock the operation needs. */
  readonly isBusy: (error: unknown) => boolean;
}

/** The first pause between two attempts, in milliseconds; each later one is 1.5 times longer. */
const firstPauseMs = 2;
/**
 * The longest pause. A lock released during a pause is taken at the next attempt at the
 * latest, so this bounds how late a waiting write starts after an import commits.
 */
const longestPauseMs = 50;

/**
 * Runs `attempt` until it succeeds or fails with something else than a busy lock; while it
 * fails busy (and `retryable` agrees), tries again after a pause that grows from 2 ms to
 * 50 ms, each with jitter so that waiters do not retry in step. Past `wait.timeoutMs` it
 * throws the last busy error. Without `wait` it runs `attempt` once.
 */
export async function retryWhileBusy<T>(
  wait: LockWait | undefined,
  attempt: () => Promise<T>,
  retryable: (error: unknown) => boolean = () => true,
): Promise<T> {
  if (wait === undefined) return attempt();
  const deadline = performance.now() + wait.timeoutMs;
  let pauseMs = firstPauseMs;
  for (;;) {
    try {
      return await attempt();
    } catch (e: unknown) {
      const left = deadline - performance.now();
      if (left <= 0 || !wait.isBusy(e) || !retryable(e)) throw e;
      // Between half and all of the pause; never past the deadline, where the last try is.
      await sleep(Math.min(left, pauseMs * (0.5 + Math.random() / 2)));
      pauseMs = Math.min(longestPauseMs, pauseMs * 1.5);
    }
  }
}
