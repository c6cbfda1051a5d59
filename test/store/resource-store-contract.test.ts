import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bandwidth } from '../../src/domain/bandwidth.js';
import type { ExecutionLog } from '../../src/domain/execution-log.js';
import type { ScalingActivity } from '../../src/domain/scaling-activity.js';
import type { ScalingConfiguration } from '../../src/domain/scaling-configuration.js';
import type { ScalingGroup } from '../../src/domain/scaling-group.js';
import type { ScalingPolicy } from '../../src/domain/scaling-policy.js';
import type {
  ActivityFilter,
  ResourceStore,
  Paging,
  PendingExecution,
  PolicyFilter,
  PolicyOrder,
} from '../../src/store/resource-store.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';

/** Every time in this suite is fixed: Unix ms from here. */
const t0 = 1_700_000_000_000;
const minute = 60_000;

const group = (overrides: Partial<ScalingGroup> = {}): ScalingGroup => ({
  id: 'group-1',
  projectId: 'proj-a',
  name: 'web',
  status: 'INSERVICE',
  minInstances: 1,
  maxInstances: 10,
  desireInstances: 2,
  coolDownSeconds: 300,
  createTime: t0,
  attributes: {},
  ...overrides,
});

const bandwidth = (overrides: Partial<Bandwidth> = {}): Bandwidth => ({
  id: 'bw-1',
  projectId: 'proj-a',
  name: 'bandwidth-web',
  size: 10,
  minSize: 1,
  maxSize: 100,
  shareType: 'WHOLE',
  createTime: t0,
  ...overrides,
});

const configuration = (overrides: Partial<ScalingConfiguration> = {}): ScalingConfiguration => ({
  id: 'cfg-1',
  projectId: 'proj-a',
  name: 'web-config',
  imageId: 'img-1',
  instanceConfig: {
    flavorRef: 's3.large.2,s3.xlarge.2',
    imageRef: 'img-1',
    disk: [
      { size: 40, volume_type: 'SATA', disk_type: 'SYS', metadata: { __system__encrypted: '1' } },
    ],
    key_name: 'kp',
    metadata: { team: '雲 ☁️ "web"' },
    cpu_options: { hw_cpu_threads: 2 },
  },
  createTime: t0,
  ...overrides,
});

const policy = (overrides: Partial<ScalingPolicy> = {}): ScalingPolicy => ({
  id: 'policy-1',
  projectId: 'proj-a',
  name: 'scale-out',
  resourceType: 'SCALING_GROUP',
  resourceId: 'group-1',
  policyType: 'ALARM',
  action: { operation: 'ADD', number: 1 },
  coolDownSeconds: 300,
  status: 'INSERVICE',
  createTime: t0,
  ...overrides,
});

const execution = (overrides: Partial<PendingExecution> = {}): PendingExecution => ({
  logId: 'log-1',
  projectId: 'proj-a',
  policyId: 'policy-1',
  resourceType: 'SCALING_GROUP',
  resourceId: 'group-1',
  settlesAt: t0 + minute,
  ...overrides,
});

const log = (overrides: Partial<ExecutionLog> = {}): ExecutionLog => ({
  id: '00000001-0000-4000-8000-000000000000',
  projectId: 'proj-a',
  policyId: 'policy-1',
  status: 'EXECUTING',
  executeType: 'SCHEDULED',
  executeTime: t0 / 1000,
  resourceType: 'SCALING_GROUP',
  resourceId: 'group-1',
  oldValue: '2',
  desireValue: '3',
  limitValue: '10',
  type: 'ADD',
  jobRecords: [],
  ...overrides,
});

const activity = (overrides: Partial<ScalingActivity> = {}): ScalingActivity => ({
  id: 'act-1',
  projectId: 'proj-a',
  groupId: 'group-1',
  status: 'SUCCESS',
  type: 'NORMAL',
  startTime: t0,
  endTime: t0 + minute,
  description: '{"reason":[]}',
  instanceValue: 1,
  desireValue: 2,
  scalingValue: 1,
  added: [{ id: 'srv-1', name: 'web-1', configurationId: 'cfg-1' }],
  removed: [],
  deleted: [],
  failed: [],
  standby: [],
  ...overrides,
});

