import { expect } from 'vitest';
import { project } from './api-harness.js';
import type { TestApi } from './api-harness.js';

/**
 * A scaling configuration created through the API, as a client creates one before its
 * groups: the smallest body the cloud takes. Returns its id.
 */
export async function createTestConfiguration(
  api: TestApi,
  name = 'web-config',
  projectId = project,
): Promise<string> {
  const res = await api.inject({
    method: 'POST',
    url: `/autoscaling-api/v1/${projectId}/scaling_configuration`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({
      scaling_configuration_name: name,
      instance_config: {
        flavorRef: 's6.small.1',
        imageRef: 'img-1',
        key_name: 'k',
        disk: [{ size: 40, volume_type: 'SSD', disk_type: 'SYS' }],
      },
    }),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ scaling_configuration_id: string }>().scaling_configuration_id;
}
