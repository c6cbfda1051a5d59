import type { LogQuery } from '../src/domain/log-query.js';
import { formatWireTime } from '../src/domain/wire-time.js';
import type { Dataset, PolicyInfo, ProbePolicy } from './generate-dataset.js';

/** The page size the latency and HTTP figures ask for. */
export const pageLimit = 20;

/** A query the latency figures time, built for one probe policy. */
export interface ProbeQuery {
  readonly name: string;
  readonly title: string;
  build(probe: ProbePolicy, dataset: Dataset): LogQuery;
}

const page0 = (p: PolicyInfo): LogQuery => ({
  projectId: p.projectId,
  policyId: p.policyId,
  startNumber: 0,
  limit: pageLimit,
});

/** Page 0 of a probe policy: unfiltered, each filter alone, and all of them combined. */
export const probeQueries: readonly ProbeQuery[] = [
  { name: 'page0', title: 'no filter', build: (p) => page0(p) },
  { name: 'log_id', title: 'log_id', build: (p) => ({ ...page0(p), logId: p.sampleLogId }) },
  {
    name: 'scaling_resource_type',
    title: 'scaling_resource_type',
    build: (p) => ({ ...page0(p), resourceType: p.resourceType }),
  },
  {
    name: 'scaling_resource_id',
    title: 'scaling_resource_id',
    build: (p) => ({ ...page0(p), resourceId: p.resourceId }),
  },
  {
    name: 'execute_type',
    title: 'execute_type',
    build: (p) => ({ ...page0(p), executeType: p.executeType }),
  },
  {
    name: 'time_window',
    title: 'time window (30 days)',
    build: (p, d) => ({ ...page0(p), startTime: d.window.start, endTime: d.window.end }),
  },
  {
    name: 'combined',
    title: 'type + resource + execute_type + window',
    build: (p, d) => ({
      ...page0(p),
      resourceType: p.resourceType,
      resourceId: p.resourceId,
      executeType: p.executeType,
      startTime: d.window.start,
      endTime: d.window.end,
    }),
  },
];

/** The filters of the HTTP request mix: what a dashboard or the SDK typically asks. */
export const typicalQueryNames: ReadonlySet<string> = new Set([
  'page0',
  'execute_type',
  'time_window',
  'scaling_resource_id',
  'combined',
]);

/** Page 0 of the busiest policy, optionally within the 30-day window. */
export function busyQuery(dataset: Dataset, window: boolean): LogQuery {
  const busy = dataset.busy[0];
  if (busy === undefined) throw new Error('the data set has no busy policy');
  return window
    ? { ...page0(busy), startTime: dataset.window.start, endTime: dataset.window.end }
    : page0(busy);
}

/** A deep page of the busiest policy. */
export function deepPageQuery(dataset: Dataset, startNumber: number): LogQuery {
  return { ...busyQuery(dataset, false), startNumber };
}

/** The cloud's URL for `q`, encoded as the Node SDK encodes it (`:` as `%3A`). */
export function queryPath(q: LogQuery): string {
  const params: [string, string][] = [];
  if (q.logId !== undefined) params.push(['log_id', q.logId]);
  if (q.resourceType !== undefined) params.push(['scaling_resource_type', q.resourceType]);
  if (q.resourceId !== undefined) params.push(['scaling_resource_id', q.resourceId]);
  if (q.executeType !== undefined) params.push(['execute_type', q.executeType]);
  if (q.startTime !== undefined) params.push(['start_time', formatWireTime(q.startTime)]);
  if (q.endTime !== undefined) params.push(['end_time', formatWireTime(q.endTime)]);
  if (q.startNumber !== 0) params.push(['start_number', String(q.startNumber)]);
  params.push(['limit', String(q.limit)]);
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return `/autoscaling-api/v1/${q.projectId}/scaling_policy_execute_log/${q.policyId}?${query}`;
}
