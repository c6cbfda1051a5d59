import type { CredentialStore } from '../../src/store/credential-store.js';

export type CredentialStoreMethod = keyof CredentialStore;

/** A real {@link CredentialStore} seen through a wrapper that records every call. */
export interface CountingCredentialStore {
  /** The wrapper: pass it where the real store would go. */
  readonly store: CredentialStore;
  /** Every call made through the wrapper, in order. */
  readonly calls: readonly CredentialStoreMethod[];
  /** How many calls of `method` were made (of any method when not given). */
  count(method?: CredentialStoreMethod): number;
  /**
   * Holds the answer of the next call of `method`: the real store answers at once, the
   * caller hears it only after `release()`. For lookups racing a change.
   */
  holdNext(method: CredentialStoreMethod): { readonly release: () => void };
}

/** Wraps `inner`, delegating every method to it. */
export function countingCredentialStore(inner: CredentialStore): CountingCredentialStore {
  const calls: CredentialStoreMethod[] = [];
  const holds = new Map<CredentialStoreMethod, Promise<void>>();

  const pass = async <T>(method: CredentialStoreMethod, call: () => Promise<T>): Promise<T> => {
    calls.push(method);
    const hold = holds.get(method);
    holds.delete(method);
    const answer = await call();
    if (hold !== undefined) await hold;
    return answer;
  };

  const store: CredentialStore = {
    insertCredential: (credential) =>
      pass('insertCredential', () => inner.insertCredential(credential)),
    getCredential: (ak) => pass('getCredential', () => inner.getCredential(ak)),
    listCredentials: (projectId) => pass('listCredentials', () => inner.listCredentials(projectId)),
    deleteCredential: (ak) => pass('deleteCredential', () => inner.deleteCredential(ak)),
    countCredentials: () => pass('countCredentials', () => inner.countCredentials()),
    getSignatureLockout: (ak, client, nowMs) =>
      pass('getSignatureLockout', () => inner.getSignatureLockout(ak, client, nowMs)),
    listSignatureLockouts: (nowMs, ak) =>
      pass('listSignatureLockouts', () => inner.listSignatureLockouts(nowMs, ak)),
    recordSignatureFailure: (ak, client, nowMs, policy) =>
      pass('recordSignatureFailure', () => inner.recordSignatureFailure(ak, client, nowMs, policy)),
    recordSignatureSuccess: (ak, client) =>
      pass('recordSignatureSuccess', () => inner.recordSignatureSuccess(ak, client)),
    insertToken: (token) => pass('insertToken', () => inner.insertToken(token)),
    getToken: (tokenHash) => pass('getToken', () => inner.getToken(tokenHash)),
    revokeToken: (tokenHash, nowMs) =>
      pass('revokeToken', () => inner.revokeToken(tokenHash, nowMs)),
    getSetting: (name) => pass('getSetting', () => inner.getSetting(name)),
    putSettingIfAbsent: (name, value) =>
      pass('putSettingIfAbsent', () => inner.putSettingIfAbsent(name, value)),
  };

  return {
    store,
    calls,
    count: (method) =>
      method === undefined ? calls.length : calls.filter((c) => c === method).length,
    holdNext(method) {
      let release = (): void => undefined;
      holds.set(
        method,
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      );
      return {
        release: () => {
          release();
        },
      };
    },
  };
}
