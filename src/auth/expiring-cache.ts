export interface ExpiringCacheOptions {
  /** How long a loaded value is served without loading it again. 0 turns the cache off. */
  readonly ttlMs: number;
  /** The most values kept; a new one past it pushes out the oldest. */
  readonly maxEntries: number;
  /** A clock in milliseconds. */
  readonly now: () => number;
}

/**
 * A bounded map of values loaded on demand, each kept `ttlMs` from when its load started.
 * Only values are kept: a load that finds nothing (`undefined`) is asked again next time, so
 * keys that do not exist cannot fill it.
 */
export interface ExpiringCache<V> {
  /**
   * The value kept for `key`, or else what `load` gives (kept when defined). Concurrent
   * misses of one key share one load. A load running when {@link invalidate} or
   * {@link replace} is called for its key still answers its callers but is not kept, so a
   * caller that asks after an invalidation never gets a value read before it.
   */
  get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined>;
  /** The value kept for `key`, without loading; `undefined` when none or expired. */
  peek(key: string): V | undefined;
  /**
   * Puts `next` in place of `expected`, keeping its expiry (a change never lengthens how
   * long a read is trusted). False, and nothing changed, when `key` no longer holds
   * `expected`.
   */
  replace(key: string, expected: V, next: V): boolean;
  /** Forgets `key`, and any load of it running now. */
  invalidate(key: string): void;
  /** How many values are kept, expired ones not yet dropped included. */
  readonly size: number;
}

interface Entry<V> {
  readonly value: V;
  /** When the load that read it started. */
  readonly loadedAt: number;
}

/** See {@link ExpiringCache}. With `ttlMs` 0 every `get` loads and nothing is kept. */
export function expiringCache<V>(options: ExpiringCacheOptions): ExpiringCache<V> {
  const { ttlMs, maxEntries, now } = options;
  if (!Number.isInteger(ttlMs) || ttlMs < 0) {
    throw new RangeError(`ttlMs must be a whole number of milliseconds, 0 or more; got ${ttlMs}`);
  }
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError(`maxEntries must be a whole number, 1 or more; got ${maxEntries}`);
  }
  // Insertion order is load order, so the first entries are the oldest: eviction and the
  // sweep of expired entries both start there.
  const entries = new Map<string, Entry<V>>();
  const loading = new Map<string, Promise<V | undefined>>();

  // A clock that went back makes an entry look younger than it is: treat it as expired.
  const isFresh = (entry: Entry<V>, at: number): boolean =>
    at >= entry.loadedAt && at - entry.loadedAt < ttlMs;

  const valid = (key: string): Entry<V> | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (isFresh(entry, now())) return entry;
    entries.delete(key);
    return undefined;
  };

  const keep = (key: string, entry: Entry<V>): void => {
    entries.delete(key);
    const at = now();
    for (const [oldKey, old] of entries) {
      if (entries.size < maxEntries && isFresh(old, at)) break;
      entries.delete(oldKey);
    }
    entries.set(key, entry);
  };

  if (ttlMs === 0) {
    return {
      get: (_key, load) => load(),
      peek: () => undefined,
      replace: () => false,
      invalidate: () => undefined,
      size: 0,
    };
  }

  return {
    get(key, load) {
      const hit = valid(key);
      if (hit !== undefined) return Promise.resolve(hit.value);
      const running = loading.get(key);
      if (running !== undefined) return running;
      const loadedAt = now();
      // `load` runs a tick later, so that even one that throws at once settles `promise`.
      const promise: Promise<V | undefined> = Promise.resolve()
        .then(load)
        .then((value) => {
          // Kept only while still the current load of this key: nothing invalidated it.
          if (value !== undefined && loading.get(key) === promise) keep(key, { value, loadedAt });
          return value;
        })
        .finally(() => {
          if (loading.get(key) === promise) loading.delete(key);
        });
      loading.set(key, promise);
      return promise;
    },

    peek: (key) => valid(key)?.value,

    replace(key, expected, next) {
      const entry = valid(key);
      loading.delete(key);
      if (entry?.value !== expected) return false;
      // Same key: the entry keeps its place, so the order stays the load order.
      entries.set(key, { value: next, loadedAt: entry.loadedAt });
      return true;
    },

    invalidate(key) {
      entries.delete(key);
      loading.delete(key);
    },

    get size() {
      return entries.size;
    },
  };
}
