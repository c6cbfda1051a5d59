import { describe, expect, it } from 'vitest';
import { expiringCache } from '../../src/auth/expiring-cache.js';
import type { ExpiringCache } from '../../src/auth/expiring-cache.js';

const t0 = 1_700_000_000_000;

/** A cache on a clock that moves only when told, and a loader that counts its loads. */
function setup(ttlMs: number, maxEntries = 100) {
  let clock = t0;
  const loads: string[] = [];
  const cache: ExpiringCache<string> = expiringCache<string>({
    ttlMs,
    maxEntries,
    now: () => clock,
  });
  const load =
    (value: string | undefined) =>
    (key: string): Promise<string | undefined> => {
      loads.push(key);
      return Promise.resolve(value);
    };
  const get = (key: string, value = `value of ${key}`) => cache.get(key, () => load(value)(key));
  /** A load that finds nothing. */
  const miss = (key: string) => cache.get(key, () => load(undefined)(key));
  return {
    cache,
    loads,
    get,
    miss,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('expiringCache', () => {
  it('keeps a loaded value for the TTL, then loads it again', async () => {
    const { get, loads, advance } = setup(2000);
    expect(await get('a')).toBe('value of a');
    advance(1999);
    expect(await get('a', 'changed')).toBe('value of a');
    expect(loads).toEqual(['a']);
    advance(1);
    expect(await get('a', 'changed')).toBe('changed');
    expect(loads).toEqual(['a', 'a']);
  });

  it('never keeps a load that found nothing', async () => {
    const { cache, get, miss, loads } = setup(2000);
    expect(await miss('missing')).toBeUndefined();
    expect(await miss('missing')).toBeUndefined();
    expect(loads).toEqual(['missing', 'missing']);
    expect(cache.size).toBe(0);
    // Found later: served at once, not hidden behind an earlier miss.
    expect(await get('missing', 'there now')).toBe('there now');
  });

  it('keeps at most maxEntries values, pushing out the oldest', async () => {
    const { cache, get, loads } = setup(2000, 3);
    for (const key of ['a', 'b', 'c', 'd']) await get(key);
    expect(cache.size).toBe(3);
    loads.length = 0;
    await get('b');
    await get('c');
    await get('d');
    expect(loads).toEqual([]);
    await get('a');
    expect(loads).toEqual(['a']);
    // 'a' came back in place of the then oldest, 'b'.
    await get('b');
    expect(loads).toEqual(['a', 'b']);
    expect(cache.size).toBe(3);
  });

  it('drops expired values when it keeps a new one', async () => {
    const { cache, get, advance } = setup(1000);
    await get('a');
    await get('b');
    advance(1000);
    await get('c');
    expect(cache.size).toBe(1);
  });

  it('shares one load among concurrent misses of a key', async () => {
    const { get, loads } = setup(2000);
    expect(await Promise.all([get('a'), get('a'), get('a'), get('b')])).toEqual([
      'value of a',
      'value of a',
      'value of a',
      'value of b',
    ]);
    expect(loads).toEqual(['a', 'b']);
  });

  it('does not keep a load that an invalidation overtook, though its callers get it', async () => {
    const { cache, get, loads } = setup(2000);
    let finish: ((value: string) => void) | undefined;
    const running = cache.get(
      'a',
      () =>
        new Promise<string>((resolve) => {
          finish = resolve;
        }),
    );
    // The load has started (it has read) before the change.
    while (finish === undefined) await Promise.resolve();
    cache.invalidate('a');
    finish('read before the change');
    expect(await running).toBe('read before the change');
    expect(await get('a', 'read after the change')).toBe('read after the change');
    expect(loads).toEqual(['a']);
  });

  it('keeps nothing from a load that failed, and loads again', async () => {
    const { cache, get } = setup(2000);
    await expect(cache.get('a', () => Promise.reject(new Error('store down')))).rejects.toThrow(
      'store down',
    );
    await expect(
      cache.get('a', () => {
        throw new Error('thrown at once');
      }),
    ).rejects.toThrow('thrown at once');
    expect(await get('a')).toBe('value of a');
  });

  it('forgets an invalidated value', async () => {
    const { cache, get, loads } = setup(2000);
    await get('a');
    cache.invalidate('a');
    expect(cache.peek('a')).toBeUndefined();
    await get('a');
    expect(loads).toEqual(['a', 'a']);
  });

  it('replaces a value in place, keeping its expiry, only if it is still the one expected', async () => {
    const { cache, get, loads, advance } = setup(2000);
    const first = await get('a');
    expect(first).toBeDefined();
    advance(1500);
    expect(cache.replace('a', 'not what is kept', 'x')).toBe(false);
    expect(cache.peek('a')).toBe(first);
    expect(cache.replace('a', first ?? '', 'replaced')).toBe(true);
    expect(await get('a')).toBe('replaced');
    expect(cache.replace('b', 'anything', 'x')).toBe(false);
    expect(cache.peek('b')).toBeUndefined();
    // The replacement expires when the value it replaced would have.
    advance(500);
    expect(cache.peek('a')).toBeUndefined();
    expect(await get('a')).toBe('value of a');
    expect(loads).toEqual(['a', 'a']);
  });

  it('treats a value as expired when the clock went back', async () => {
    const { get, loads, advance } = setup(2000);
    await get('a');
    advance(-1);
    await get('a');
    expect(loads).toEqual(['a', 'a']);
  });

  it('with a TTL of 0 loads every time and keeps nothing', async () => {
    const { cache, get, loads } = setup(0);
    await get('a');
    await Promise.all([get('a'), get('a')]);
    expect(loads).toEqual(['a', 'a', 'a']);
    expect(cache.size).toBe(0);
    expect(cache.peek('a')).toBeUndefined();
  });

  it.each([
    [{ ttlMs: -1, maxEntries: 1 }, 'ttlMs must be a whole number'],
    [{ ttlMs: 1.5, maxEntries: 1 }, 'ttlMs must be a whole number'],
    [{ ttlMs: 1000, maxEntries: 0 }, 'maxEntries must be a whole number, 1 or more'],
  ])('refuses %j', (options, message) => {
    expect(() => expiringCache({ ...options, now: () => t0 })).toThrow(message);
  });
});
