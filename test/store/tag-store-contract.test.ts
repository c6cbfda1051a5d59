import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';

/**
 * The tag repository, on every backend: a resource's tags in the order first created, a key
 * once per resource (a new value keeps its place), deletes by key or by key and value, and
 * projects, resource types and resources kept apart.
 */

const t0 = 1_700_000_000_000;
const type = 'scaling_group_tag';

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`tag store contract: ${backend.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      const fresh = await backend.fresh();
      cleanup = fresh.cleanup;
      store = await openStore(fresh.url, { queryTimeoutMs: 5000 });
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    const tagsOf = (projectId: string, resourceId: string) =>
      store.resourceRead((tx) => tx.tags.ofResource(projectId, type, resourceId));

    it('puts tags in creation order; a key it has takes the new value in its place', async () => {
      await store.resourceSession(async (tx) => {
        await tx.tags.put(
          'p',
          type,
          'g1',
          [
            { key: 'zeta', value: '1' },
            { key: 'alpha', value: '' },
          ],
          t0,
        );
        await tx.tags.put(
          'p',
          type,
          'g1',
          [
            { key: 'mid', value: '键' },
            { key: 'zeta', value: '2' },
          ],
          t0 + 1,
        );
      });
      expect(await tagsOf('p', 'g1')).toEqual([
        { key: 'zeta', value: '2' },
        { key: 'alpha', value: '' },
        { key: 'mid', value: '键' },
      ]);
      expect(await tagsOf('p', 'g2')).toEqual([]);
      expect(await tagsOf('q', 'g1')).toEqual([]);
    });

    it('keys are exact: case and trailing characters count', async () => {
      await store.resourceSession((tx) =>
        tx.tags.put(
          'p',
          type,
          'g1',
          [
            { key: 'Env', value: 'a' },
            { key: 'env', value: 'b' },
            { key: 'env-', value: 'c' },
          ],
          t0,
        ),
      );
      expect((await tagsOf('p', 'g1')).map((t) => t.key)).toEqual(['Env', 'env', 'env-']);
    });

    it('removes by key, or by key and value; keys it lacks are passed over', async () => {
      await store.resourceSession((tx) =>
        tx.tags.put(
          'p',
          type,
          'g1',
          [
            { key: 'a', value: '1' },
            { key: 'b', value: '2' },
            { key: 'c', value: '3' },
          ],
          t0,
        ),
      );
      const removed = await store.resourceSession((tx) =>
        tx.tags.remove('p', type, 'g1', [
          { key: 'a' },
          { key: 'b', value: 'other' },
          { key: 'c', value: '3' },
          { key: 'none' },
        ]),
      );
      expect(removed).toBe(2);
      expect(await tagsOf('p', 'g1')).toEqual([{ key: 'b', value: '2' }]);
      // Added after a delete, a key goes after those left.
      await store.resourceSession((tx) =>
        tx.tags.put('p', type, 'g1', [{ key: 'a', value: 'again' }], t0 + 1),
      );
      expect(await tagsOf('p', 'g1')).toEqual([
        { key: 'b', value: '2' },
        { key: 'a', value: 'again' },
      ]);
    });

    it("lists a project's tags oldest first, and deletes a resource's tags alone", async () => {
      await store.resourceSession(async (tx) => {
        await tx.tags.put('p', type, 'g2', [{ key: 'env', value: 'dev' }], t0 + 5);
        await tx.tags.put(
          'p',
          type,
          'g1',
          [
            { key: 'env', value: 'prod' },
            { key: 'team', value: 'x' },
          ],
          t0,
        );
        await tx.tags.put('q', type, 'g9', [{ key: 'env', value: 'theirs' }], t0);
      });
      const listed = await store.resourceRead((tx) => tx.tags.ofProject('p', type));
      expect(listed).toEqual([
        { resourceId: 'g1', key: 'env', value: 'prod' },
        { resourceId: 'g1', key: 'team', value: 'x' },
        { resourceId: 'g2', key: 'env', value: 'dev' },
      ]);
      expect(await store.resourceSession((tx) => tx.tags.deleteOf('p', type, 'g1'))).toBe(2);
      expect(await store.resourceRead((tx) => tx.tags.ofProject('p', type))).toEqual([
        { resourceId: 'g2', key: 'env', value: 'dev' },
      ]);
      expect(await store.resourceRead((tx) => tx.tags.ofProject('q', type))).toHaveLength(1);
    });

    it('writes nothing when the session fails', async () => {
      await expect(
        store.resourceSession(async (tx) => {
          await tx.tags.put('p', type, 'g1', [{ key: 'a', value: '1' }], t0);
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect(await tagsOf('p', 'g1')).toEqual([]);
    });
  });
}
