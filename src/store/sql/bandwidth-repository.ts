import type { Selectable } from 'kysely';
import type { Bandwidth, BandwidthShareType } from '../../domain/bandwidth.js';
import type { BandwidthRepository, Paging } from '../resource-store.js';
import type { BandwidthsTable } from '../schema.js';
import { listResources, resourceCrud } from './resource-table.js';
import type { Mutable, ResourceDb } from './resource-table.js';

// Bandwidths: the resource transaction's `bandwidths` (see `BandwidthRepository`).

function rowToBandwidth(row: Selectable<BandwidthsTable>): Bandwidth {
  const b: Mutable<Bandwidth> = {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    size: row.size,
    minSize: row.min_size,
    maxSize: row.max_size,
    shareType: row.share_type as BandwidthShareType,
    createTime: row.create_time,
  };
  if (row.eip_id !== null) b.eipId = row.eip_id;
  if (row.eip_address !== null) b.eipAddress = row.eip_address;
  return b;
}

function bandwidthToRow(b: Bandwidth): BandwidthsTable {
  return {
    id: b.id,
    project_id: b.projectId,
    name: b.name,
    size: b.size,
    min_size: b.minSize,
    max_size: b.maxSize,
    share_type: b.shareType,
    eip_id: b.eipId ?? null,
    eip_address: b.eipAddress ?? null,
    create_time: b.createTime,
  };
}

const bandwidthCrud = resourceCrud('bandwidths', bandwidthToRow, rowToBandwidth);

async function listBandwidths(
  r: ResourceDb,
  projectId: string,
  paging: Paging,
): Promise<{ total: number; bandwidths: Bandwidth[] }> {
  const { total, rows } = await listResources(r, 'bandwidths', projectId, (q) => q, paging);
  return { total, bandwidths: rows.map(rowToBandwidth) };
}

/** The bandwidth repository of a session's connection. */
export const bandwidthRepository = (r: ResourceDb): BandwidthRepository => ({
  ...bandwidthCrud(r),
  list: (projectId, paging) => listBandwidths(r, projectId, paging),
});
