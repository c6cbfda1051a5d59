import { apiErrors } from '../../errors/api-error.js';
import { formatWireTimeMs } from '../../domain/wire-time.js';
import { showValue, unsupportedFields } from '../../http/body-fields.js';
import { bodyCheck, failed } from '../../http/schema-validation.js';
import { serverCreateBody } from './schemas.js';
import type { ServerView } from './service.js';

const checkCreate = bodyCheck(serverCreateBody, {
  unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'a server create request'),
  entries: [
    {
      field: 'server',
      missing: () => apiErrors.badRequestBody('Give server, an object with the name.'),
      invalid: (value) =>
        apiErrors.badRequestBody(
          `server must be an object with the name, not ${showValue(value)}.`,
        ),
      object: {
        unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'a server'),
        entries: [
          {
            field: 'name',
            missing: () => apiErrors.badRequestBody('Give server.name, the name of the server.'),
            invalid: (value, errors) =>
              apiErrors.badRequestBody(
                failed(errors, 'type')
                  ? `server.name must be a string, not ${showValue(value)}.`
                  : `Invalid server.name ${showValue(value)}: 1-64 letters, digits, Chinese characters, '_', '-', '.'.`,
              ),
          },
        ],
      },
    },
  ],
});

/** `POST /scalelog/v1/{project_id}/servers`: the new server's name. */
export const parseServerCreate = (raw: unknown): string => checkCreate(raw, undefined).server.name;

export function serverToWire({ server, groupId }: ServerView): Record<string, unknown> {
  return {
    id: server.id,
    name: server.name,
    status: 'ACTIVE',
    tenant_id: server.projectId,
    created: formatWireTimeMs(server.createTime),
    scaling_group_id: groupId ?? null,
    ...(server.configurationId === undefined
      ? {}
      : { scaling_configuration_id: server.configurationId }),
  };
}
