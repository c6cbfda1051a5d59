import { apiErrors } from '../../errors/api-error.js';
import type { LogQuery } from '../../domain/log-query.js';
import type { Store } from '../../store/store.js';
import type { LogPage } from '../../store/log-store.js';

/** The rules of reading a policy's execution logs, whoever asks (contract §1). */
export class LogService {
  readonly #store: Store;

  /** `store`: the logs, and the engine's policies, since a policy that never ran has no logs. */
  constructor(store: Store) {
    this.#store = store;
  }

  /**
   * One page of a policy's logs. A policy that exists but never ran gives an empty page; one
   * that neither exists nor ever had a log recorded is 404 AS.3020. The store enforces its
   * own query time limit (StoreTimeoutError, 504).
   */
  async page(query: LogQuery): Promise<LogPage> {
    const page =
      (await this.#store.queryLogs(query)) ??
      // No log was ever recorded for it: known all the same if the engine has the policy.
      ((await this.#store.resourceRead((tx) =>
        tx.policies.get(query.projectId, query.policyId),
      )) === undefined
        ? undefined
        : { totalNumber: 0, logs: [] });
    if (page === undefined) throw apiErrors.policyNotFound();
    return page;
  }
}
