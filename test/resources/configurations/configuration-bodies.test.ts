import { describe, expect, it } from 'vitest';
import { expectAsError, openTestApi, project, sqliteBackend } from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';

// Body checks do not depend on the store: they run on SQLite only.

const url = `/autoscaling-api/v1/${project}/scaling_configuration`;
const batchUrl = `/autoscaling-api/v1/${project}/scaling_configurations`;

const instance = {
  flavorRef: 's3.xlarge.4',
  imageRef: 'img-1',
  disk: [{ size: 40, volume_type: 'SATA', disk_type: 'SYS' }],
  key_name: 'kp',
};
const valid = { scaling_configuration_name: 'cfg-1', instance_config: instance };

/** The valid body with `instance_config` changed by `fields` (undefined removes a field). */
const withInstance = (fields: Record<string, unknown>) => ({
  ...valid,
  instance_config: Object.fromEntries(
    Object.entries<unknown>({ ...instance, ...fields }).filter(([, v]) => v !== undefined),
  ),
});

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const eip = (bandwidth: Record<string, unknown>, ipType = '5_bgp') => ({
  public_ip: { eip: { ip_type: ipType, bandwidth } },
});
const perBandwidth = { size: 10, share_type: 'PER', charging_mode: 'traffic' };

async function post(api: TestApi, body: unknown, to = url) {
  return api.inject({
    method: 'POST',
    url: to,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
}

/** [what, body, code, a part of the message] */
const createFaults: readonly (readonly [string, unknown, string, string?])[] = [
  ['no name', { instance_config: instance }, 'AS.1007'],
  ['a null name', { ...valid, scaling_configuration_name: null }, 'AS.1007'],
  ['an empty name', { ...valid, scaling_configuration_name: '' }, 'AS.1007'],
  ['a name too long', { ...valid, scaling_configuration_name: 'a'.repeat(65) }, 'AS.1008'],
  ['a name with a space', { ...valid, scaling_configuration_name: 'a b' }, 'AS.1023'],
  ['a name not a string', { ...valid, scaling_configuration_name: 7 }, 'AS.1023'],
  ['no instance_config', { scaling_configuration_name: 'c' }, 'AS.1011'],
  ['instance_config not an object', { ...valid, instance_config: [] }, 'AS.0022'],
  ['an unknown field', { ...valid, extra: 1 }, 'AS.0022', '"extra"'],
  ['an unknown instance field', withInstance({ flavor: 'x' }), 'AS.0022', '"flavor"'],
  ['no flavorRef', withInstance({ flavorRef: undefined }), 'AS.1016'],
  ['an empty flavorRef', withInstance({ flavorRef: '' }), 'AS.1016'],
  ['11 flavors', withInstance({ flavorRef: Array(11).fill('f').join(',') }), 'AS.1087'],
  ['no imageRef', withInstance({ imageRef: undefined }), 'AS.1014'],
  ['an empty imageRef', withInstance({ imageRef: '' }), 'AS.1014'],
  ['an imageRef too long', withInstance({ imageRef: 'i'.repeat(256) }), 'AS.1075'],
  ['no disk', withInstance({ disk: undefined }), 'AS.1028'],
  ['an empty disk list', withInstance({ disk: [] }), 'AS.1028'],
  [
    '25 disks',
    withInstance({
      disk: [
        { size: 40, volume_type: 'SATA', disk_type: 'SYS' },
        ...Array.from({ length: 24 }, () => ({ size: 10, volume_type: 'SATA', disk_type: 'DATA' })),
      ],
    }),
    'AS.1032',
  ],
  ['two system disks', withInstance({ disk: [instance.disk[0], instance.disk[0]] }), 'AS.1029'],
  [
    'no system disk',
    withInstance({ disk: [{ size: 10, volume_type: 'SATA', disk_type: 'DATA' }] }),
    'AS.1029',
  ],
  [
    'a system disk over 1024 GB',
    withInstance({ disk: [{ size: 1025, volume_type: 'SATA', disk_type: 'SYS' }] }),
    'AS.1031',
    'instance_config.disk[0].size',
  ],
  [
    'a data disk under 10 GB',
    withInstance({
      disk: [instance.disk[0], { size: 9, volume_type: 'SATA', disk_type: 'DATA' }],
    }),
    'AS.1031',
    'instance_config.disk[1].size',
  ],
  [
    'a disk without size',
    withInstance({ disk: [{ volume_type: 'SATA', disk_type: 'SYS' }] }),
    'AS.1031',
  ],
  [
    'a bad volume_type',
    withInstance({ disk: [{ size: 40, volume_type: 'HDD', disk_type: 'SYS' }] }),
    'AS.1033',
  ],
  [
    'a bad disk_type',
    withInstance({ disk: [{ size: 40, volume_type: 'SATA', disk_type: 'ROOT' }] }),
    'AS.1034',
  ],
  ['a key name too long', withInstance({ key_name: 'k'.repeat(65) }), 'AS.1050'],
  ['no login mode', withInstance({ key_name: undefined }), 'AS.1026'],
  ['a key and a password', withInstance({ metadata: { admin_pass: 'Cloud_1234' } }), 'AS.1025'],
  [
    'a short password',
    withInstance({ key_name: undefined, metadata: { admin_pass: 'Ab1_' } }),
    'AS.1035',
  ],
  [
    'a password of two kinds of character',
    withInstance({ key_name: undefined, metadata: { admin_pass: 'abcdefgh12' } }),
    'AS.1035',
  ],
  [
    'a password with the administrator name reversed',
    withInstance({ key_name: undefined, metadata: { admin_pass: 'Toor_12345' } }),
    'AS.1035',
  ],
  ['a metadata key with a period', withInstance({ metadata: { 'a.b': 'x' } }), 'AS.1052'],
  ['a metadata value too long', withInstance({ metadata: { a: 'x'.repeat(513) } }), 'AS.1052'],
  [
    'six files',
    withInstance({ personality: Array(6).fill({ path: '/a', content: '' }) }),
    'AS.1027',
  ],
  [
    'a file not in base64',
    withInstance({ personality: [{ path: '/a', content: 'not base64!' }] }),
    'AS.1027',
  ],
  [
    'a file over 1 KB',
    withInstance({ personality: [{ path: '/a', content: b64('x'.repeat(1025)) }] }),
    'AS.1027',
  ],
  ['a file without path', withInstance({ personality: [{ content: b64('x') }] }), 'AS.1027'],
  ['user_data not in base64', withInstance({ user_data: '#!/bin/bash' }), 'AS.1049'],
  ['user_data over 32 KB', withInstance({ user_data: b64('x'.repeat(32 * 1024 + 1)) }), 'AS.1049'],
  ['public_ip without eip', withInstance({ public_ip: {} }), 'AS.1041'],
  ['a bad ip_type', withInstance(eip(perBandwidth, '6_bgp')), 'AS.1043'],
  ['a bandwidth of 501', withInstance(eip({ ...perBandwidth, size: 501 })), 'AS.1042'],
  [
    'a PER bandwidth without size',
    withInstance(eip({ ...perBandwidth, size: undefined })),
    'AS.1046',
  ],
  ['a bad share_type', withInstance(eip({ ...perBandwidth, share_type: 'ALL' })), 'AS.1045'],
  ['a WHOLE bandwidth without id', withInstance(eip({ share_type: 'WHOLE' })), 'AS.1045'],
  ['a bad charging_mode', withInstance(eip({ ...perBandwidth, charging_mode: 'time' })), 'AS.1044'],
  [
    'a bad multi-flavor policy',
    withInstance({ multi_flavor_priority_policy: 'RANDOM' }),
    'AS.1085',
  ],
  ['a bad tenancy', withInstance({ tenancy: 'shared' }), 'AS.0022', 'tenancy'],
  ['a bad market_type', withInstance({ market_type: 'ondemand' }), 'AS.0022', 'market_type'],
  ['a bad hw_cpu_threads', withInstance({ cpu_options: { hw_cpu_threads: 3 } }), 'AS.0022'],
  ['a security group without id', withInstance({ security_groups: [{}] }), 'AS.0022'],
];

describe('scaling configuration bodies', () => {
  for (const [what, body, code, part] of createFaults) {
    it(`refuses ${what}`, async () => {
      const api = await openTestApi(sqliteBackend);
      const message = expectAsError(await post(api, body), 400, code);
      if (part !== undefined) expect(message).toContain(part);
    });
  }

  it('takes the reference example and the accepted edge values', async () => {
    const api = await openTestApi(sqliteBackend);
    for (const body of [
      valid,
      withInstance({ key_name: undefined, metadata: { admin_pass: 'Cloud_1234' } }),
      withInstance({ flavorRef: Array(10).fill('f').join(',') }),
      withInstance({ disk: [{ size: 1024, volume_type: 'co-p1', disk_type: 'SYS' }] }),
      withInstance({ personality: [{ path: '/a', content: b64('x'.repeat(1024)) }] }),
      withInstance(eip({ share_type: 'WHOLE', id: 'bw-1' }, '5_sbgp')),
      // null counts as absent, as the SDKs send unset fields.
      withInstance({ user_data: null, public_ip: null }),
    ]) {
      const res = await post(api, body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(200);
    }
  });

  it('answers the first fault in the documented order when there are several', async () => {
    const api = await openTestApi(sqliteBackend);
    // The name is checked before instance_config.
    const nameFirst = { scaling_configuration_name: 'a b', instance_config: { flavorRef: '' } };
    expectAsError(await post(api, nameFirst), 400, 'AS.1023');
    // Within instance_config: the flavor before the image before the disks.
    const flavorFirst = withInstance({ flavorRef: '', imageRef: '', disk: [] });
    expectAsError(await post(api, flavorFirst), 400, 'AS.1016');
    const imageNext = withInstance({ imageRef: '', disk: [] });
    expectAsError(await post(api, imageNext), 400, 'AS.1014');
    // A fault in form before a missing field: a bad disk before no flavor.
    const formFirst = withInstance({
      flavorRef: undefined,
      disk: [{ size: 40, volume_type: 'HDD', disk_type: 'SYS' }],
    });
    expectAsError(await post(api, formFirst), 400, 'AS.1033');
    // Missing fields before the login mode.
    const missingFirst = withInstance({ imageRef: undefined, key_name: undefined });
    expectAsError(await post(api, missingFirst), 400, 'AS.1014');
    // The disk's own fields in order: size, then volume_type, then disk_type.
    const diskOrder = withInstance({
      disk: [{ size: 0, volume_type: 'HDD', disk_type: 'ROOT' }],
    });
    expectAsError(await post(api, diskOrder), 400, 'AS.1031');
    // Unknown fields are told before any field's fault.
    expectAsError(await post(api, { ...nameFirst, extra: true }), 400, 'AS.0022');
  });

  it('checks batch delete bodies: AS.1040, AS.1039, AS.1003', async () => {
    const api = await openTestApi(sqliteBackend);
    const cases: readonly (readonly [unknown, string])[] = [
      [{}, 'AS.1040'],
      [{ scaling_configuration_id: [] }, 'AS.1040'],
      [{ scaling_configuration_id: null }, 'AS.1040'],
      [
        { scaling_configuration_id: Array.from({ length: 51 }, (_, i) => `c${String(i)}`) },
        'AS.1039',
      ],
      [{ scaling_configuration_id: ['a', ''] }, 'AS.1003'],
      [{ scaling_configuration_id: 'a' }, 'AS.0022'],
      [{ scaling_configuration_id: [1] }, 'AS.0022'],
      [{ scaling_configuration_id: ['a'], extra: 1 }, 'AS.0022'],
    ];
    for (const [body, code] of cases) {
      expectAsError(await post(api, body, batchUrl), 400, code);
    }
    // 50 unknown ids pass the body check and reach the batch: AS.1038.
    const fifty = {
      scaling_configuration_id: Array.from({ length: 50 }, (_, i) => `c${String(i)}`),
    };
    expectAsError(await post(api, fifty, batchUrl), 400, 'AS.1038');
  });

  it('answers an absent or null body as every operation does', async () => {
    const api = await openTestApi(sqliteBackend);
    const res = await api.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: 'null',
    });
    expectAsError(res, 400, 'AS.0002');
  });
});
