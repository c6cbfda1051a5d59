import { randomUUID } from 'node:crypto';
import type { NotificationTopic, SentNotification } from '../domain/notification.js';
import type { AttemptOutcome } from '../store/notification-repository.js';
import type { ResourceStore } from '../store/resource-store.js';
import { signNotification, webhookHeaders } from './notification-signature.js';

export interface NotificationDeliveryOptions {
  /** How often to look for notifications to deliver (ms). */
  readonly intervalMs: number;
  /** How long a receiver has to answer one delivery (ms). */
  readonly timeoutMs: number;
  /** Attempts before a notification is given up as FAILED. */
  readonly maxAttempts: number;
  /** The wait after the first failed attempt (ms); it doubles with each failure. */
  readonly backoffMs: number;
  /** The longest wait between attempts (ms). */
  readonly maxBackoffMs: number;
  /** Told about a pass that failed (the store unreachable...); the next pass tries again. */
  readonly onError: (error: unknown) => void;
  /** This server's name in the claims it takes; a random one by default. */
  readonly owner?: string;
  /** Notifications tried at once (each of another group). */
  readonly batchSize?: number;
}

/**
 * Delivers recorded notifications to their topics' webhooks, in a background loop of its
 * own: never inside an engine transaction, never holding up the engine's pass. Each
 * attempt is claimed in the store first (a lease longer than the receiver's timeout), so
 * one server at a time delivers a notification, however many share the store; a server
 * that dies holding one leaves it to another when the lease ends (at least once). A
 * group's notifications go out in order: a later one waits while an earlier one is retried.
 */
export class NotificationDelivery {
  readonly #store: ResourceStore;
  readonly #clock: () => number;
  readonly #options: NotificationDeliveryOptions;
  readonly #owner: string;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  /** Set by `stop`: a pass in progress ends after its current attempts. */
  #stopping = false;

  constructor(store: ResourceStore, clock: () => number, options: NotificationDeliveryOptions) {
    this.#store = store;
    this.#clock = clock;
    this.#options = Object.freeze({ ...options });
    this.#owner = options.owner ?? randomUUID();
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#stopping = false;
    this.#schedule(0);
  }

  /** Stops looking and waits for the deliveries in progress (each bounded by the timeout). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /**
   * Delivers what is due now, group by group in order, until nothing more is: returns how
   * many attempts were made.
   */
  async deliverDue(): Promise<number> {
    const batch = this.#options.batchSize ?? 20;
    let attempts = 0;
    for (;;) {
      const heads = await this.#store.resourceRead((tx) =>
        tx.notifications.deliveryHeads(this.#clock(), batch),
      );
      const tried = await Promise.all(heads.map((head) => this.#attempt(head)));
      const made = tried.filter(Boolean).length;
      attempts += made;
      // A delivered notification lets its group's next one go at once; a failed one waits.
      if (made === 0 || this.#stopping) return attempts;
    }
  }

  async #attempt(head: SentNotification): Promise<boolean> {
    const startedAt = this.#clock();
    const leaseUntil = startedAt + this.#options.timeoutMs * 2 + 1_000;
    const claimed = await this.#store.resourceSession(async (tx) => {
      if (!(await tx.notifications.claim(head.id, this.#owner, startedAt, leaseUntil))) {
        return undefined;
      }
      return { webhook: await tx.notifications.getWebhook(head.projectId, head.topicUrn) };
    });
    if (claimed === undefined) return false;
    const attempt = head.attempts + 1;
    const outcome = await this.#send(head, attempt, claimed.webhook);
    await this.#store.resourceSession((tx) =>
      tx.notifications.finishAttempt(head.id, this.#owner, outcome),
    );
    return true;
  }

  async #send(
    n: SentNotification,
    attempt: number,
    webhook: NotificationTopic | undefined,
  ): Promise<AttemptOutcome> {
    if (webhook === undefined) {
      return {
        result: 'failed',
        at: this.#clock(),
        error: 'The topic has no webhook any more: the notification is not delivered.',
      };
    }
    const error = await this.#post(webhook, n, attempt);
    const at = this.#clock();
    if (error === undefined) return { result: 'delivered', at };
    if (attempt >= this.#options.maxAttempts) {
      return { result: 'failed', at, error: `${error} Gave up after ${String(attempt)} attempts.` };
    }
    const wait = Math.min(this.#options.backoffMs * 2 ** (attempt - 1), this.#options.maxBackoffMs);
    return { result: 'retry', at, error, nextAttemptAt: at + wait };
  }

  /** One POST: undefined when the receiver answered 2xx, else what went wrong. */
  async #post(
    webhook: NotificationTopic,
    n: SentNotification,
    attempt: number,
  ): Promise<string | undefined> {
    const timestamp = String(Math.floor(this.#clock() / 1000));
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#options.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Scalelog-Notifications',
          [webhookHeaders.id]: n.id,
          [webhookHeaders.attempt]: String(attempt),
          [webhookHeaders.timestamp]: timestamp,
          [webhookHeaders.signature]: signNotification(webhook.secret, timestamp, n.message),
        },
        body: n.message,
      });
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) return undefined;
      return `The webhook answered HTTP ${String(response.status)}.`;
    } catch (e: unknown) {
      if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) {
        return `The webhook did not answer within ${String(this.#options.timeoutMs)} ms.`;
      }
      const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : undefined;
      return `The webhook could not be reached${cause === undefined ? '' : `: ${cause}`}.`;
    }
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.deliverDue()
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
    this.#timer.unref();
  }
}
