import { describe, expect, it } from 'vitest';
import {
  currentInstances,
  isScaling,
  setDesiredInstances,
} from '../../src/domain/scaling-group.js';
import type { ScalingGroup } from '../../src/domain/scaling-group.js';

const settleMs = 60_000;

const group = (fields: Partial<ScalingGroup> = {}): ScalingGroup => ({
  id: 'g',
  projectId: 'p',
  name: 'web',
  status: 'INSERVICE',
  minInstances: 0,
  maxInstances: 10,
  desireInstances: 2,
  previousInstances: 2,
  coolDownSeconds: 300,
  createTime: 0,
  attributes: {},
  ...fields,
});

describe('setDesiredInstances', () => {
  it('keeps the instances the group has now until the change settles', () => {
    const changed = setDesiredInstances(group(), 5, 1_000, settleMs);
    expect(changed).toMatchObject({ desireInstances: 5, previousInstances: 2, settlesAt: 61_000 });
    expect(currentInstances(changed, 60_999)).toBe(2);
    expect(currentInstances(changed, 61_000)).toBe(5);
  });

  it('starts a change from where an unsettled one stands, not from where it was going', () => {
    const moving = group({ desireInstances: 5, previousInstances: 2, settlesAt: 61_000 });
    const changed = setDesiredInstances(moving, 1, 30_000, settleMs);
    expect(changed).toMatchObject({ desireInstances: 1, previousInstances: 2, settlesAt: 90_000 });
    const settled = setDesiredInstances(moving, 1, 61_000, settleMs);
    expect(settled).toMatchObject({ desireInstances: 1, previousInstances: 5 });
  });

  it('returns the group as it is for the desired number it already has', () => {
    const moving = group({ desireInstances: 5, previousInstances: 2, settlesAt: 61_000 });
    expect(setDesiredInstances(moving, 5, 30_000, settleMs)).toBe(moving);
    expect(setDesiredInstances(group(), 2, 30_000, settleMs)).toEqual(group());
  });

  it('starts the change even for the same number when a policy execution asks', () => {
    const empty = group({ desireInstances: 0, previousInstances: 0 });
    const changed = setDesiredInstances(empty, 0, 1_000, settleMs, { evenIfUnchanged: true });
    expect(changed).toMatchObject({ desireInstances: 0, previousInstances: 0, settlesAt: 61_000 });
    expect(isScaling(changed, 60_999)).toBe(true);
    expect(isScaling(changed, 61_000)).toBe(false);
  });
});
