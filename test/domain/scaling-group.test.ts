import { describe, expect, it } from 'vitest';
import { isScaling, setDesiredInstances } from '../../src/domain/scaling-group.js';
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
  coolDownSeconds: 300,
  createTime: 0,
  attributes: {},
  ...fields,
});

describe('setDesiredInstances', () => {
  it('scales the group until the change settles', () => {
    const changed = setDesiredInstances(group(), 5, 1_000, settleMs);
    expect(changed).toMatchObject({ desireInstances: 5, settlesAt: 61_000 });
    expect(isScaling(changed, 60_999)).toBe(true);
    expect(isScaling(changed, 61_000)).toBe(false);
  });

  it('a new change while one is under way settles from the new one', () => {
    const moving = group({ desireInstances: 5, settlesAt: 61_000 });
    const changed = setDesiredInstances(moving, 1, 30_000, settleMs);
    expect(changed).toMatchObject({ desireInstances: 1, settlesAt: 90_000 });
  });

  it('returns the group as it is for the desired number it already has', () => {
    const moving = group({ desireInstances: 5, settlesAt: 61_000 });
    expect(setDesiredInstances(moving, 5, 30_000, settleMs)).toBe(moving);
    expect(setDesiredInstances(group(), 2, 30_000, settleMs)).toEqual(group());
  });

  it('starts the change even for the same number when a policy execution asks', () => {
    const empty = group({ desireInstances: 0 });
    const changed = setDesiredInstances(empty, 0, 1_000, settleMs, { evenIfUnchanged: true });
    expect(changed).toMatchObject({ desireInstances: 0, settlesAt: 61_000 });
    expect(isScaling(changed, 60_999)).toBe(true);
    expect(isScaling(changed, 61_000)).toBe(false);
  });
});
