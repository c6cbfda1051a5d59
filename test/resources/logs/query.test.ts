import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import {
  expectAsError,
  getPage,
  groupId,
  logsPath,
  openTestApi,
  pageIds,
  policy,
  project,
  uuid,
  wireLog,
} from '../../support/api-harness.js';
import type { LogPageBody, WireLogInput } from '../../support/api-harness.js';

/** The "Example response" of the seed page (contract §2), verbatim. */
const documentedExample = JSON.parse(
  readFileSync(new URL('./fixtures/documented-example-response.json', import.meta.url), 'utf8'),
) as LogPageBody;

const bandwidthId = '2a2d3e73-7ef6-40b3-a8fa-514b68eccab8';
const otherGroupId = '3b3d3e73-7ef6-40b3-a8fa-514b68eccac9';

/** Five logs of one policy, an hour apart, each different in one filterable field. */
const fiveLogs: readonly WireLogInput[] = [
  wireLog(1, { execute_time: '2024-01-01T00:00:00Z', execute_type: 'RECURRENCE' }),
  wireLog(2, {
    execute_time: '2024-01-01T01:00:00Z',
    execute_type: 'SCHEDULED',
    scaling_resource_type: 'BANDWIDTH',
    scaling_resource_id: bandwidthId,
    type: 'REDUCE',
    meta_data: {
      metadata_bandwidth_share_type: 'PER',
      metadata_eip_id: 'eip-1',
      metadataeip_address: '192.0.2.10',
    },
  }),
  wireLog(3, {
    execute_time: '2024-01-01T02:00:00Z',
    execute_type: 'ALARM',
    scaling_resource_id: otherGroupId,
  }),
  wireLog(4, { execute_time: '2024-01-01T03:00:00Z', execute_type: 'MANUAL' }),
  wireLog(5, { execute_time: '2024-01-01T04:00:00Z', execute_type: 'INTERVAL_ALARM' }),
];
const [id1, id2, id3, id4, id5] = [1, 2, 3, 4, 5].map(uuid);

interface ParameterCase {
  readonly param: string;
  readonly valid: string;
  /** Ids the valid value selects from {@link fiveLogs}, in response order. */
  readonly selects: readonly (string | undefined)[];
  readonly invalid: readonly string[];
  readonly code: string;
}

