import type { Selectable } from 'kysely';
import type { StandInServer } from '../../domain/stand-in-server.js';
import type { UnixMs } from '../../domain/unix-time.js';
import type { Paging, ServerRepository } from '../resource-store.js';
import type { ServersTable } from '../schema.js';
import type { Mutable, ResourceDb } from './resource-table.js';

// Stand-in servers: the resource transaction's `servers` (see `ServerRepository`).

function rowToServer(row: Selectable<ServersTable>): StandInServer {
  const server: Mutable<StandInServer> = {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    createTime: row.create_time,
  };
  if (row.configuration_id !== null) server.configurationId = row.configuration_id;
  return server;
}

/** Servers not deleted by a removal that has settled by `nowMs`. */
function present(r: ResourceDb, projectId: string, nowMs: UnixMs) {
  return r.db
    .selectFrom('servers')
    .where('project_id', '=', projectId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('scaling_instances')
            .select('scaling_instances.id')
            .whereRef('scaling_instances.id', '=', 'servers.id')
            .where('life_cycle_state', '=', 'REMOVING')
            .where('delete_on_removal', '=', 1)
            .where('settles_at', '<=', nowMs),
        ),
      ),
    );
}

async function listServers(
  r: ResourceDb,
  projectId: string,
  paging: Paging,
  nowMs: UnixMs,
): Promise<{ total: number; servers: StandInServer[] }> {
  const base = present(r, projectId, nowMs);
  const { total } = await base
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows =
    paging.limit === 0
      ? []
      : await base
          .selectAll()
          .orderBy('create_time', 'desc')
          .orderBy('id', 'desc')
          .limit(paging.limit)
          .offset(paging.startNumber)
          .execute();
  return { total, servers: rows.map(rowToServer) };
}

/** The server repository of a session's connection. */
export const serverRepository = (r: ResourceDb): ServerRepository => ({
  insert: async (server) => {
    await r.db
      .insertInto('servers')
      .values({
        id: server.id,
        project_id: server.projectId,
        name: server.name,
        configuration_id: server.configurationId ?? null,
        create_time: server.createTime,
      })
      .execute();
  },
  get: async (projectId, id, nowMs) => {
    const row = await present(r, projectId, nowMs)
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToServer(row);
  },
  list: (projectId, paging, nowMs) => listServers(r, projectId, paging, nowMs),
  delete: async (projectId, id) => {
    const result = await r.db
      .deleteFrom('servers')
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  },
});
