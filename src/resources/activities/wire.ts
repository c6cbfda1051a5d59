import { uuidLikePattern } from '../../domain/ids.js';
import {
  defaultLimit,
  maxStartNumber,
  parseLimit,
  parseStartNumber,
} from '../../domain/log-query.js';
import { activityStatuses, activityTypes } from '../../domain/scaling-activity.js';
import type {
  ActivityInstance,
  ActivityStatus,
  ActivityType,
  ScalingActivity,
} from '../../domain/scaling-activity.js';
import { formatWireTimeMs, parseWireTime } from '../../domain/wire-time.js';
import { apiErrors } from '../../errors/api-error.js';
import { listParameters } from '../../http/list-query.js';
import type { ActivityFilter, Paging } from '../../store/resource-store.js';
import { activitySchemas } from './schemas.js';

/**
 * The scaling activity logs on the wire: the query of each version, checked with the codes
 * the error code appendix gives the activity log (AS.4008 to AS.4012), and activities to the
 * v1 log entries, keys in the order of the reference's example answer. The v2 entry is the
 * shape export lines share, in `log-format/activity-wire.ts`.
 */

export type ActivityLogVersion = 'v1' | 'v2';

/** What a query asks for. */
export interface ActivityQuery {
  readonly filter: ActivityFilter;
  readonly paging: Paging;
}

const parameterNames: Record<ActivityLogVersion, readonly string[]> = {
  v1: Object.keys(activitySchemas.v1Query.properties),
  v2: Object.keys(activitySchemas.v2Query.properties),
};

/** Types in a `type` query: the cloud's names, separated by commas. */
function parseTypes(value: string): ActivityType[] {
  const types = value.split(',');
  if (!types.every((t) => (activityTypes as readonly string[]).includes(t))) {
    throw apiErrors.activityTypeInvalid(value, activityTypes.join(', '));
  }
  return [...new Set(types as ActivityType[])];
}

/**
 * Reads the query of `GET .../scaling_activity_log/{scaling_group_id}` as the list routes
 * read theirs: parameters the version does not take are ignored, an empty value counts as
 * absent, a parameter given twice is 400 AS.0022. The first bad value, in the order the
 * reference lists the parameters, is refused with its code. `end_time` covers its whole
 * second, as the answers show times to the second.
 */
export function parseActivityQuery(url: string, version: ActivityLogVersion): ActivityQuery {
  const params = listParameters(url, parameterNames[version]);
  const filter: { -readonly [K in keyof ActivityFilter]: ActivityFilter[K] } = {};
  const logId = params.get('log_id');
  if (logId !== undefined) {
    if (!uuidLikePattern.test(logId)) throw apiErrors.activityLogIdInvalid(logId);
    filter.id = logId;
  }
  const start = params.get('start_time');
  const end = params.get('end_time');
  const from = start === undefined ? undefined : parseWireTime(start);
  if (start !== undefined && from === undefined) throw apiErrors.activityStartTimeInvalid(start);
  const to = end === undefined ? undefined : parseWireTime(end);
  if (end !== undefined && to === undefined) throw apiErrors.activityEndTimeInvalid(end);
  if (from !== undefined && to !== undefined && to < from) {
    throw apiErrors.activityEndBeforeStart(start ?? '', end ?? '');
  }
  if (from !== undefined) filter.from = from * 1000;
  if (to !== undefined) filter.to = to * 1000 + 999;

  const startText = params.get('start_number');
  const startNumber = startText === undefined ? 0 : parseStartNumber(startText);
  if (startNumber === undefined) {
    throw apiErrors.activityStartNumberInvalid(startText ?? '', maxStartNumber);
  }
  const limitText = params.get('limit');
  const limit = limitText === undefined ? defaultLimit : parseLimit(limitText);
  if (limit === undefined) throw apiErrors.activityLimitInvalid(limitText ?? '');

  const type = params.get('type');
  if (type !== undefined) filter.types = parseTypes(type);
  const status = params.get('status');
  if (status !== undefined) {
    if (!(activityStatuses as readonly string[]).includes(status)) {
      throw apiErrors.activityStatusInvalid(status);
    }
    filter.status = status as ActivityStatus;
  }
  return { filter, paging: { startNumber, limit } };
}

/** v1: the instances' names separated by commas, `null` when there are none (the example). */
const nameList = (instances: readonly ActivityInstance[]): string | null =>
  instances.length === 0 ? null : instances.map((i) => i.name).join(',');

/** A v1 log entry (`ScalingActivityLogList`); `end_time` is `null` while DOING. */
export function activityToV1Wire(a: ScalingActivity): Record<string, unknown> {
  return {
    id: a.id,
    instance_value: a.instanceValue,
    desire_value: a.desireValue,
    scaling_value: a.scalingValue,
    start_time: formatWireTimeMs(a.startTime),
    end_time: a.endTime === undefined ? null : formatWireTimeMs(a.endTime),
    instance_added_list: nameList(a.added),
    instance_deleted_list: nameList(a.deleted),
    instance_removed_list: nameList(a.removed),
    status: a.status,
    description: a.description,
  };
}
