import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devCredentials } from '../../src/auth/dev-credentials.js';
import { sdkFetch } from '../cli/signed-fetch.js';
import { assertBuilt, ScalelogProcess } from './scalelog-process.js';

/**
 * Tags as infrastructure code uses them, with requests signed by the official Node signer
 * against the real `bin/scalelog serve --dev`: groups tagged as they are created, found again
 * by the resource query (filter and count), their tags listed, changed and removed, and a
 * deleted group gone from the query with its tags.
 */

const project = devCredentials.projectId;
const v1 = `/autoscaling-api/v1/${project}`;
const tagsOf = (groupId: string) => `${v1}/scaling_group_tag/${groupId}/tags`;
const query = `${v1}/scaling_group_tag/resource_instances/action`;

let dir: string | undefined;
let server: ScalelogProcess | undefined;
let base = '';

beforeAll(async () => {
  await assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'scalelog-tags-'));
  server = new ScalelogProcess(['serve', '--dev', '--listen', '127.0.0.1:0'], { cwd: dir });
  const listening = await server.waitForLog((log) => typeof log.url === 'string');
  base = String(listening.url);
});
afterAll(async () => {
  server?.kill();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const call = async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) =>
  sdkFetch(base, devCredentials, {
    method,
    path,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function json<T>(response: Response, status = 200): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

async function noContent(response: Response): Promise<void> {
  expect(response.status, await response.text()).toBe(204);
}

interface Found {
  resources: {
    resource_id: string;
    resource_name: string;
    tags: { key: string; value: string }[];
  }[];
  marker: string;
  total_count: number;
}

async function taggedGroup(name: string, tags: { key: string; value?: string }[]): Promise<string> {
  const { scaling_group_id: id } = await json<{ scaling_group_id: string }>(
    await call('POST', `${v1}/scaling_group`, {
      scaling_group_name: name,
      vpc_id: 'vpc-1',
      networks: [{ id: 'net-1' }],
      min_instance_number: 0,
      max_instance_number: 2,
      desire_instance_number: 0,
    }),
  );
  await noContent(await call('POST', `${tagsOf(id)}/action`, { action: 'create', tags }));
  return id;
}

describe('tags filter the resource query (SDK-signed, real server)', () => {
  it('finds groups by their tags, counts them, and forgets a deleted group', async () => {
    const web = await taggedGroup('web', [
      { key: 'env', value: 'prod' },
      { key: 'app', value: 'shop' },
    ]);
    const batch = await taggedGroup('batch', [{ key: 'env', value: 'prod' }, { key: 'nightly' }]);
    const dev = await taggedGroup('web-dev', [
      { key: 'env', value: 'dev' },
      { key: 'app', value: 'shop' },
    ]);

    const prodShop = await json<Found>(
      await call('POST', query, {
        action: 'filter',
        tags: [
          { key: 'env', values: ['prod'] },
          { key: 'app', values: ['shop'] },
        ],
      }),
    );
    expect(prodShop.resources.map((r) => r.resource_id)).toEqual([web]);
    expect(prodShop.total_count).toBe(1);

    const notProd = await json<Found>(
      await call('POST', query, {
        action: 'filter',
        not_tags_any: [{ key: 'env', values: ['prod'] }],
        matches: [{ key: 'resource_name', value: 'web' }],
      }),
    );
    expect(notProd.resources.map((r) => r.resource_name)).toEqual(['web-dev']);

    expect(
      await json(
        await call('POST', query, { action: 'count', tags_any: [{ key: 'app', values: [] }] }),
      ),
    ).toEqual({ total_count: 2 });

    // Keys in the order first created: tags created in the same millisecond may come either way.
    const listed = await json<{ tags: { key: string; values: string[] }[] }>(
      await call('GET', `${v1}/scaling_group_tag/tags`),
    );
    expect(listed.tags.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: 'app', values: ['shop'] },
      { key: 'env', values: ['prod', 'dev'] },
      { key: 'nightly', values: [''] },
    ]);

    // The batch group leaves production: its env tag goes, and the query no longer finds it.
    await noContent(
      await call('POST', `${tagsOf(batch)}/action`, {
        action: 'delete',
        tags: [{ key: 'env', value: 'prod' }],
      }),
    );
    expect(await json(await call('GET', tagsOf(batch)))).toEqual({
      tags: [{ key: 'nightly', value: '' }],
      sys_tags: null,
    });
    const prod = await json<Found>(
      await call('POST', query, { action: 'filter', tags: [{ key: 'env', values: ['prod'] }] }),
    );
    expect(prod.resources.map((r) => r.resource_id)).toEqual([web]);

    // A deleted group goes with its tags.
    await noContent(await call('DELETE', `${v1}/scaling_group/${dev}`));
    expect(
      await json(await call('POST', query, { action: 'count', tags: [{ key: 'app' }] })),
    ).toEqual({ total_count: 1 });
    const unknown = await json<{ error: { code: string } }>(await call('GET', tagsOf(dev)), 400);
    expect(unknown.error.code).toBe('AS.2007');

    const refused = await json<{ error: { code: string } }>(
      await call('POST', `${tagsOf(web)}/action`, {
        action: 'create',
        tags: [{ key: 'a'.repeat(37), value: 'v' }],
      }),
      400,
    );
    expect(refused.error.code).toBe('AS.7063');
  });
});
