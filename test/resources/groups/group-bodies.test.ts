import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, project } from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';

/**
 * Scaling group bodies with several faults at once get the error of the first field the
 * cloud checks, and `null` reads as the cloud reads it: absent for the body's own fields
 * only.
 */

const groupsUrl = `/autoscaling-api/v1/${project}/scaling_group`;
const json = { 'content-type': 'application/json' };

const minimalGroup = {
  scaling_group_name: 'web_tier-1',
  vpc_id: 'a8327883-6b07-4497-9c61-68d03ee193a1',
  networks: [{ id: '3cd35bca-5a10-416f-8994-f79169559870' }],
};

const updateFields =
  'scaling_group_name, desire_instance_number, min_instance_number, max_instance_number, cool_down_time, scaling_configuration_id, lb_listener_id, lbaas_listeners, available_zones, networks, security_groups, health_periodic_audit_method, health_periodic_audit_time, health_periodic_audit_grace_period, instance_terminate_policy, notifications, delete_publicip, delete_volume, enterprise_project_id, multi_az_priority_policy, iam_agency_name, description';
const createFields = updateFields
  .replace('security_groups, ', 'security_groups, vpc_id, ')
  .concat(', tags');

const send = (api: TestApi, method: 'POST' | 'PUT' | 'GET', url: string, body?: unknown) =>
  api.inject({
    method,
    url,
    ...(body === undefined ? {} : { headers: json, payload: JSON.stringify(body) }),
  });

async function createGroup(api: TestApi, body: Record<string, unknown>): Promise<string> {
  const res = await send(api, 'POST', groupsUrl, body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ scaling_group_id: string }>().scaling_group_id;
}