/** Attributes a client may send with a group: nesting, arrays, nulls and non-ASCII text. */
const richAttributes = {
  scalingConfigurationId: 'cfg-1',
  networks: [
    { id: 'net-1', ipv6Enable: false, allowedAddressPairs: [{ ipAddress: '10.0.0.1' }] },
    { id: 'net-2' },
  ],
  securityGroups: [],
  tags: { env: 'prod', 'ünïcödé-key': '雲 ☁️ 🚀 "quoted" \\ back\nslash' },
  healthPeriodicAuditGracePeriod: 600,
  ratio: 0.25,
  deleteVolume: true,
  description: null,
  deep: { a: { b: { c: [1, -2.5, 'three', [4]] } } },
};

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`resource store contract: ${backend.name}`, () => {
    let url: string;
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      const fresh = await backend.fresh();
      url = fresh.url;
      cleanup = fresh.cleanup;
      store = await openStore(fresh.url, { queryTimeoutMs: 5000 });
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    describe('scaling groups', () => {
      it('reads back every field, optional times absent or present, attributes as sent', async () => {
        const settled = group({ id: 'group-1', attributes: richAttributes });
        const scaling = group({
          id: 'group-2',
          name: 'api',
          status: 'PAUSED',
          minInstances: 0,
          maxInstances: 300,
          desireInstances: 5,
          settlesAt: t0 + 2 * minute,
          lastScaledAt: t0 - minute,
          coolDownSeconds: 86_400,
          createTime: t0 + 1,
          attributes: { tags: [{ key: 'k', value: 'v' }] },
        });
        await store.resourceSession(async (tx) => {
          await tx.groups.insert(settled);
          await tx.groups.insert(scaling);
          // The session reads its own writes, through plain and locking reads alike.
          expect(await tx.groups.get('proj-a', 'group-2')).toStrictEqual(scaling);
          expect(await tx.groups.lock('proj-a', 'group-1')).toStrictEqual(settled);
        });
        await store.resourceRead(async (tx) => {
          const readSettled = await tx.groups.get('proj-a', 'group-1');
          expect(readSettled).toStrictEqual(settled);
          // Absent stays absent: not present with the value undefined.
          expect(readSettled).not.toHaveProperty('settlesAt');
          expect(readSettled).not.toHaveProperty('lastScaledAt');
          expect(await tx.groups.get('proj-a', 'group-2')).toStrictEqual(scaling);
          expect(await tx.groups.get('proj-a', 'group-3')).toBeUndefined();
        });
      });

      it('never shows, changes or deletes a group from another project', async () => {
        const original = group();
        await store.resourceSession((tx) => tx.groups.insert(original));
        await store.resourceSession(async (tx) => {
          expect(await tx.groups.get('proj-b', 'group-1')).toBeUndefined();
          expect(await tx.groups.lock('proj-b', 'group-1')).toBeUndefined();
          expect(await tx.groups.delete('proj-b', 'group-1')).toBe(false);
          await tx.groups.update({ ...original, projectId: 'proj-b', name: 'hijacked' });
          expect((await tx.groups.list('proj-b', {}, { startNumber: 0, limit: 10 })).total).toBe(0);
        });
        expect(await store.resourceRead((tx) => tx.groups.get('proj-a', 'group-1'))).toStrictEqual(
          original,
        );
      });

      it('updates every mutable field, setting and clearing the optional times', async () => {
        const before = group({ settlesAt: t0 + minute, attributes: richAttributes });
        const other = group({ id: 'group-2', name: 'untouched' });
        await store.resourceSession(async (tx) => {
          await tx.groups.insert(before);
          await tx.groups.insert(other);
        });
        const after = group({
          name: 'web-renamed',
          status: 'FREEZED',
          minInstances: 2,
          maxInstances: 20,
          desireInstances: 7,
          lastScaledAt: t0 + 5 * minute,
          coolDownSeconds: 60,
          attributes: { replaced: ['entirely'] },
        });
        await store.resourceSession((tx) => tx.groups.update(after));
        await store.resourceRead(async (tx) => {
          const read = await tx.groups.get('proj-a', 'group-1');
          expect(read).toStrictEqual(after);
          expect(read).not.toHaveProperty('settlesAt');
          expect(await tx.groups.get('proj-a', 'group-2')).toStrictEqual(other);
        });
      });

      it('counts the groups of the project only', async () => {
        await store.resourceSession(async (tx) => {
          await tx.groups.insert(group({ id: 'g-1' }));
          await tx.groups.insert(group({ id: 'g-2' }));
          await tx.groups.insert(group({ id: 'g-3', projectId: 'proj-b' }));
        });
        await store.resourceRead(async (tx) => {
          expect(await tx.groups.count('proj-a')).toBe(2);
          expect(await tx.groups.count('proj-b')).toBe(1);
          expect(await tx.groups.count('proj-c')).toBe(0);
        });
        await store.resourceSession(async (tx) => {
          await tx.groups.lockProject('proj-a');
          await tx.groups.delete('proj-a', 'g-1');
          expect(await tx.groups.count('proj-a')).toBe(1);
        });
      });

      it('deletes a group once', async () => {
        await store.resourceSession(async (tx) => {
          await tx.groups.insert(group({ id: 'group-1' }));
          await tx.groups.insert(group({ id: 'group-2' }));
        });
        expect(await store.resourceSession((tx) => tx.groups.delete('proj-a', 'group-1'))).toBe(
          true,
        );
        expect(await store.resourceSession((tx) => tx.groups.delete('proj-a', 'group-1'))).toBe(
          false,
        );
        await store.resourceRead(async (tx) => {
          expect(await tx.groups.get('proj-a', 'group-1')).toBeUndefined();
          expect((await tx.groups.get('proj-a', 'group-2'))?.id).toBe('group-2');
        });
      });

      describe('listing', () => {
        beforeEach(async () => {
          // Inserted out of order; two share a create time, so the id breaks the tie.
          await store.resourceSession(async (tx) => {
            await tx.groups.insert(group({ id: 'g-a', name: 'web', createTime: t0 + 1 }));
            await tx.groups.insert(group({ id: 'g-c', name: 'api', createTime: t0 + 3 }));
            await tx.groups.insert(
              group({ id: 'g-d', name: 'web', status: 'PAUSED', createTime: t0 + 2 }),
            );
            await tx.groups.insert(group({ id: 'g-b', name: 'web', createTime: t0 + 3 }));
            await tx.groups.insert(group({ id: 'g-x', projectId: 'proj-b', createTime: t0 + 9 }));
          });
        });
        const ids = (groups: readonly ScalingGroup[]) => groups.map((g) => g.id);

        it('lists the project groups newest first, then by id descending', async () => {
          const page = await store.resourceRead((tx) =>
            tx.groups.list('proj-a', {}, { startNumber: 0, limit: 10 }),
          );
          expect(page.total).toBe(4);
          expect(ids(page.groups)).toEqual(['g-c', 'g-b', 'g-d', 'g-a']);
          expect(page.groups[0]).toStrictEqual(
            group({ id: 'g-c', name: 'api', createTime: t0 + 3 }),
          );
        });

        it('filters by name and by status, counting every match', async () => {
          await store.resourceRead(async (tx) => {
            const all = { startNumber: 0, limit: 10 };
            const web = await tx.groups.list('proj-a', { name: 'web' }, all);
            expect(web.total).toBe(3);
            expect(ids(web.groups)).toEqual(['g-b', 'g-d', 'g-a']);
            const paused = await tx.groups.list('proj-a', { status: 'PAUSED' }, all);
            expect(paused).toEqual({ total: 1, groups: [expect.objectContaining({ id: 'g-d' })] });
            const both = await tx.groups.list('proj-a', { name: 'web', status: 'INSERVICE' }, all);
            expect(ids(both.groups)).toEqual(['g-b', 'g-a']);
            // The name filter is an exact match, not a prefix or a pattern.
            expect((await tx.groups.list('proj-a', { name: 'we' }, all)).total).toBe(0);
            expect((await tx.groups.list('proj-a', { name: 'ap%' }, all)).total).toBe(0);
          });
        });

        it('pages with startNumber and limit; total counts every match, limit 0 only counts', async () => {
          await store.resourceRead(async (tx) => {
            const second = await tx.groups.list('proj-a', {}, { startNumber: 1, limit: 2 });
            expect(second.total).toBe(4);
            expect(ids(second.groups)).toEqual(['g-b', 'g-d']);
            const last = await tx.groups.list('proj-a', {}, { startNumber: 3, limit: 2 });
            expect(ids(last.groups)).toEqual(['g-a']);
            expect(await tx.groups.list('proj-a', {}, { startNumber: 4, limit: 2 })).toEqual({
              total: 4,
              groups: [],
            });
            expect(await tx.groups.list('proj-a', {}, { startNumber: 0, limit: 0 })).toEqual({
              total: 4,
              groups: [],
            });
            expect(
              await tx.groups.list('proj-a', { name: 'web' }, { startNumber: 0, limit: 0 }),
            ).toEqual({ total: 3, groups: [] });
          });
        });

        it('lists only the asking project', async () => {
          await store.resourceRead(async (tx) => {
            const b = await tx.groups.list('proj-b', {}, { startNumber: 0, limit: 10 });
            expect(b.total).toBe(1);
            expect(ids(b.groups)).toEqual(['g-x']);
            expect(await tx.groups.list('proj-c', {}, { startNumber: 0, limit: 10 })).toEqual({
              total: 0,
              groups: [],
            });
          });
        });
      });
    });

    describe('bandwidths', () => {
      it('reads back every field, EIP absent or present', async () => {
        const shared = bandwidth({ id: 'bw-1' });
        const dedicated = bandwidth({
          id: 'bw-2',
          name: 'eip-bandwidth',
          size: 5,
          minSize: 5,
          maxSize: 2000,
          shareType: 'PER',
          eipId: 'eip-1',
          eipAddress: '192.0.2.10',
          createTime: t0 + 1,
        });
        await store.resourceSession(async (tx) => {
          await tx.bandwidths.insert(shared);
          await tx.bandwidths.insert(dedicated);
          expect(await tx.bandwidths.lock('proj-a', 'bw-2')).toStrictEqual(dedicated);
        });
        await store.resourceRead(async (tx) => {
          const readShared = await tx.bandwidths.get('proj-a', 'bw-1');
          expect(readShared).toStrictEqual(shared);
          expect(readShared).not.toHaveProperty('eipId');
          expect(readShared).not.toHaveProperty('eipAddress');
          expect(await tx.bandwidths.get('proj-a', 'bw-2')).toStrictEqual(dedicated);
          expect(await tx.bandwidths.get('proj-b', 'bw-2')).toBeUndefined();
          expect(await tx.bandwidths.lock('proj-b', 'bw-2')).toBeUndefined();
          expect(await tx.bandwidths.get('proj-a', 'bw-3')).toBeUndefined();
        });
      });

      it('updates every mutable field, only in the owning project', async () => {
        const before = bandwidth({ eipId: 'eip-1', eipAddress: '192.0.2.10' });
        await store.resourceSession((tx) => tx.bandwidths.insert(before));
        const after = bandwidth({
          name: 'renamed',
          size: 50,
          minSize: 10,
          maxSize: 60,
          shareType: 'PER',
        });
        await store.resourceSession(async (tx) => {
          await tx.bandwidths.update(after);
          await tx.bandwidths.update({ ...after, projectId: 'proj-b', size: 99 });
        });
        const read = await store.resourceRead((tx) => tx.bandwidths.get('proj-a', 'bw-1'));
        expect(read).toStrictEqual(after);
        expect(read).not.toHaveProperty('eipId');
        const withEip = { ...after, eipId: 'eip-2', eipAddress: '2001:db8::1' };
        await store.resourceSession((tx) => tx.bandwidths.update(withEip));
        expect(await store.resourceRead((tx) => tx.bandwidths.get('proj-a', 'bw-1'))).toStrictEqual(
          withEip,
        );
      });

      it('deletes a bandwidth once, only in the owning project', async () => {
        await store.resourceSession((tx) => tx.bandwidths.insert(bandwidth()));
        await store.resourceSession(async (tx) => {
          expect(await tx.bandwidths.delete('proj-b', 'bw-1')).toBe(false);
          expect(await tx.bandwidths.get('proj-a', 'bw-1')).toBeDefined();
          expect(await tx.bandwidths.delete('proj-a', 'bw-1')).toBe(true);
          expect(await tx.bandwidths.delete('proj-a', 'bw-1')).toBe(false);
        });
        expect(
          await store.resourceRead((tx) => tx.bandwidths.get('proj-a', 'bw-1')),
        ).toBeUndefined();
      });

      it('lists the project bandwidths newest first, then by id descending, in pages', async () => {
        await store.resourceSession(async (tx) => {
          await tx.bandwidths.insert(bandwidth({ id: 'bw-a', createTime: t0 + 1 }));
          await tx.bandwidths.insert(bandwidth({ id: 'bw-c', createTime: t0 + 2 }));
          await tx.bandwidths.insert(bandwidth({ id: 'bw-b', createTime: t0 + 2 }));
          await tx.bandwidths.insert(
            bandwidth({ id: 'bw-x', projectId: 'proj-b', createTime: t0 }),
          );
        });
        await store.resourceRead(async (tx) => {
          const ids = async (startNumber: number, limit: number) => {
            const page = await tx.bandwidths.list('proj-a', { startNumber, limit });
            expect(page.total).toBe(3);
            return page.bandwidths.map((b) => b.id);
          };
          expect(await ids(0, 10)).toEqual(['bw-c', 'bw-b', 'bw-a']);
          expect(await ids(1, 1)).toEqual(['bw-b']);
          expect(await ids(2, 5)).toEqual(['bw-a']);
          expect(await ids(3, 5)).toEqual([]);
          expect(await ids(0, 0)).toEqual([]);
          const first = await tx.bandwidths.list('proj-a', { startNumber: 0, limit: 1 });
          expect(first.bandwidths).toStrictEqual([bandwidth({ id: 'bw-c', createTime: t0 + 2 })]);
          const b = await tx.bandwidths.list('proj-b', { startNumber: 0, limit: 10 });
          expect(b.total).toBe(1);
          expect(b.bandwidths.map((x) => x.id)).toEqual(['bw-x']);
        });
      });
    });

    describe('scaling configurations', () => {
      it('reads back every field, image absent or present, within the project only', async () => {
        const withImage = configuration();
        const fromEcs = configuration({
          id: 'cfg-2',
          name: 'from-ecs',
          instanceConfig: { instance_id: 'ecs-1', key_name: 'kp' },
          createTime: t0 + 1,
        });
        delete (fromEcs as { imageId?: string }).imageId;
        await store.resourceSession(async (tx) => {
          await tx.configurations.insert(withImage);
          await tx.configurations.insert(fromEcs);
          expect(await tx.configurations.lock('proj-a', 'cfg-2')).toStrictEqual(fromEcs);
          expect(await tx.configurations.lock('proj-b', 'cfg-2')).toBeUndefined();
        });
        await store.resourceRead(async (tx) => {
          expect(await tx.configurations.get('proj-a', 'cfg-1')).toStrictEqual(withImage);
          expect(await tx.configurations.get('proj-a', 'cfg-2')).toStrictEqual(fromEcs);
          expect(await tx.configurations.get('proj-b', 'cfg-1')).toBeUndefined();
          expect(await tx.configurations.count('proj-a')).toBe(2);
          expect(await tx.configurations.count('proj-b')).toBe(0);
        });
      });

      it('updates and deletes within the project only', async () => {
        await store.resourceSession((tx) => tx.configurations.insert(configuration()));
        const changed = configuration({
          imageId: 'img-2',
          instanceConfig: { ...configuration().instanceConfig, imageRef: 'img-2' },
        });
        await store.resourceSession(async (tx) => {
          await tx.configurations.update(changed);
          await tx.configurations.update({ ...changed, projectId: 'proj-b', name: 'other' });
        });
        await store.resourceSession(async (tx) => {
          expect(await tx.configurations.get('proj-a', 'cfg-1')).toStrictEqual(changed);
          expect(await tx.configurations.delete('proj-b', 'cfg-1')).toBe(false);
          expect(await tx.configurations.delete('proj-a', 'cfg-1')).toBe(true);
          expect(await tx.configurations.delete('proj-a', 'cfg-1')).toBe(false);
        });
      });

      it('lists newest first, by name contained (case counting) and image, in pages', async () => {
        await store.resourceSession(async (tx) => {
          await tx.configurations.insert(
            configuration({ id: 'c-1', name: 'web-a', createTime: t0 + 1 }),
          );
          await tx.configurations.insert(
            configuration({ id: 'c-2', name: 'Web-b', imageId: 'img-2', createTime: t0 + 2 }),
          );
          await tx.configurations.insert(
            configuration({ id: 'c-3', name: 'db_web', createTime: t0 + 2 }),
          );
          await tx.configurations.insert(
            configuration({ id: 'c-4', name: 'a%b_c', createTime: t0 + 3 }),
          );
          await tx.configurations.insert(
            configuration({ id: 'c-x', projectId: 'proj-b', name: 'web-x', createTime: t0 + 9 }),
          );
        });
        await store.resourceRead(async (tx) => {
          const ids = async (filter: object, paging: Paging = { startNumber: 0, limit: 20 }) => {
            const page = await tx.configurations.list('proj-a', filter, paging);
            return [page.total, page.configurations.map((c) => c.id)];
          };
          expect(await ids({})).toEqual([4, ['c-4', 'c-3', 'c-2', 'c-1']]);
          expect(await ids({ nameContains: 'web' })).toEqual([2, ['c-3', 'c-1']]);
          // Wildcards of LIKE are plain characters here.
          expect(await ids({ nameContains: '%' })).toEqual([1, ['c-4']]);
          expect(await ids({ nameContains: '_' })).toEqual([2, ['c-4', 'c-3']]);
          expect(await ids({ imageId: 'img-2' })).toEqual([1, ['c-2']]);
          expect(await ids({ imageId: 'img-1', nameContains: 'db' })).toEqual([1, ['c-3']]);
          expect(await ids({}, { startNumber: 1, limit: 2 })).toEqual([4, ['c-3', 'c-2']]);
          expect(await ids({}, { startNumber: 0, limit: 0 })).toEqual([4, []]);
        });
      });

      it('tells which configurations the project groups use, and the earliest group using each', async () => {
        await store.resourceSession(async (tx) => {
          await tx.groups.insert(
            group({ id: 'g-1', attributes: { scaling_configuration_id: 'cfg-1' } }),
          );
          await tx.groups.insert(
            group({
              id: 'g-2',
              createTime: t0 + 1,
              attributes: { scaling_configuration_id: 'cfg-1' },
            }),
          );
          await tx.groups.insert(
            group({
              id: 'g-3',
              createTime: t0 + 2,
              attributes: { scaling_configuration_id: 'cfg-2' },
            }),
          );
          await tx.groups.insert(group({ id: 'g-4', createTime: t0 + 3, attributes: {} }));
          await tx.groups.insert(
            group({
              id: 'g-5',
              projectId: 'proj-b',
              attributes: { scaling_configuration_id: 'cfg-3' },
            }),
          );
        });
        await store.resourceRead(async (tx) => {
          const users = await tx.groups.configurationUsers('proj-a');
          expect([...users.entries()].sort()).toEqual([
            ['cfg-1', 'g-1'],
            ['cfg-2', 'g-3'],
          ]);
          expect([...(await tx.groups.configurationUsers('proj-b')).entries()]).toEqual([
            ['cfg-3', 'g-5'],
          ]);
          expect((await tx.groups.configurationUsers('proj-c')).size).toBe(0);
        });
      });

      it('reads the names of several configurations in the project at once', async () => {
        await store.resourceSession(async (tx) => {
          await tx.configurations.insert(configuration({ id: 'c-1', name: 'one' }));
          await tx.configurations.insert(configuration({ id: 'c-2', name: '雲-two' }));
          await tx.configurations.insert(
            configuration({ id: 'c-3', projectId: 'proj-b', name: 'theirs' }),
          );
        });
        await store.resourceRead(async (tx) => {
          const names = await tx.configurations.names('proj-a', [
            'c-2',
            'c-1',
            'c-3',
            'c-9',
            'c-1',
          ]);
          expect([...names.entries()].sort()).toEqual([
            ['c-1', 'one'],
            ['c-2', '雲-two'],
          ]);
          expect((await tx.configurations.names('proj-a', [])).size).toBe(0);
        });
      });
    });

    describe('policies', () => {
      const full = policy({
        id: 'policy-full',
        name: 'nightly-scale',
        policyType: 'RECURRENCE',
        alarmId: 'alarm-1',
        scheduledPolicy: {
          launchTime: '03:30',
          recurrenceType: 'Weekly',
          recurrenceValue: '1,3,5',
          startTime: '2023-11-01T00:00Z',
          endTime: '2024-11-01T00:00Z',
        },
        action: { operation: 'SET', number: 4, percentage: 50, limits: 8 },
        coolDownSeconds: 900,
        status: 'PAUSED',
        createTime: t0 + 7,
        description: 'Nachts hochskalieren — 夜间扩容',
        metaData: { owner: 'ops', metadata_eip_id: 'eip-1' },
        nextFireAt: t0 + 3 * minute,
      });
      const bare = policy({ id: 'policy-bare' });

      it('reads back every field, optional ones absent or present', async () => {
        await store.resourceSession(async (tx) => {
          await tx.policies.insert(full);
          await tx.policies.insert(bare);
          expect(await tx.policies.lock('proj-a', 'policy-full')).toStrictEqual(full);
        });
        await store.resourceRead(async (tx) => {
          expect(await tx.policies.get('proj-a', 'policy-full')).toStrictEqual(full);
          const readBare = await tx.policies.get('proj-a', 'policy-bare');
          expect(readBare).toStrictEqual(bare);
          for (const absent of [
            'alarmId',
            'scheduledPolicy',
            'description',
            'metaData',
            'nextFireAt',
          ]) {
            expect(readBare).not.toHaveProperty(absent);
          }
          expect(readBare?.action).toStrictEqual({ operation: 'ADD', number: 1 });
          expect(await tx.policies.get('proj-b', 'policy-full')).toBeUndefined();
          expect(await tx.policies.lock('proj-b', 'policy-full')).toBeUndefined();
          expect(await tx.policies.get('proj-a', 'policy-none')).toBeUndefined();
        });
      });

      it('updates every mutable field, setting and clearing optional ones', async () => {
        await store.resourceSession(async (tx) => {
          await tx.policies.insert(full);
          await tx.policies.insert(bare);
        });
        const cleared = policy({
          id: 'policy-full',
          name: 'renamed',
          resourceType: 'BANDWIDTH',
          resourceId: 'bw-1',
          policyType: 'INTERVAL_ALARM',
          action: { operation: 'REDUCE', number: 2, limits: 1 },
          coolDownSeconds: 60,
          status: 'INSERVICE',
          createTime: t0 + 7,
        });
        const filled = { ...full, id: 'policy-bare', createTime: t0 };
        await store.resourceSession(async (tx) => {
          await tx.policies.update(cleared);
          await tx.policies.update(filled);
          // Another project's policy of the same id is not this one.
          await tx.policies.update({ ...bare, projectId: 'proj-b', name: 'hijacked' });
        });
        await store.resourceRead(async (tx) => {
          const readCleared = await tx.policies.get('proj-a', 'policy-full');
          expect(readCleared).toStrictEqual(cleared);
          expect(readCleared).not.toHaveProperty('nextFireAt');
          expect(readCleared).not.toHaveProperty('metaData');
          expect(await tx.policies.get('proj-a', 'policy-bare')).toStrictEqual(filled);
        });
      });

      it('deletes a policy once, only in the owning project', async () => {
        await store.resourceSession((tx) => tx.policies.insert(bare));
        await store.resourceSession(async (tx) => {
          expect(await tx.policies.delete('proj-b', 'policy-bare')).toBe(false);
          expect(await tx.policies.delete('proj-a', 'policy-bare')).toBe(true);
          expect(await tx.policies.delete('proj-a', 'policy-bare')).toBe(false);
        });
        expect(
          await store.resourceRead((tx) => tx.policies.get('proj-a', 'policy-bare')),
        ).toBeUndefined();
      });

      describe('listing', () => {
        // p1..p6 in project A, created in this order except p3 and p4 which share a time.
        const listed = [
          policy({ id: 'p1', name: 'scale_up', alarmId: 'alarm-1', createTime: t0 + 1 }),
          policy({
            id: 'p2',
            name: 'scaleXup',
            policyType: 'SCHEDULED',
            status: 'PAUSED',
            createTime: t0 + 2,
          }),
          policy({
            id: 'p3',
            name: '50%off',
            resourceId: 'group-2',
            policyType: 'RECURRENCE',
            createTime: t0 + 3,
          }),
          policy({
            id: 'p4',
            name: '50Xoff',
            resourceType: 'BANDWIDTH',
            resourceId: 'bw-1',
            alarmId: 'alarm-2',
            action: { operation: 'ADD', number: 5, limits: 50 },
            createTime: t0 + 3,
          }),
          policy({
            id: 'p5',
            name: 'back\\slash',
            resourceType: 'BANDWIDTH',
            resourceId: 'bw-1',
            policyType: 'INTERVAL_ALARM',
            alarmId: 'alarm-1',
            createTime: t0 + 5,
          }),
          policy({ id: 'p6', name: 'backslash', createTime: t0 + 6 }),
          policy({ id: 'q1', projectId: 'proj-b', name: 'scale_up', alarmId: 'alarm-1' }),
        ];
        beforeEach(async () => {
          await store.resourceSession(async (tx) => {
            // Inserted newest first, so insertion order cannot pass for create-time order.
            for (const p of [...listed].reverse()) await tx.policies.insert(p);
          });
        });

        const ids = async (
          filter: PolicyFilter,
          order?: PolicyOrder,
          paging: Paging = { startNumber: 0, limit: 20 },
        ): Promise<{ total: number; ids: string[] }> => {
          const page = await store.resourceRead((tx) =>
            tx.policies.list('proj-a', filter, paging, order),
          );
          return { total: page.total, ids: page.policies.map((p) => p.id) };
        };

        it('lists the project policies newest first by default, whole', async () => {
          expect(await ids({})).toEqual({ total: 6, ids: ['p6', 'p5', 'p4', 'p3', 'p2', 'p1'] });
          const page = await store.resourceRead((tx) =>
            tx.policies.list('proj-a', { policyId: 'p4' }, { startNumber: 0, limit: 20 }),
          );
          expect(page.policies).toStrictEqual([listed[3]]);
        });

        it('filters by resource, resource type, id, type, alarm and status', async () => {
          expect(await ids({ resourceId: 'group-1' })).toEqual({
            total: 3,
            ids: ['p6', 'p2', 'p1'],
          });
          expect(await ids({ resourceType: 'BANDWIDTH' })).toEqual({ total: 2, ids: ['p5', 'p4'] });
          expect(await ids({ policyId: 'p3' })).toEqual({ total: 1, ids: ['p3'] });
          expect(await ids({ policyId: 'q1' })).toEqual({ total: 0, ids: [] });
          expect(await ids({ policyType: 'ALARM' })).toEqual({ total: 3, ids: ['p6', 'p4', 'p1'] });
          expect(await ids({ alarmId: 'alarm-1' })).toEqual({ total: 2, ids: ['p5', 'p1'] });
          expect(await ids({ status: 'PAUSED' })).toEqual({ total: 1, ids: ['p2'] });
          expect(
            await ids({ resourceType: 'SCALING_GROUP', policyType: 'ALARM', status: 'INSERVICE' }),
          ).toEqual({ total: 2, ids: ['p6', 'p1'] });
        });

        it('filters by a part of the name, taking %, _ and \\ literally', async () => {
          expect(await ids({ nameContains: 'up' })).toEqual({ total: 2, ids: ['p2', 'p1'] });
          expect(await ids({ nameContains: 'scale_up' })).toEqual({ total: 1, ids: ['p1'] });
          expect(await ids({ nameContains: '_' })).toEqual({ total: 1, ids: ['p1'] });
          expect(await ids({ nameContains: '%' })).toEqual({ total: 1, ids: ['p3'] });
          expect(await ids({ nameContains: '50%' })).toEqual({ total: 1, ids: ['p3'] });
          expect(await ids({ nameContains: '\\' })).toEqual({ total: 1, ids: ['p5'] });
          expect(await ids({ nameContains: 'k\\s' })).toEqual({ total: 1, ids: ['p5'] });
          expect(await ids({ nameContains: 'nothing' })).toEqual({ total: 0, ids: [] });
        });

        it('matches the name filter with the case it is given, on every backend', async () => {
          // 'scaleXup' contains 'Xup' but not 'xup': both backends must agree on that.
          expect(await ids({ nameContains: 'Xup' })).toEqual({ total: 1, ids: ['p2'] });
          expect(await ids({ nameContains: 'xup' })).toEqual({ total: 0, ids: [] });
        });

        it('orders by create time, name or type, either way, with the id breaking ties', async () => {
          const order = async (
            by: 'createTime' | 'name' | 'policyType',
            direction: 'asc' | 'desc',
          ) => (await ids({}, { by, direction })).ids;
          expect(await order('createTime', 'asc')).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
          expect(await order('createTime', 'desc')).toEqual(['p6', 'p5', 'p4', 'p3', 'p2', 'p1']);
          // Names are the cloud's [A-Za-z0-9_-]: digits, then letters; '_' sorts after 'X'.
          expect(await order('name', 'asc')).toEqual(['p3', 'p4', 'p5', 'p6', 'p2', 'p1']);
          expect(await order('name', 'desc')).toEqual(['p1', 'p2', 'p6', 'p5', 'p4', 'p3']);
          // ALARM p1 p4 p6, INTERVAL_ALARM p5, RECURRENCE p3, SCHEDULED p2.
          expect(await order('policyType', 'asc')).toEqual(['p1', 'p4', 'p6', 'p5', 'p3', 'p2']);
          expect(await order('policyType', 'desc')).toEqual(['p2', 'p3', 'p5', 'p6', 'p4', 'p1']);
        });

        it('pages a filtered, ordered list; total counts every match', async () => {
          const byName = { by: 'name', direction: 'asc' } as const;
          expect(await ids({}, byName, { startNumber: 2, limit: 3 })).toEqual({
            total: 6,
            ids: ['p5', 'p6', 'p2'],
          });
          expect(
            await ids({ resourceId: 'group-1' }, undefined, { startNumber: 1, limit: 1 }),
          ).toEqual({ total: 3, ids: ['p2'] });
          expect(await ids({}, undefined, { startNumber: 6, limit: 5 })).toEqual({
            total: 6,
            ids: [],
          });
          expect(
            await ids({ policyType: 'ALARM' }, undefined, { startNumber: 0, limit: 0 }),
          ).toEqual({ total: 3, ids: [] });
        });

        it('never lists another project policies', async () => {
          const b = await store.resourceRead((tx) =>
            tx.policies.list('proj-b', {}, { startNumber: 0, limit: 20 }),
          );
          expect(b.total).toBe(1);
          expect(b.policies.map((p) => p.id)).toEqual(['q1']);
          expect(await ids({ nameContains: 'scale_up' })).toEqual({ total: 1, ids: ['p1'] });
        });

        it('counts the policies of one resource in the project', async () => {
          await store.resourceRead(async (tx) => {
            expect(await tx.policies.countOf('proj-a', 'group-1')).toBe(3);
            expect(await tx.policies.countOf('proj-a', 'bw-1')).toBe(2);
            expect(await tx.policies.countOf('proj-a', 'group-2')).toBe(1);
            // q1 is on group-1 too, in project B.
            expect(await tx.policies.countOf('proj-b', 'group-1')).toBe(1);
            expect(await tx.policies.countOf('proj-a', 'group-9')).toBe(0);
          });
        });

        it('finds the project policies bound to an alarm, oldest first', async () => {
          await store.resourceSession((tx) =>
            // Same create time as p1: the id orders them.
            tx.policies.insert(policy({ id: 'p0', alarmId: 'alarm-1', createTime: t0 + 1 })),
          );
          await store.resourceRead(async (tx) => {
            const forAlarm = async (projectId: string, alarmId: string) =>
              (await tx.policies.forAlarm(projectId, alarmId)).map((p) => p.id);
            expect(await forAlarm('proj-a', 'alarm-1')).toEqual(['p0', 'p1', 'p5']);
            expect(await forAlarm('proj-a', 'alarm-2')).toEqual(['p4']);
            expect(await forAlarm('proj-b', 'alarm-1')).toEqual(['q1']);
            expect(await forAlarm('proj-a', 'alarm-9')).toEqual([]);
            expect((await tx.policies.forAlarm('proj-a', 'alarm-2'))[0]).toStrictEqual(listed[3]);
          });
        });
      });
    });

    describe('triggers', () => {
      beforeEach(async () => {
        await store.resourceSession(async (tx) => {
          await tx.policies.insert(policy({ id: 'due-late', nextFireAt: t0 }));
          await tx.policies.insert(policy({ id: 'future', nextFireAt: t0 + 1 }));
          await tx.policies.insert(policy({ id: 'none' }));
          await tx.policies.insert(
            policy({ id: 'due-early', projectId: 'proj-b', nextFireAt: t0 - minute }),
          );
        });
      });

      it('lists the policies due now, of every project, earliest first, up to the limit', async () => {
        await store.resourceRead(async (tx) => {
          expect(await tx.policies.due(t0, 10)).toEqual([
            { policyId: 'due-early', projectId: 'proj-b', dueAt: t0 - minute },
            { policyId: 'due-late', projectId: 'proj-a', dueAt: t0 },
          ]);
          expect(await tx.policies.due(t0, 1)).toEqual([
            { policyId: 'due-early', projectId: 'proj-b', dueAt: t0 - minute },
          ]);
          expect((await tx.policies.due(t0 + 1, 10)).map((d) => d.policyId)).toEqual([
            'due-early',
            'due-late',
            'future',
          ]);
          expect(await tx.policies.due(t0 - minute - 1, 10)).toEqual([]);
        });
      });

      it('claims a due trigger once, moving it to the next time', async () => {
        await store.resourceSession(async (tx) => {
          expect(await tx.policies.claimTrigger('due-late', t0, t0 + 10 * minute)).toBe(true);
          expect(await tx.policies.claimTrigger('due-late', t0, t0 + 10 * minute)).toBe(false);
        });
        // A later claim with the stale due time, as a slower server would try, fails too.
        expect(
          await store.resourceSession((tx) =>
            tx.policies.claimTrigger('due-late', t0, t0 + 20 * minute),
          ),
        ).toBe(false);
        await store.resourceRead(async (tx) => {
          expect((await tx.policies.get('proj-a', 'due-late'))?.nextFireAt).toBe(t0 + 10 * minute);
          expect((await tx.policies.due(t0 + minute, 10)).map((d) => d.policyId)).toEqual([
            'due-early',
            'future',
          ]);
          expect((await tx.policies.due(t0 + 10 * minute, 10)).map((d) => d.policyId)).toContain(
            'due-late',
          );
        });
      });

      it('clears the trigger when there is no next time', async () => {
        expect(
          await store.resourceSession((tx) =>
            tx.policies.claimTrigger('due-early', t0 - minute, undefined),
          ),
        ).toBe(true);
        await store.resourceRead(async (tx) => {
          expect(await tx.policies.get('proj-b', 'due-early')).not.toHaveProperty('nextFireAt');
          expect(
            (await tx.policies.due(t0 + 365 * 24 * 60 * minute, 10)).map((d) => d.policyId),
          ).toEqual(['due-late', 'future']);
        });
      });

      it('refuses a claim with a due time the policy does not have, changing nothing', async () => {
        await store.resourceSession(async (tx) => {
          expect(await tx.policies.claimTrigger('due-late', t0 - 1, t0 + minute)).toBe(false);
          expect(await tx.policies.claimTrigger('none', t0, t0 + minute)).toBe(false);
          expect(await tx.policies.claimTrigger('missing', t0, t0 + minute)).toBe(false);
        });
        await store.resourceRead(async (tx) => {
          expect((await tx.policies.get('proj-a', 'due-late'))?.nextFireAt).toBe(t0);
          expect(await tx.policies.get('proj-a', 'none')).not.toHaveProperty('nextFireAt');
        });
      });

      it('gives the trigger back when the claiming session fails', async () => {
        await expect(
          store.resourceSession(async (tx) => {
            expect(await tx.policies.claimTrigger('due-late', t0, t0 + minute)).toBe(true);
            throw new Error('executor failed');
          }),
        ).rejects.toThrow('executor failed');
        expect(
          await store.resourceSession((tx) =>
            tx.policies.claimTrigger('due-late', t0, t0 + minute),
          ),
        ).toBe(true);
      });
    });

    describe('executions', () => {
      it('records one execution per resource; a second writes nothing', async () => {
        const first = execution();
        await store.resourceSession(async (tx) => {
          expect(await tx.executions.insert(first)).toBe(true);
          expect(
            await tx.executions.insert(
              execution({ logId: 'log-2', policyId: 'policy-2', settlesAt: t0 }),
            ),
          ).toBe(false);
          // Same id, other type: another resource.
          expect(
            await tx.executions.insert(
              execution({
                logId: 'log-3',
                policyId: 'policy-3',
                resourceType: 'BANDWIDTH',
                settlesAt: t0 + 2 * minute,
              }),
            ),
          ).toBe(true);
        });
        await store.resourceRead(async (tx) => {
          expect(await tx.executions.ofResource('SCALING_GROUP', 'group-1')).toStrictEqual(first);
          expect(await tx.executions.ofResource('SCALING_GROUP', 'group-2')).toBeUndefined();
          expect(
            await tx.executions.executingPolicies(['policy-1', 'policy-2', 'policy-3', 'policy-4']),
          ).toEqual(new Set(['policy-1', 'policy-3']));
          expect(await tx.executions.executingPolicies([])).toEqual(new Set());
          // The refused execution settles earliest: it would show here had it been written.
          expect((await tx.executions.due(t0 + 10 * minute, 10)).map((e) => e.logId)).toEqual([
            'log-1',
            'log-3',
          ]);
        });
        // Nothing to take of the refused one (a write, so in a session: reads may run on a
        // connection that cannot write).
        await store.resourceSession(async (tx) => {
          expect(await tx.executions.take('log-2')).toBe(false);
        });
      });

      it('lists the executions settled by now, earliest first, up to the limit', async () => {
        await store.resourceSession(async (tx) => {
          await tx.executions.insert(
            execution({ logId: 'l-late', resourceId: 'g-1', settlesAt: t0 + 3 }),
          );
          await tx.executions.insert(
            execution({ logId: 'l-early', resourceId: 'g-2', settlesAt: t0 + 1 }),
          );
          await tx.executions.insert(
            execution({
              logId: 'l-mid',
              resourceId: 'g-3',
              projectId: 'proj-b',
              settlesAt: t0 + 2,
            }),
          );
          await tx.executions.insert(
            execution({ logId: 'l-future', resourceId: 'g-4', settlesAt: t0 + 9 }),
          );
        });
        await store.resourceRead(async (tx) => {
          const due = await tx.executions.due(t0 + 3, 10);
          expect(due.map((e) => e.logId)).toEqual(['l-early', 'l-mid', 'l-late']);
          expect(due[1]).toStrictEqual(
            execution({
              logId: 'l-mid',
              resourceId: 'g-3',
              projectId: 'proj-b',
              settlesAt: t0 + 2,
            }),
          );
          expect((await tx.executions.due(t0 + 3, 2)).map((e) => e.logId)).toEqual([
            'l-early',
            'l-mid',
          ]);
          expect(await tx.executions.due(t0, 10)).toEqual([]);
        });
      });

      it('lets exactly one take an execution, freeing its resource', async () => {
        await store.resourceSession((tx) => tx.executions.insert(execution()));
        expect(await store.resourceSession((tx) => tx.executions.take('log-1'))).toBe(true);
        expect(await store.resourceSession((tx) => tx.executions.take('log-1'))).toBe(false);
        await store.resourceSession(async (tx) => {
          expect(await tx.executions.ofResource('SCALING_GROUP', 'group-1')).toBeUndefined();
          expect(await tx.executions.executingPolicies(['policy-1'])).toEqual(new Set());
          expect(await tx.executions.insert(execution({ logId: 'log-2' }))).toBe(true);
        });
      });
    });

    describe('logs', () => {
      it('writes logs in a session, readable in it, after it and by the log query', async () => {
        const written = log({
          metaData: { metadata_eip_id: 'eip-1' },
          jobRecords: [{ jobName: 'ADJUST_VM_NUMBERS', jobStatus: 'SUCCESS' }],
        });
        await store.resourceSession(async (tx) => {
          expect(await tx.logs.write([written])).toEqual({
            inserted: 1,
            updated: 0,
            unchanged: 0,
            rejected: [],
          });
          expect(await tx.logs.get('proj-a', written.id)).toStrictEqual(written);
        });
        await store.resourceRead(async (tx) => {
          expect(await tx.logs.get('proj-a', written.id)).toStrictEqual(written);
          expect(await tx.logs.get('proj-b', written.id)).toBeUndefined();
          expect(
            await tx.logs.get('proj-a', '00000009-0000-4000-8000-000000000000'),
          ).toBeUndefined();
        });
        const page = await store.queryLogs({
          projectId: 'proj-a',
          policyId: 'policy-1',
          startNumber: 0,
          limit: 20,
        });
        expect(page?.totalNumber).toBe(1);
        expect(page?.logs).toStrictEqual([written]);
      });

      it('settles a log by writing it again in a later session', async () => {
        const executing = log();
        await store.resourceSession((tx) => tx.logs.write([executing]));
        const settled = log({ status: 'SUCCESS' });
        expect(await store.resourceSession((tx) => tx.logs.write([settled]))).toMatchObject({
          inserted: 0,
          updated: 1,
        });
        expect(await store.resourceRead((tx) => tx.logs.get('proj-a', executing.id))).toStrictEqual(
          settled,
        );
      });

      it('refuses to write logs outside a session, writing nothing', async () => {
        await expect(store.resourceRead((tx) => tx.logs.write([log()]))).rejects.toThrow(
          /engine session/,
        );
        expect(await store.resourceRead((tx) => tx.logs.get('proj-a', log().id))).toBeUndefined();
        expect(
          await store.queryLogs({
            projectId: 'proj-a',
            policyId: 'policy-1',
            startNumber: 0,
            limit: 20,
          }),
        ).toBeUndefined();
      });
    });

    describe('scaling activities', () => {
      const page: Paging = { startNumber: 0, limit: 100 };
      const listed = (filter: ActivityFilter, nowMs: number, groupId = 'group-1', paging = page) =>
        store.resourceRead((tx) => tx.activities.list('proj-a', groupId, filter, paging, nowMs));
      const idsOf = (r: { activities: ScalingActivity[] }) => r.activities.map((a) => a.id);
      const doing = (overrides: Partial<ScalingActivity>): ScalingActivity =>
        Object.fromEntries(
          Object.entries(activity({ status: 'DOING', ...overrides })).filter(
            ([k]) => k !== 'endTime',
          ),
        ) as unknown as ScalingActivity;

      it('reads back every field, the instance lists and optional times as written', async () => {
        const full = activity({
          id: 'act-1',
          type: 'MANUAL_ADD',
          status: 'FAIL',
          description: 'Add instances: "雲 ☁️"',
          added: [{ id: 'srv-1', name: 'web-1', configurationId: 'cfg-1' }],
          removed: [{ id: 'srv-2', name: 'web-2' }],
          deleted: [{ id: 'srv-3', name: 'web-3' }],
          failed: [{ id: 'srv-4', name: 'web-4', failedReason: 'AS.4024', failedDetails: 'off' }],
          standby: [{ id: 'srv-5', name: 'web-5' }],
        });
        const running = doing({ id: 'act-2', settlesAt: t0 + 2 * minute, added: [] });
        await store.resourceSession(async (tx) => {
          await tx.activities.insert(full);
          await tx.activities.insert(running);
          expect(await tx.activities.get('proj-a', 'act-1')).toStrictEqual(full);
        });
        await store.resourceRead(async (tx) => {
          expect(await tx.activities.get('proj-a', 'act-1')).toStrictEqual(full);
          const read = await tx.activities.get('proj-a', 'act-2');
          expect(read).toStrictEqual(running);
          expect(read).not.toHaveProperty('endTime');
          expect(await tx.activities.get('proj-b', 'act-1')).toBeUndefined();
          expect(await tx.activities.get('proj-a', 'act-3')).toBeUndefined();
        });
      });

      it('updates an activity in its project only', async () => {
        const running = doing({ settlesAt: t0 + minute });
        await store.resourceSession((tx) => tx.activities.insert(running));
        const done = activity({ status: 'SUCCESS', endTime: t0 + 30_000, scalingValue: 5 });
        await store.resourceSession(async (tx) => {
          await tx.activities.update({ ...done, projectId: 'proj-b', description: 'hijacked' });
          await tx.activities.update(done);
        });
        const read = await store.resourceRead((tx) => tx.activities.get('proj-a', 'act-1'));
        expect(read).toStrictEqual(done);
        // A finished activity keeps no settling time.
        expect(read).not.toHaveProperty('settlesAt');
      });

      it('lists newest first, filtered by time, id, types and the status at a moment', async () => {
        await store.resourceSession(async (tx) => {
          await tx.activities.insert(activity({ id: 'act-1', startTime: t0 }));
          await tx.activities.insert(
            activity({ id: 'act-2', startTime: t0 + minute, type: 'DIFF', status: 'FAIL' }),
          );
          await tx.activities.insert(
            doing({ id: 'act-3', startTime: t0 + 2 * minute, settlesAt: t0 + 3 * minute }),
          );
          await tx.activities.insert(
            activity({ id: 'act-4', startTime: t0 + 2 * minute, type: 'MANUAL_ADD' }),
          );
          await tx.activities.insert(activity({ id: 'act-5', groupId: 'group-2' }));
          await tx.activities.insert(activity({ id: 'act-6', projectId: 'proj-b' }));
        });
        const before = t0 + 2 * minute;
        const all = await listed({}, before);
        expect(idsOf(all)).toEqual(['act-4', 'act-3', 'act-2', 'act-1']);
        expect(all.total).toBe(4);
        expect(idsOf(await listed({}, before, 'group-2'))).toEqual(['act-5']);
        expect(idsOf(await listed({ from: t0 + minute }, before))).toEqual([
          'act-4',
          'act-3',
          'act-2',
        ]);
        expect(idsOf(await listed({ to: t0 + minute }, before))).toEqual(['act-2', 'act-1']);
        expect(idsOf(await listed({ from: t0 + minute, to: t0 + minute }, before))).toEqual([
          'act-2',
        ]);
        expect(idsOf(await listed({ id: 'act-3' }, before))).toEqual(['act-3']);
        expect(idsOf(await listed({ id: 'act-6' }, before))).toEqual([]);
        expect(idsOf(await listed({ types: ['DIFF', 'MANUAL_ADD'] }, before))).toEqual([
          'act-4',
          'act-2',
        ]);
        expect(idsOf(await listed({ status: 'FAIL' }, before))).toEqual(['act-2']);
        expect(idsOf(await listed({ status: 'DOING' }, before))).toEqual(['act-3']);
        expect(idsOf(await listed({ status: 'SUCCESS' }, before))).toEqual(['act-4', 'act-1']);
        // From its settling time on, the DOING one is read as SUCCESS, ended then.
        const after = t0 + 3 * minute;
        expect(idsOf(await listed({ status: 'DOING' }, after))).toEqual([]);
        const succeeded = await listed({ status: 'SUCCESS' }, after);
        expect(idsOf(succeeded)).toEqual(['act-4', 'act-3', 'act-1']);
        expect(succeeded.activities[1]).toMatchObject({ status: 'SUCCESS', endTime: after });
        // Paging: the total counts every match, the page holds a slice.
        const second = await listed({}, before, 'group-1', { startNumber: 1, limit: 2 });
        expect([idsOf(second), second.total]).toEqual([['act-3', 'act-2'], 4]);
        const none = await listed({}, before, 'group-1', { startNumber: 0, limit: 0 });
        expect([idsOf(none), none.total]).toEqual([[], 4]);
      });

      it('writes the ends due down once, however often it runs', async () => {
        await store.resourceSession(async (tx) => {
          await tx.activities.insert(doing({ id: 'act-1', settlesAt: t0 + minute }));
          await tx.activities.insert(doing({ id: 'act-2', settlesAt: t0 + 2 * minute }));
          await tx.activities.insert(doing({ id: 'act-3', settlesAt: t0 + 5 * minute }));
          await tx.activities.insert(activity({ id: 'act-4', status: 'FAIL' }));
        });
        const now = t0 + 2 * minute;
        expect(await store.resourceSession((tx) => tx.activities.settleDue(now, 100))).toBe(2);
        expect(await store.resourceSession((tx) => tx.activities.settleDue(now, 100))).toBe(0);
        await store.resourceRead(async (tx) => {
          const first = await tx.activities.get('proj-a', 'act-1');
          expect(first).toMatchObject({ status: 'SUCCESS', endTime: t0 + minute });
          expect(first).not.toHaveProperty('settlesAt');
          expect(await tx.activities.get('proj-a', 'act-2')).toMatchObject({
            status: 'SUCCESS',
            endTime: t0 + 2 * minute,
          });
          expect(await tx.activities.get('proj-a', 'act-3')).toMatchObject({
            status: 'DOING',
            settlesAt: t0 + 5 * minute,
          });
          expect(await tx.activities.get('proj-a', 'act-4')).toMatchObject({ status: 'FAIL' });
        });
        // Written down or not, a list reads them alike.
        expect(idsOf(await listed({ status: 'SUCCESS' }, now))).toEqual(['act-2', 'act-1']);
        // The limit bounds one run.
        expect(
          await store.resourceSession((tx) => tx.activities.settleDue(t0 + 5 * minute, 1)),
        ).toBe(1);
      });
    });

    describe('sessions', () => {
      it('returns what the work returns, and reads see what sessions committed', async () => {
        expect(
          await store.resourceSession(async (tx) => {
            await tx.groups.insert(group());
            return 'done';
          }),
        ).toBe('done');
        expect((await store.resourceRead((tx) => tx.groups.get('proj-a', 'group-1')))?.id).toBe(
          'group-1',
        );
      });

      it('writes nothing when the work throws, whatever it wrote before', async () => {
        const failure = new Error('scaling failed half-way');
        await expect(
          store.resourceSession(async (tx) => {
            await tx.groups.insert(group());
            await tx.bandwidths.insert(bandwidth());
            await tx.policies.insert(policy({ nextFireAt: t0 }));
            await tx.logs.write([log()]);
            expect(await tx.executions.insert(execution())).toBe(true);
            throw failure;
          }),
        ).rejects.toBe(failure);
        await store.resourceRead(async (tx) => {
          expect(await tx.groups.get('proj-a', 'group-1')).toBeUndefined();
          expect(await tx.bandwidths.get('proj-a', 'bw-1')).toBeUndefined();
          expect(await tx.policies.get('proj-a', 'policy-1')).toBeUndefined();
          expect(await tx.policies.due(t0, 10)).toEqual([]);
          expect(await tx.logs.get('proj-a', log().id)).toBeUndefined();
          expect(await tx.executions.ofResource('SCALING_GROUP', 'group-1')).toBeUndefined();
          expect(await tx.executions.due(t0 + 10 * minute, 10)).toEqual([]);
        });
        expect(
          await store.queryLogs({
            projectId: 'proj-a',
            policyId: 'policy-1',
            startNumber: 0,
            limit: 20,
          }),
        ).toBeUndefined();
        // The same rows can be written afresh: nothing half-written is in the way.
        await store.resourceSession(async (tx) => {
          await tx.groups.insert(group());
          expect((await tx.logs.write([log()])).inserted).toBe(1);
          expect(await tx.executions.insert(execution())).toBe(true);
        });
      });
    });

    describe.skipIf(backend.name !== 'postgres')('concurrent servers (PostgreSQL)', () => {
      it('lets exactly one of several racing servers claim each due trigger', async () => {
        const count = 50;
        await store.resourceSession(async (tx) => {
          for (let i = 0; i < count; i += 1) {
            await tx.policies.insert(
              policy({
                id: `race-${String(i).padStart(2, '0')}`,
                projectId: i % 2 === 0 ? 'proj-a' : 'proj-b',
                // A few share a due time, as policies scheduled for the same minute do.
                nextFireAt: t0 - (i % 7) * minute,
              }),
            );
          }
        });
        const servers = await Promise.all([1, 2, 3].map(() => openStore(url)));
        const claims: string[][] = servers.map(() => []);
        try {
          // Two loops per server, each claiming in small batches until nothing is due.
          const drain = async (server: ResourceStore, mine: string[]) => {
            for (;;) {
              const claimed = await server.resourceSession(async (tx) => {
                const due = await tx.policies.due(t0, 5);
                const won: string[] = [];
                for (const d of due) {
                  if (await tx.policies.claimTrigger(d.policyId, d.dueAt, undefined))
                    won.push(d.policyId);
                }
                return { due: due.length, won };
              });
              mine.push(...claimed.won);
              if (claimed.due === 0) return;
            }
          };
          await Promise.all(
            servers.flatMap((server, i) => {
              const mine = claims[i] ?? [];
              return [drain(server, mine), drain(server, mine)];
            }),
          );
        } finally {
          for (const server of servers) await server.close();
        }
        const all = claims.flat();
        expect(all).toHaveLength(count);
        expect(new Set(all).size).toBe(count);
        expect(await store.resourceRead((tx) => tx.policies.due(t0 + 10 * minute, 100))).toEqual(
          [],
        );
      });

      it("holds a project's configurations: racing servers count one after the other", async () => {
        const quota = 5;
        const servers = await Promise.all([1, 2, 3].map(() => openStore(url)));
        try {
          // Each creates only while the project has fewer than `quota`, as the service does.
          const create = (server: ResourceStore, n: number) =>
            server.resourceSession(async (tx) => {
              await tx.configurations.lockProject('proj-a');
              if ((await tx.configurations.count('proj-a')) >= quota) return false;
              await tx.configurations.insert(configuration({ id: `race-${String(n)}` }));
              return true;
            });
          const made = await Promise.all(
            Array.from({ length: 15 }, (_, n) => create(servers[n % 3] ?? store, n)),
          );
          expect(made.filter(Boolean)).toHaveLength(quota);
        } finally {
          for (const server of servers) await server.close();
        }
        expect(await store.resourceRead((tx) => tx.configurations.count('proj-a'))).toBe(quota);
        // Another project's lock is another key: it does not wait for this one's.
        await store.resourceSession(async (tx) => {
          await tx.configurations.lockProject('proj-a');
          await store.resourceSession((other) => other.configurations.lockProject('proj-b'));
        });
      });

      it("holds a project's groups: racing servers count one after the other", async () => {
        const quota = 4;
        const servers = await Promise.all([1, 2, 3].map(() => openStore(url)));
        try {
          // Each creates only while the project has fewer than `quota`, as the service does.
          const create = (server: ResourceStore, n: number) =>
            server.resourceSession(async (tx) => {
              await tx.groups.lockProject('proj-a');
              if ((await tx.groups.count('proj-a')) >= quota) return false;
              await tx.groups.insert(group({ id: `race-${String(n)}` }));
              return true;
            });
          const made = await Promise.all(
            Array.from({ length: 15 }, (_, n) => create(servers[n % 3] ?? store, n)),
          );
          expect(made.filter(Boolean)).toHaveLength(quota);
        } finally {
          for (const server of servers) await server.close();
        }
        expect(await store.resourceRead((tx) => tx.groups.count('proj-a'))).toBe(quota);
        // Another project's lock, and the project's configurations lock, are other keys.
        await store.resourceSession(async (tx) => {
          await tx.groups.lockProject('proj-a');
          await store.resourceSession((other) => other.groups.lockProject('proj-b'));
          await store.resourceSession((other) => other.configurations.lockProject('proj-a'));
        });
      });

      it('holds a locked group until the session ends; the next locker sees its update', async () => {
        await store.resourceSession((tx) => tx.groups.insert(group()));
        const other = await openStore(url);
        const probe = new pg.Client({ connectionString: url });
        await probe.connect();
        const events: string[] = [];
        let release: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        let aLocked: () => void = () => undefined;
        const locked = new Promise<void>((resolve) => {
          aLocked = resolve;
        });
        /** Whether a session waits for a lock while holding one on this schema's groups. */
        const someoneWaits = async (): Promise<boolean> => {
          const { rows } = await probe.query<{ n: string }>(
            `select count(*) as n from pg_stat_activity
              where wait_event_type = 'Lock'
                and pid in (select pid from pg_locks where relation = 'scaling_groups'::regclass)`,
          );
          return rows[0]?.n !== '0';
        };
        try {
          const a = store.resourceSession(async (tx) => {
            const g = await tx.groups.lock('proj-a', 'group-1');
            events.push('A locked');
            aLocked();
            await gate;
            await tx.groups.update({ ...group(), desireInstances: (g?.desireInstances ?? 0) + 3 });
            events.push('A ends');
          });
          await Promise.race([locked, a]);
          const b = other.resourceSession(async (tx) => {
            const g = await tx.groups.lock('proj-a', 'group-1');
            events.push('B locked');
            return g;
          });
          const progress = { bDone: false };
          const markDone = () => {
            progress.bDone = true;
          };
          b.then(markDone, markDone);
          // Poll the database until B is seen blocked there (or, if the lock did not block it,
          // until B is done): no sleep, and B has surely reached the lock before A moves on.
          let waiting = false;
          for (let i = 0; i < 10_000 && !progress.bDone && !waiting; i += 1) {
            waiting = await someoneWaits();
          }
          events.push(waiting ? 'B waits' : 'B never waited');
          release();
          const [, seenByB] = await Promise.all([a, b]);
          expect(events).toEqual(['A locked', 'B waits', 'A ends', 'B locked']);
          expect(seenByB?.desireInstances).toBe(5);
        } finally {
          release();
          await probe.end();
          await other.close();
        }
      });
    });
  });
}