/** Contract §1, one row per parameter. */
const parameterCases: readonly ParameterCase[] = [
  {
    param: 'log_id',
    valid: uuid(3),
    selects: [id3],
    invalid: ['nope', 'B86E4175-30CB-4B1E-A332-83F9EE472C58', `${uuid(3)}0`, ''],
    code: 'AS.9010',
  },
  {
    param: 'scaling_resource_type',
    valid: 'BANDWIDTH',
    selects: [id2],
    invalid: ['GROUP', 'bandwidth', ''],
    code: 'AS.0022',
  },
  {
    param: 'scaling_resource_id',
    valid: otherGroupId,
    selects: [id3],
    invalid: ['group-1', otherGroupId.toUpperCase(), ''],
    code: 'AS.9011',
  },
  {
    param: 'execute_type',
    valid: 'MANUAL',
    selects: [id4],
    invalid: ['CRON', 'manual', ''],
    code: 'AS.0022',
  },
  {
    param: 'start_time',
    valid: '2024-01-01T03:00:00Z',
    selects: [id5, id4],
    invalid: [
      '2024-01-01 03:00:00',
      '2024-01-01T03:00:00.000Z',
      '2024-01-01T03:00:00+08:00',
      '2024-02-30T00:00:00Z',
      '',
    ],
    code: 'AS.9007',
  },
  {
    param: 'end_time',
    valid: '2024-01-01T01:00:00Z',
    selects: [id1],
    invalid: ['2024-01-01', '2024-13-01T00:00:00Z', '1704067200', ''],
    code: 'AS.9007',
  },
  {
    param: 'start_number',
    valid: '3',
    selects: [id2, id1],
    invalid: ['-1', '1.5', 'abc', ' 1', ''],
    code: 'AS.9008',
  },
  {
    param: 'limit',
    valid: '2',
    selects: [id5, id4],
    invalid: ['101', '-1', '2.0', 'ten', ''],
    code: 'AS.9009',
  },
];

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`the log query on ${backend.name}`, () => {
    it('reproduces the documented example response: names, JSON types and presence', async () => {
      const { inject, seed } = await openTestApi(backend);
      const [documentedLog] = documentedExample.scaling_policy_execute_log;
      await seed([documentedLog as WireLogInput]);

      const res = await inject({
        method: 'GET',
        url: '/autoscaling-api/v1/0428982a1b8039f42f01c005edde7c0d/scaling_policy_execute_log/05545d3d-ccf9-4bca-ae4f-1e5e73ca0bf6',
      });

      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      // toStrictEqual tells "1" from 1 and a missing key from one set to undefined or null.
      expect(res.json()).toStrictEqual(documentedExample);
      // And the text itself: keys in the example's order (page, log and job record), so a
      // golden-text test written from the cloud's page matches byte for byte.
      expect(res.body).toBe(JSON.stringify(documentedExample));
    });

    it("serializes every field with the SDK models' JSON types and omits absent ones", async () => {
      const { inject, seed } = await openTestApi(backend);
      const failed = wireLog(7, {
        status: 'FAIL',
        failed_reason: 'the group is locked',
        old_value: 3, // the seed types limit_value as Integer: an integer is accepted and served as a string
        desire_value: '4',
        limit_value: 100,
        job_records: [
          {
            job_name: 'ADJUST_VM_NUMBERS',
            record_type: 'API',
            record_time: '2024-01-01T00:00:00Z',
            request: '{"a":1}',
            response: '{}',
            code: '200',
            job_status: 'FAIL',
          },
        ],
        meta_data: {
          metadata_bandwidth_share_type: 'WHOLE',
          metadata_eip_id: 'e',
          metadataeip_address: '192.0.2.1',
          owner: 'team-a',
        },
      });
      const bare = wireLog(8, {
        execute_time: '2023-12-31T23:59:59Z',
        old_value: undefined,
        desire_value: undefined,
        limit_value: undefined,
        type: undefined,
        job_records: undefined,
      });
      await seed([failed, bare]);

      const page = await getPage(inject, logsPath());
      const [first, second] = page.scaling_policy_execute_log;
      expect(first).toStrictEqual({
        ...failed,
        old_value: '3',
        limit_value: '100',
      });
      // Every key in the cloud's example order; those it does not show where its table has them.
      expect(Object.keys(first ?? {})).toEqual([
        'id',
        'status',
        'failed_reason',
        'type',
        'tenant_id',
        'scaling_resource_type',
        'scaling_resource_id',
        'scaling_policy_id',
        'old_value',
        'desire_value',
        'limit_value',
        'execute_time',
        'execute_type',
        'job_records',
        'meta_data',
      ]);
      expect(Object.keys((first?.job_records as object[] | undefined)?.[0] ?? {})).toEqual([
        'job_name',
        'record_type',
        'record_time',
        'request',
        'response',
        'code',
        'job_status',
      ]);
      // No nulls, no empty strings for what was never given; job_records is still an array.
      expect(second).toStrictEqual({
        id: uuid(8),
        status: 'SUCCESS',
        execute_type: 'RECURRENCE',
        execute_time: '2023-12-31T23:59:59Z',
        tenant_id: project,
        scaling_policy_id: policy,
        scaling_resource_type: 'SCALING_GROUP',
        scaling_resource_id: groupId,
        job_records: [],
      });
    });

    describe.each(parameterCases)(
      'parameter $param',
      ({ param, valid, selects, invalid, code }) => {
        it('filters or pages by a valid value', async () => {
          const { inject, seed } = await openTestApi(backend);
          await seed(fiveLogs);
          const page = await getPage(inject, `${logsPath()}?${param}=${encodeURIComponent(valid)}`);
          expect(pageIds(page)).toEqual(selects);
        });

        it(`answers 400 ${code} naming the parameter for a bad value`, async () => {
          const { inject, seed } = await openTestApi(backend);
          await seed(fiveLogs);
          for (const value of invalid) {
            const res = await inject({
              method: 'GET',
              url: `${logsPath()}?${param}=${encodeURIComponent(value)}`,
            });
            const message = expectAsError(res, 400, code);
            expect(message, `value ${JSON.stringify(value)}`).toContain(param);
          }
        });

        it(`answers 400 ${code} when it is given twice, even with the same valid value`, async () => {
          const { inject, seed } = await openTestApi(backend);
          await seed(fiveLogs);
          const res = await inject({
            method: 'GET',
            url: `${logsPath()}?${param}=${encodeURIComponent(valid)}&limit=5&${param}=${encodeURIComponent(valid)}`,
          });
          const message = expectAsError(res, 400, code);
          expect(message).toContain(param);
          expect(message).toContain('more than once');
        });
      },
    );

    it('combines filters with AND', async () => {
      const { inject, seed } = await openTestApi(backend);
      await seed(fiveLogs);
      const bandwidthScheduled = await getPage(
        inject,
        `${logsPath()}?execute_type=SCHEDULED&scaling_resource_type=BANDWIDTH`,
      );
      expect(pageIds(bandwidthScheduled)).toEqual([id2]);
      const alarmOnFirstGroup = await getPage(
        inject,
        `${logsPath()}?execute_type=ALARM&scaling_resource_id=${groupId}`,
      );
      expect(alarmOnFirstGroup).toEqual({
        total_number: 0,
        start_number: 0,
        limit: 20,
        scaling_policy_execute_log: [],
      });
      const window = await getPage(
        inject,
        `${logsPath()}?scaling_resource_id=${groupId}&start_time=2024-01-01T00:00:00Z&end_time=2024-01-01T04:00:00Z&limit=1`,
      );
      expect(window.total_number).toBe(2);
      expect(pageIds(window)).toEqual([id4]);
    });

    it('reads start_time as inclusive and end_time as exclusive', async () => {
      const { inject, seed } = await openTestApi(backend);
      await seed(fiveLogs);
      const window = await getPage(
        inject,
        `${logsPath()}?start_time=2024-01-01T01:00:00Z&end_time=2024-01-01T03:00:00Z`,
      );
      expect(pageIds(window)).toEqual([id3, id2]);
      const oneSecondWide = await getPage(
        inject,
        `${logsPath()}?start_time=2024-01-01T03:00:00Z&end_time=2024-01-01T03:00:01Z`,
      );
      expect(pageIds(oneSecondWide)).toEqual([id4]);
      const empty = await getPage(
        inject,
        `${logsPath()}?start_time=2024-01-01T03:00:00Z&end_time=2024-01-01T03:00:00Z`,
      );
      expect(empty.total_number).toBe(0);
      expect(empty.scaling_policy_execute_log).toEqual([]);
    });

    it('answers 400 AS.9007 when start_time is later than end_time', async () => {
      const { inject, seed } = await openTestApi(backend);
      await seed(fiveLogs);
      const res = await inject({
        method: 'GET',
        url: `${logsPath()}?start_time=2024-01-01T03:00:01Z&end_time=2024-01-01T03:00:00Z`,
      });
      const message = expectAsError(res, 400, 'AS.9007');
      expect(message).toContain('start_time');
      expect(message).toContain('end_time');
    });

    it('orders newest first, breaking ties by id descending', async () => {
      const { inject, seed } = await openTestApi(backend);
      const at = (n: number, time: string) => wireLog(n, { execute_time: time });
      // Inserted out of order so an insertion-ordered answer fails.
      await seed([
        at(0x21, '2024-05-01T10:00:00Z'),
        at(0x10, '2024-05-01T12:00:00Z'),
        at(0x35, '2024-05-01T10:00:00Z'),
        at(0x02, '2024-05-01T09:59:59Z'),
        at(0x2f, '2024-05-01T10:00:00Z'),
        at(0x01, '2024-05-01T12:00:01Z'),
      ]);
      const page = await getPage(inject, logsPath());
      expect(pageIds(page)).toEqual([
        uuid(0x01),
        uuid(0x10),
        uuid(0x35),
        uuid(0x2f),
        uuid(0x21),
        uuid(0x02),
      ]);
      // Pages of one are the same order: the tie-break is stable under paging.
      const oneByOne: unknown[] = [];
      for (let start = 0; start < 6; start += 1) {
        oneByOne.push(
          ...pageIds(await getPage(inject, `${logsPath()}?start_number=${start}&limit=1`)),
        );
      }
      expect(oneByOne).toEqual(pageIds(page));
    });

    it('defaults to start_number 0 and limit 20, echoes both, and counts every match', async () => {
      const { inject, seed } = await openTestApi(backend);
      const minute = (n: number) => `2024-02-01T00:${String(n).padStart(2, '0')}:00Z`;
      await seed(
        Array.from({ length: 25 }, (_, n) => wireLog(100 + n, { execute_time: minute(n) })),
      );

      const first = await getPage(inject, logsPath());
      expect(first.total_number).toBe(25);
      expect(first.start_number).toBe(0);
      expect(first.limit).toBe(20);
      expect(first.scaling_policy_execute_log).toHaveLength(20);
      expect(first.scaling_policy_execute_log[0]?.id).toBe(uuid(124));

      const last = await getPage(inject, `${logsPath()}?start_number=20&limit=10`);
      expect(last).toMatchObject({ total_number: 25, start_number: 20, limit: 10 });
      expect(pageIds(last)).toEqual([104, 103, 102, 101, 100].map(uuid));

      const max = await getPage(inject, `${logsPath()}?limit=100`);
      expect(max.limit).toBe(100);
      expect(max.scaling_policy_execute_log).toHaveLength(25);
    });

    it('answers limit=0 with no logs and the true total_number', async () => {
      const { inject, seed } = await openTestApi(backend);
      await seed(fiveLogs);
      const page = await getPage(inject, `${logsPath()}?limit=0&execute_type=ALARM`);
      expect(page).toStrictEqual({
        total_number: 1,
        start_number: 0,
        limit: 0,
        scaling_policy_execute_log: [],
      });
      const all = await getPage(inject, `${logsPath()}?limit=0`);
      expect(all.total_number).toBe(5);
    });

    it('answers a start_number past the end with an empty page and the true total_number', async () => {
      const { inject, seed } = await openTestApi(backend);
      await seed(fiveLogs);
      expect(await getPage(inject, `${logsPath()}?start_number=5`)).toStrictEqual({
        total_number: 5,
        start_number: 5,
        limit: 20,
        scaling_policy_execute_log: [],
      });
      expect((await getPage(inject, `${logsPath()}?start_number=999999`)).total_number).toBe(5);
    });

    it('takes a start_number of up to 15 digits, and past it says what the limit is', async () => {
      const { inject, seed } = await openTestApi(backend);
      await seed(fiveLogs);
      const largest = await getPage(inject, `${logsPath()}?start_number=999999999999999`);
      expect(largest).toMatchObject({ total_number: 5, start_number: 999_999_999_999_999 });
      expect(largest.scaling_policy_execute_log).toEqual([]);
      const res = await inject({
        method: 'GET',
        url: `${logsPath()}?start_number=1000000000000000`,
      });
      expect(expectAsError(res, 400, 'AS.9008')).toBe(
        'Invalid start_number "1000000000000000": expected an integer from 0 to 999999999999999.',
      );
    });

    it("answers 404 AS.3020 for a policy it has never seen, and for another project's policy", async () => {
      const { inject, seed } = await openTestApi(backend);
      await seed(fiveLogs);
      const unknown = await inject({
        method: 'GET',
        url: logsPath(project, '9d9d3e73-7ef6-40b3-a8fa-514b68eccaa7'),
      });
      expect(expectAsError(unknown, 404, 'AS.3020')).toBe('The AS policy does not exist.');
      const otherProject = await inject({
        method: 'GET',
        url: logsPath('another-project', policy),
      });
      expect(expectAsError(otherProject, 404, 'AS.3020')).toBe('The AS policy does not exist.');
      // A known policy whose filters match nothing is an empty page, not a 404.
      expect((await getPage(inject, `${logsPath()}?log_id=${uuid(99)}`)).total_number).toBe(0);
    });

    it('accepts SCHEDULE for SCHEDULED on input and emits SCHEDULED by default', async () => {
      const { inject, seed } = await openTestApi(backend);
      await seed([
        ...fiveLogs,
        wireLog(6, { execute_type: 'SCHEDULE', execute_time: '2024-01-01T05:00:00Z' }),
      ]);
      for (const spelling of ['SCHEDULE', 'SCHEDULED']) {
        const page = await getPage(inject, `${logsPath()}?execute_type=${spelling}`);
        expect(pageIds(page)).toEqual([uuid(6), id2]);
        expect(page.scaling_policy_execute_log.map((l) => l.execute_type)).toEqual([
          'SCHEDULED',
          'SCHEDULED',
        ]);
      }
    });

    it('emits SCHEDULE with executeTypeOutput SCHEDULE, and leaves other types alone', async () => {
      const { inject, seed } = await openTestApi(backend, {
        config: { executeTypeOutput: 'SCHEDULE' },
      });
      await seed(fiveLogs);
      const page = await getPage(inject, logsPath());
      expect(page.scaling_policy_execute_log.map((l) => l.execute_type)).toEqual([
        'INTERVAL_ALARM',
        'MANUAL',
        'ALARM',
        'SCHEDULE',
        'RECURRENCE',
      ]);
    });

    it('reads the query as Terraform, the Node SDK and the Go SDK encode it', async () => {
      const { inject, seed } = await openTestApi(backend);
      await seed(fiveLogs);
      const urls = {
        // Terraform concatenates raw values.
        terraform: `${logsPath()}?scaling_resource_id=${groupId}&start_time=2024-01-01T00:00:00Z&end_time=2024-01-01T04:00:00Z&limit=10`,
        // The Node SDK sends ':' as %3A, keys in insertion order.
        node: `${logsPath()}?scaling_resource_id=${groupId}&start_time=2024-01-01T00%3A00%3A00Z&end_time=2024-01-01T04%3A00%3A00Z&start_number=0&limit=10`,
        // The Go SDK sorts keys.
        go: `${logsPath()}?end_time=2024-01-01T04%3A00%3A00Z&limit=10&scaling_resource_id=${groupId}&start_number=0&start_time=2024-01-01T00%3A00%3A00Z`,
        lowerCaseEscapes: `${logsPath()}?start_time=2024-01-01T00%3a00%3a00Z&end_time=2024-01-01T04%3a00%3a00Z&scaling_resource_id=${groupId}&limit=10`,
      };
      for (const [client, url] of Object.entries(urls)) {
        const page = await getPage(inject, url);
        expect(pageIds(page), client).toEqual([id4, id1]);
        expect(page.limit, client).toBe(10);
      }
    });

    it('ignores unknown parameters, as gateways do', async () => {
      const { inject, seed } = await openTestApi(backend);
      await seed(fiveLogs);
      const page = await getPage(inject, `${logsPath()}?foo=bar&foo=baz&Limit=oops&limit=1`);
      expect(pageIds(page)).toEqual([id5]);
    });

    it('accepts Content-Type: application/json on the GET, as the official SDKs send it', async () => {
      const { inject, seed } = await openTestApi(backend);
      await seed(fiveLogs);
      const res = await inject({
        method: 'GET',
        url: logsPath(),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json<LogPageBody>().total_number).toBe(5);
    });

    it('checks X-Project-Id against the path project: 400 AS.0008 when they differ', async () => {
      const { inject, seed } = await openTestApi(backend);
      await seed(fiveLogs);
      const same = await inject({
        method: 'GET',
        url: logsPath(),
        headers: { 'x-project-id': project },
      });
      expect(same.statusCode).toBe(200);
      const other = await inject({
        method: 'GET',
        url: logsPath(),
        headers: { 'x-project-id': 'another-project' },
      });
      expect(expectAsError(other, 400, 'AS.0008')).toContain('X-Project-Id');
    });

    it('answers 400 AS.0022 for a malformed project id in the path', async () => {
      const { inject } = await openTestApi(backend);
      for (const bad of ['bad.project', 'a%20b', 'x'.repeat(65)]) {
        const res = await inject({ method: 'GET', url: logsPath(bad) });
        expect(expectAsError(res, 400, 'AS.0022'), bad).toContain('project id');
      }
    });
  });
}
