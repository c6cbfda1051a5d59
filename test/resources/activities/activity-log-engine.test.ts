import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import { openTestApi, project, uuidPattern } from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';

const json = { 'content-type': 'application/json' };
const v1 = `/autoscaling-api/v1/${project}`;
const settle = 60_000;

async function post(api: TestApi, url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await api.inject({
    method: 'POST',
    url,
    headers: json,
    payload: JSON.stringify(body),
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.body === '' ? {} : res.json<Record<string, unknown>>();
}

async function get<T>(api: TestApi, url: string): Promise<T> {
  const res = await api.inject({ url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<T>();
}

interface Page<E> {
  total_number: number;
  scaling_activity_log: E[];
}

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(
    `activity logs of the engine's changes on ${backend.name}`,
    () => {
      it('shows the activity a resumed group records, DOING until its instances settle', async () => {
        const api = await openTestApi(backend, { config: { instanceSettleMs: settle } });
        const config = await post(api, `${v1}/scaling_configuration`, {
          scaling_configuration_name: 'web-cfg',
          instance_config: {
            flavorRef: 's3.xlarge.4',
            imageRef: 'img-1',
            disk: [{ size: 40, volume_type: 'SATA', disk_type: 'SYS' }],
            key_name: 'kp',
          },
        });
        const created = await post(api, `${v1}/scaling_group`, {
          scaling_group_name: 'web',
          scaling_configuration_id: config['scaling_configuration_id'],
          vpc_id: 'a8327883-6b07-4497-9c61-68d03ee193a1',
          networks: [{ id: '3cd35bca-5a10-416f-8994-f79169559870' }],
          min_instance_number: 0,
          max_instance_number: 5,
          desire_instance_number: 2,
        });
        const groupId = String(created['scaling_group_id']);
        await post(api, `${v1}/scaling_group/${groupId}/action`, { action: 'resume' });

        const url = (version: string) =>
          `/autoscaling-api/${version}/${project}/scaling_activity_log/${groupId}`;
        const instances = await get<{
          scaling_group_instances: { instance_id: string; instance_name: string }[];
        }>(api, `${v1}/scaling_group_instance/${groupId}/list`);
        const names = instances.scaling_group_instances.map((i) => i.instance_name);
        expect(names).toHaveLength(2);

        const doing = await get<Page<Record<string, unknown>>>(api, url('v2'));
        expect(doing.total_number).toBe(1);
        const entry = doing.scaling_activity_log[0] ?? {};
        expect(entry['id']).toMatch(uuidPattern);
        expect(entry).toMatchObject({ status: 'DOING', desire_value: 2, scaling_value: 2 });
        expect(entry).not.toHaveProperty('end_time');
        const added = entry['instance_added_list'] as Record<string, unknown>[];
        expect(added.map((i) => i['instance_name']).sort()).toEqual([...names].sort());
        expect(added.map((i) => i['instance_id']).sort()).toEqual(
          instances.scaling_group_instances.map((i) => i.instance_id).sort(),
        );
        const v1Doing = await get<Page<Record<string, unknown>>>(api, url('v1'));
        expect(v1Doing.scaling_activity_log[0]).toMatchObject({ status: 'DOING', end_time: null });
        expect(
          String(v1Doing.scaling_activity_log[0]?.['instance_added_list']).split(',').sort(),
        ).toEqual([...names].sort());
        // Its description is the cloud's JSON text of the change.
        const description = JSON.parse(String(entry['description'])) as {
          reason: { change_reason: string; new_value: number }[];
        };
        expect(description.reason[0]).toMatchObject({ change_reason: 'DIFF', new_value: 2 });

        api.clock.advance(settle);
        const done = await get<Page<Record<string, unknown>>>(api, `${url('v2')}?status=SUCCESS`);
        expect(done.total_number).toBe(1);
        expect(done.scaling_activity_log[0]).toMatchObject({ id: entry['id'], status: 'SUCCESS' });
        expect(done.scaling_activity_log[0]).toHaveProperty('end_time');
        // Found by its id, as the SDK's log_id asks.
        const byId = await get<Page<unknown>>(api, `${url('v2')}?log_id=${String(entry['id'])}`);
        expect(byId.total_number).toBe(1);
      });
    },
  );
}
