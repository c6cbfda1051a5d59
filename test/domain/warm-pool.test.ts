import { describe, expect, it } from 'vitest';
import type { ScalingGroup } from '../../src/domain/scaling-group.js';
import {
  pooledInstanceStatus,
  takeOrder,
  warmPoolTarget,
  withWarmPoolNote,
} from '../../src/domain/warm-pool.js';
import type { PooledInstance, WarmPool } from '../../src/domain/warm-pool.js';

const t0 = 1_700_000_000_000;

const group = (maxInstances: number, desireInstances: number): ScalingGroup => ({
  id: 'g',
  projectId: 'p',
  name: 'web',
  status: 'INSERVICE',
  minInstances: 0,
  maxInstances,
  desireInstances,
  coolDownSeconds: 0,
  createTime: t0,
  attributes: {},
});

const pool = (capacity?: number): WarmPool => ({
  projectId: 'p',
  groupId: 'g',
  ...(capacity === undefined ? {} : { capacity }),
  instanceInitWaitSeconds: 0,
  status: 'ACTIVE',
  createTime: t0,
});

const pooled = (id: string, readyAt: number, createTime = t0): PooledInstance => ({
  id,
  serverId: `s-${id}`,
  projectId: 'p',
  groupId: 'g',
  name: id,
  configurationId: 'c',
  configurationName: 'cfg',
  createTime,
  readyAt,
});

describe('warm pool rules', () => {
  it("sizes the pool: the capacity set, at most the group's maximum, else maximum less desired", () => {
    expect(warmPoolTarget(pool(2), group(5, 4))).toBe(2);
    expect(warmPoolTarget(pool(4), group(3, 0))).toBe(3);
    expect(warmPoolTarget(pool(), group(5, 2))).toBe(3);
    expect(warmPoolTarget(pool(), group(2, 2))).toBe(0);
  });

  it('reads a pool instance INITIALIZING until its ready time, READY from it', () => {
    expect(pooledInstanceStatus(pooled('a', t0 + 10), t0 + 9)).toBe('INITIALIZING');
    expect(pooledInstanceStatus(pooled('a', t0 + 10), t0 + 10)).toBe('READY');
  });

  it('takes READY instances first, then the soonest ready, then the oldest, then by id', () => {
    const order = takeOrder(
      [
        pooled('late', t0 + 50),
        pooled('soon', t0 + 20),
        pooled('b', t0, t0 - 5),
        pooled('a', t0, t0 - 5),
        pooled('old', t0 - 10, t0 - 100),
      ],
      t0,
    );
    expect(order.map((i) => i.id)).toEqual(['old', 'a', 'b', 'soon', 'late']);
  });

  it('notes how many instances came from the pool in the JSON reasons or as a sentence', () => {
    const reasons = JSON.stringify({ reason: [{ change_reason: 'MANUAL' }] });
    expect(JSON.parse(withWarmPoolNote(reasons, 2))).toEqual({
      reason: [{ change_reason: 'MANUAL' }],
      warm_pool_instance_number: 2,
    });
    expect(withWarmPoolNote(reasons, 0)).toBe(reasons);
    expect(withWarmPoolNote('Resumed.', 1)).toBe('Resumed. 1 instance came from the warm pool.');
    expect(withWarmPoolNote('', 3)).toBe('3 instances came from the warm pool.');
  });
});
