import type { Selectable } from 'kysely';
import type { StandInServer } from '../../domain/stand-in-server.js';
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

async function listServers(
  r: ResourceDb,
  projectId: string,
  paging: Paging,
): Promise<{ total: number; servers: StandInServer[] }> {
  const base = r.db.selectFrom('servers').where('project_id', '=', projectId);
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
  get: async (projectId, id) => {
    const row = await r.db
      .selectFrom('servers')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToServer(row);
  },
  list: (projectId, paging) => listServers(r, projectId, paging),
  delete: async (projectId, id) => {
    const result = await r.db
      .deleteFrom('servers')
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  },
});
