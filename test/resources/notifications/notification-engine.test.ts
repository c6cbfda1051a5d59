import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScalingGroup } from '../../../src/domain/scaling-group.js';
import { policyEngine } from '../../../src/services.js';
import { openStore } from '../../../src/store/open-store.js';
import type { Store } from '../../../src/store/store.js';
import { testConfig } from '../../support/api-harness.js';
import { testBackends } from '../../support/backends.js';
import { insertGroupInService } from '../../support/group-fixtures.js';
import { followDesired } from '../../../src/engine/group-scaling.js';

/**
 * The engine's passes on several servers over one store record each settled activity's
 * notifications once: the hook is the conditional update that writes the activity down.
 */

const t0 = 1_700_000_000_000;
const project = 'proj-n';
const settle = 60_000;

const group = (id: string): ScalingGroup => ({
  id,
  projectId: project,
  name: `g-${id}`,
  status: 'INSERVICE',
  minInstances: 0,
  maxInstances: 10,
  desireInstances: 1,
  coolDownSeconds: 0,
  createTime: t0,
  attributes: {},
});

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(
    `notifications of the engine's passes: ${backend.name}`,
    () => {
      let url: string;
      let store: Store;
      let cleanup: () => Promise<void>;

      beforeEach(async () => {
        const fresh = await backend.fresh();
        url = fresh.url;
        cleanup = fresh.cleanup;
        store = await openStore(url, { queryTimeoutMs: 5000 });
      });
      afterEach(async () => {
        await store.close();
        await cleanup();
      });

      it('three servers passing at once record one notification per activity and topic', async () => {
        const groups = Array.from({ length: 8 }, (_, n) => group(`grp-${String(n)}`));
        await store.resourceSession(async (tx) => {
          for (const g of groups) {
            await insertGroupInService(tx, g);
            await tx.notifications.putTopic({
              projectId: project,
              groupId: g.id,
              topicUrn: `urn:smn:r:${project}:ops`,
              scenes: ['SCALING_UP', 'SCALING_DOWN'],
              createTime: t0,
            });
            // Each group scales out by two, settling a minute later.
            const locked = await tx.groups.lock(project, g.id);
            if (locked === undefined) throw new Error('no group');
            const scaled = { ...locked, desireInstances: 3 };
            await tx.groups.update(scaled);
            await followDesired(tx, scaled, t0, { type: 'NORMAL' }, { instanceSettleMs: settle });
          }
        });
        const servers = await Promise.all([1, 2, 3].map(() => openStore(url)));
        try {
          await Promise.all(
            servers.map((s) => policyEngine(s, testConfig(), () => t0 + settle).runDue()),
          );
        } finally {
          for (const s of servers) await s.close();
        }
        const sent = await store.resourceRead((tx) =>
          tx.notifications.list(project, {}, { startNumber: 0, limit: 100 }),
        );
        expect(sent.total).toBe(8);
        expect(new Set(sent.notifications.map((n) => n.groupId)).size).toBe(8);
        expect(sent.notifications.every((n) => n.scene === 'SCALING_UP')).toBe(true);
        // Passing again finds nothing more to record.
        await policyEngine(store, testConfig(), () => t0 + 2 * settle).runDue();
        expect(
          (
            await store.resourceRead((tx) =>
              tx.notifications.list(project, {}, { startNumber: 0, limit: 0 }),
            )
          ).total,
        ).toBe(8);
      });
    },
  );
}
