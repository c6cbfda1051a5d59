import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { project } from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';
import { testConfig } from '../../support/api-harness.js';
import { policyEngine } from '../../../src/services.js';

/** Shared steps of the notification tests: requests as a client sends them. */

export const v1 = (projectId = project): string => `/autoscaling-api/v1/${projectId}`;
export const notificationUrl = (groupId: string, projectId = project): string =>
  `${v1(projectId)}/scaling_notification/${groupId}`;
export const sentUrl = (projectId = project): string => `/scalelog/v1/${projectId}/notifications`;
export const webhookUrl = (topicUrn: string, projectId = project): string =>
  `/scalelog/v1/${projectId}/notification-topics/${encodeURIComponent(topicUrn)}`;
export const topicUrn = (name: string, projectId = project): string =>
  `urn:smn:region-1:${projectId}:${name}`;

export const allScenes = [
  'SCALING_UP',
  'SCALING_UP_FAIL',
  'SCALING_DOWN',
  'SCALING_DOWN_FAIL',
  'SCALING_GROUP_ABNORMAL',
];

/** Runs the engine's pass at the test clock's time, as the scheduler would. */
export async function runEngine(api: TestApi): Promise<void> {
  await policyEngine(api.store, testConfig(), api.clock.now).runDue();
}

export function expectStatus(res: LightMyRequestResponse, status: number): void {
  expect(res.statusCode, res.body).toBe(status);
}

export interface SentPage {
  total_number: number;
  start_number: number;
  limit: number;
  notifications: Record<string, unknown>[];
}
