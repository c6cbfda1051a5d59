import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devCredentials } from '../../src/auth/dev-credentials.js';
import { verifyNotification, webhookHeaders } from '../../src/engine/notification-signature.js';
import { sdkFetch } from '../cli/signed-fetch.js';
import { assertBuilt, ScalelogProcess } from './scalelog-process.js';

/**
 * A group's notifications end to end, with requests signed by the official Node signer
 * against the real `bin/scalelog serve --dev`: a topic on a group, a webhook for the topic,
 * a scale-out that settles, and the notification POSTed to a real receiver, which fails the
 * first delivery and takes the retry.
 */

const project = devCredentials.projectId;
const v1 = `/autoscaling-api/v1/${project}`;
const topicUrn = `urn:smn:region-1:${project}:scale-events`;
const secret = 'e2e-receiver-secret-42';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly status: number;
}

let dir: string | undefined;
let server: ScalelogProcess | undefined;
let receiver: Server | undefined;
let base = '';
let hookUrl = '';
const received: Received[] = [];

beforeAll(async () => {
  await assertBuilt();
  // The receiver fails its first request, then takes every one.
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = received.length === 0 ? 500 : 200;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver?.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${String((receiver.address() as AddressInfo).port)}/scalelog-hook`;
  dir = await mkdtemp(join(tmpdir(), 'scalelog-notify-'));
  server = new ScalelogProcess(['serve', '--dev', '--listen', '127.0.0.1:0'], {
    cwd: dir,
    env: { SCALELOG_SCHEDULER_INTERVAL_MS: '50', SCALELOG_INSTANCE_SETTLE_MS: '500' },
  });
  const listening = await server.waitForLog((log) => typeof log.url === 'string');
  base = String(listening.url);
});
afterAll(async () => {
  server?.kill();
  receiver?.closeAllConnections();
  await new Promise<void>((resolve) => {
    if (receiver === undefined) resolve();
    else
      receiver.close(() => {
        resolve();
      });
  });
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
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

/** Polls until `check` holds (deliveries and retries run in real time here), at most 15 s. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface SentPage {
  total_number: number;
  notifications: {
    id: string;
    topic_scene: string;
    delivery_status: string;
    attempts: number;
    last_error?: string;
    message: string;
  }[];
}

describe('notifications delivered to a webhook, signed by the official SDK signer', () => {
  it('POSTs a scale-out once it succeeds, and again after the receiver failed once', async () => {
    const { scaling_configuration_id: configurationId } = await json<{
      scaling_configuration_id: string;
    }>(
      await call('POST', `${v1}/scaling_configuration`, {
        scaling_configuration_name: 'web-cfg',
        instance_config: {
          flavorRef: 's6.small.1',
          imageRef: 'img-1',
          key_name: 'k',
          disk: [{ size: 40, volume_type: 'SSD', disk_type: 'SYS' }],
        },
      }),
    );
    const { scaling_group_id: groupId } = await json<{ scaling_group_id: string }>(
      await call('POST', `${v1}/scaling_group`, {
        scaling_group_name: 'web',
        scaling_configuration_id: configurationId,
        vpc_id: 'vpc-1',
        networks: [{ id: 'subnet-1' }],
        min_instance_number: 0,
        max_instance_number: 5,
        desire_instance_number: 0,
      }),
    );
    expect(
      (await call('POST', `${v1}/scaling_group/${groupId}/action`, { action: 'resume' })).status,
    ).toBe(204);
    expect(
      await json(
        await call('PUT', `${v1}/scaling_notification/${groupId}`, {
          topic_urn: topicUrn,
          topic_scene: ['SCALING_UP', 'SCALING_DOWN'],
        }),
      ),
    ).toEqual({
      topic_urn: topicUrn,
      topic_scene: ['SCALING_UP', 'SCALING_DOWN'],
      topic_name: 'scale-events',
    });
    const hook = await json<{ topic: Record<string, unknown> }>(
      await call('PUT', `/scalelog/v1/${project}/notification-topics/${topicUrn}`, {
        url: hookUrl,
        secret,
      }),
      201,
    );
    expect(hook.topic['secret_hint']).toBe('****t-42');

    await json(await call('PUT', `${v1}/scaling_group/${groupId}`, { desire_instance_number: 2 }));
    const sent = await eventually(
      async () => json<SentPage>(await call('GET', `/scalelog/v1/${project}/notifications`)),
      (page) => page.notifications[0]?.delivery_status === 'DELIVERED',
    );
    expect(sent.total_number).toBe(1);
    const notification = sent.notifications[0];
    expect(notification).toMatchObject({
      topic_scene: 'SCALING_UP',
      delivery_status: 'DELIVERED',
      attempts: 2,
      last_error: 'The webhook answered HTTP 500.',
    });
    // The receiver saw it twice: refused, then taken; the same message, signed each time.
    expect(received.map((r) => r.status)).toEqual([500, 200]);
    for (const [n, r] of received.entries()) {
      expect(r.headers[webhookHeaders.id]).toBe(notification?.id);
      expect(r.headers[webhookHeaders.attempt]).toBe(String(n + 1));
      expect(r.body).toBe(notification?.message);
      const timestamp = String(r.headers[webhookHeaders.timestamp]);
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
      expect(
        verifyNotification(secret, timestamp, r.body, String(r.headers[webhookHeaders.signature])),
      ).toBe(true);
    }
    const message = JSON.parse(received[1]?.body ?? '{}') as Record<string, unknown>;
    expect(message).toMatchObject({
      scaling_group_id: groupId,
      scaling_group_name: 'web',
      topic_urn: topicUrn,
      topic_scene: 'SCALING_UP',
      scaling_activity: { status: 'SUCCESS', scaling_value: 2 },
    });

    // The topic leaves the group: deleted as the SDK's deleteScalingNotification sends it.
    expect((await call('DELETE', `${v1}/scaling_notification/${groupId}/${topicUrn}`)).status).toBe(
      204,
    );
    expect(await json(await call('GET', `${v1}/scaling_notification/${groupId}`))).toEqual({
      topics: [],
    });
  });
});