async function showGroup(api: TestApi, id: string): Promise<Record<string, unknown>> {
  const res = await send(api, 'GET', `${groupsUrl}/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ scaling_group: Record<string, unknown> }>().scaling_group;
}

const nameNull =
  'The name of the AS group is null. Give scaling_group_name: 1 to 64 letters, digits, underscores or hyphens.';

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`scaling group bodies: ${backend.name}`, () => {
    it.each([
      [
        'a bad name and an unknown field: the unknown field',
        { scaling_group_name: 'web tier', colour: 'blue' },
        'AS.0022',
        `Unsupported parameter "colour" in a scaling group; accepted: ${createFields}.`,
      ],
      [
        'a VPC that is not a string, no networks and a bad min: the VPC',
        { vpc_id: 5, networks: undefined, min_instance_number: -1 },
        'AS.0022',
        'Request body error vpc_id must be a string.',
      ],
      [
        'no networks and a bad min: the networks',
        { networks: undefined, min_instance_number: -1 },
        'AS.2013',
        'Parameter networks in the AS group is invalid. Give networks: 1 to 5 objects such as {"id":"<subnet id>"}.',
      ],
      [
        'empty networks and a bad min: the min, numbers before networks',
        { networks: [], min_instance_number: -1 },
        'AS.2004',
        'Invalid min or max number of instances in the AS group. Got min_instance_number -1: expected an integer from 0 to 300.',
      ],
      [
        'a bad desire and a bad max: the max, checked before desire',
        { desire_instance_number: 1.5, max_instance_number: 'x' },
        'AS.2004',
        'Invalid min or max number of instances in the AS group. Got max_instance_number "x": expected an integer from 0 to 300.',
      ],
      [
        'a bad description and a bad audit method: the audit method',
        { description: 5, health_periodic_audit_method: 'PING' },
        'AS.2029',
        'Invalid health check method of the AS group. Got "\\"PING\\"": expected ELB_AUDIT or NOVA_AUDIT.',
      ],
      [
        'six networks with bad ones among them: too many',
        { networks: [{ id: 'a' }, {}, {}, {}, {}, {}] },
        'AS.2024',
        'The number of subnets in the AS group exceeds the upper limit. Got 6 networks: at most 5.',
      ],
      [
        'a network whose id is null: that network as sent',
        { networks: [{ id: 'a' }, { id: null, name: 'x' }] },
        'AS.2013',
        'Parameter networks in the AS group is invalid. Got {"id":null,"name":"x"}: each network is an object with a subnet "id".',
      ],
      [
        'two security groups, one not an object: the type',
        { security_groups: [{}, 5] },
        'AS.0022',
        'Request body error security_groups must be an array of objects, not [{},5].',
      ],
      [
        'min above max and a bad cooldown: the bounds, the cooldown last',
        { min_instance_number: 3, max_instance_number: 2, cool_down_time: -1 },
        'AS.2004',
        'Invalid min or max number of instances in the AS group. min_instance_number 3 is greater than max_instance_number 2.',
      ],
      [
        'both listener kinds and min above max: the listeners',
        {
          lb_listener_id: 'l',
          lbaas_listeners: [{}],
          min_instance_number: 3,
          max_instance_number: 2,
        },
        'AS.2026',
        'The type of listeners in the AS group is not unique. Give lb_listener_id or lbaas_listeners, not both.',
      ],
      [
        'desire above max and bad tags: the tags, fields before the bounds',
        { max_instance_number: 1, desire_instance_number: 2, tags: 'x' },
        'AS.0022',
        'Request body error tags must be an array of objects, not "x".',
      ],
      [
        'an empty name and a long description: the name, as if absent',
        { scaling_group_name: '', description: 'x'.repeat(300) },
        'AS.2002',
        nameNull,
      ],
      [
        'a long name with bad characters: too long',
        { scaling_group_name: 'a b'.repeat(30) },
        'AS.2003',
        'The AS group name is too long. Got "a ba ba ba ba ba ba ba ba ba ba ba ba ba ba ba ba ba ba ba ba ba ba ba ba ba ba …": at most 64 characters.',
      ],
      [
        'a name that is a number',
        { scaling_group_name: 5 },
        'AS.2022',
        'The AS group name contains invalid characters. Got "5": use letters, digits, underscores, hyphens or Chinese characters.',
      ],
      [
        'a description of 129 characters outside the BMP (258 UTF-16 units)',
        { description: '😀'.repeat(129) },
        'AS.0022',
        'Request body error description is at most 256 characters.',
      ],
      ['a null name', { scaling_group_name: null }, 'AS.2002', nameNull],
      [
        'null networks and a null VPC: the VPC',
        { networks: null, vpc_id: null },
        'AS.2017',
        "The ID of the VPC in the AS group is null. Give vpc_id, the VPC the group's instances live in.",
      ],
      [
        'unknown fields set to null: refused all the same',
        { colour: null, size: 3 },
        'AS.0022',
        `Unsupported parameters "colour", "size" in a scaling group; accepted: ${createFields}.`,
      ],
    ])('create: %s', async (_case, change, code, message) => {
      const api = await openTestApi(backend);
      const body: Record<string, unknown> = { ...minimalGroup, ...change };
      for (const [k, v] of Object.entries(body))
        if (v === undefined) Reflect.deleteProperty(body, k);
      expect(expectAsError(await send(api, 'POST', groupsUrl, body), 400, code)).toBe(message);
      const list = await send(api, 'GET', groupsUrl);
      expect(list.json<{ total_number: number }>().total_number).toBe(0);
    });

    it('create: reads null fields as absent, and keeps the nulls inside the fields it keeps', async () => {
      const api = await openTestApi(backend);
      const id = await createGroup(api, {
        ...minimalGroup,
        min_instance_number: null,
        desire_instance_number: null,
        cool_down_time: null,
        description: null,
        lbaas_listeners: [{ pool_id: 'p-1', weight: null }],
        tags: [{ key: 'team', value: null }],
      });
      expect(await showGroup(api, id)).toMatchObject({
        min_instance_number: 0,
        desire_instance_number: 0,
        cool_down_time: 300,
        description: null,
        lbaas_listeners: [{ pool_id: 'p-1', weight: null }],
        tags: [{ key: 'team', value: null }],
      });
      // 128 characters outside the BMP are 256 UTF-16 units: the longest description.
      await createGroup(api, { ...minimalGroup, description: '😀'.repeat(128) });
    });

    it('update: checks the rules on the group as the body leaves it, before the cooldown', async () => {
      const api = await openTestApi(backend);
      const id = await createGroup(api, {
        ...minimalGroup,
        lb_listener_id: 'l-1',
        min_instance_number: 1,
        max_instance_number: 5,
      });
      const put = (body: unknown) => send(api, 'PUT', `${groupsUrl}/${id}`, body);
      expect(
        expectAsError(await put({ lbaas_listeners: [{}], cool_down_time: -1 }), 400, 'AS.2026'),
      ).toBe(
        'The type of listeners in the AS group is not unique. Give lb_listener_id or lbaas_listeners, not both.',
      );
      expect(
        expectAsError(
          await put({ max_instance_number: 0, cool_down_time: 86_401 }),
          400,
          'AS.2004',
        ),
      ).toBe(
        'Invalid min or max number of instances in the AS group. min_instance_number 1 is greater than max_instance_number 0.',
      );
      expect(expectAsError(await put({ desire_instance_number: 6 }), 400, 'AS.2005')).toBe(
        'The expected number cannot be less than the minimum number of instances or greater than the maximum number of instances. desire_instance_number 6 is outside [1, 5].',
      );
      expect(expectAsError(await put({ scaling_group_name: '' }), 400, 'AS.2002')).toBe(nameNull);
      expect(
        expectAsError(await put({ scaling_group_name: null, vpc_id: null }), 400, 'AS.0022'),
      ).toBe(
        `Unsupported parameter "vpc_id" in a scaling group update; accepted: ${updateFields}.`,
      );
      expect(expectAsError(await put({ tags: [], colour: 1 }), 400, 'AS.0022')).toBe(
        `Unsupported parameters "tags", "colour" in a scaling group update; accepted: ${updateFields}.`,
      );
      const ok = await put({
        scaling_group_name: null,
        min_instance_number: null,
        cool_down_time: null,
        description: 'd',
      });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(await showGroup(api, id)).toMatchObject({
        scaling_group_name: 'web_tier-1',
        min_instance_number: 1,
        max_instance_number: 5,
        desire_instance_number: 1,
        cool_down_time: 300,
        lb_listener_id: 'l-1',
        description: 'd',
      });
    });
  });
}
