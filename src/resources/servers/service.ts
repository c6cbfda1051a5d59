import { randomUUID } from 'node:crypto';
import { apiErrors } from '../../errors/api-error.js';
import { instanceAt } from '../../domain/scaling-instance.js';
import type { StandInServer } from '../../domain/stand-in-server.js';
import type { Paging, ResourceStore, ResourceTransaction } from '../../store/resource-store.js';

/** A server as shown: with the group it is in now, if any. */
export interface ServerView {
  readonly server: StandInServer;
  readonly groupId?: string;
}

/**
 * Stand-in servers (Scalelog's own API): what a client creates to add to a group by hand
 * (batch ADD needs servers that exist), and what groups build from their configurations.
 * A server in a group cannot be deleted: it leaves the group through the instance API.
 */
export class ServerService {
  readonly #store: ResourceStore;
  readonly #now: () => number;

  constructor(store: ResourceStore, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  async create(projectId: string, name: string): Promise<ServerView> {
    const server: StandInServer = { id: randomUUID(), projectId, name, createTime: this.#now() };
    await this.#store.resourceSession((tx) => tx.servers.insert(server));
    return { server };
  }

  async show(projectId: string, serverId: string): Promise<ServerView> {
    return this.#store.resourceRead(async (tx) => {
      const server = await tx.servers.get(projectId, serverId, this.#now());
      if (server === undefined) throw apiErrors.resourceMissing('server', serverId);
      return this.#view(tx, server);
    });
  }

  /** A page of the project's servers, newest first, and how many it has. */
  async list(projectId: string, paging: Paging): Promise<{ total: number; servers: ServerView[] }> {
    return this.#store.resourceRead(async (tx) => {
      const { total, servers } = await tx.servers.list(projectId, paging, this.#now());
      const views: ServerView[] = [];
      for (const server of servers) views.push(await this.#view(tx, server));
      return { total, servers: views };
    });
  }

  async delete(projectId: string, serverId: string): Promise<void> {
    await this.#store.resourceSession(async (tx) => {
      const server = await tx.servers.get(projectId, serverId, this.#now());
      if (server === undefined) throw apiErrors.resourceMissing('server', serverId);
      const { groupId } = await this.#view(tx, server);
      if (groupId !== undefined) {
        throw apiErrors.resourceInUse(
          'server',
          serverId,
          `it is an instance of the scaling group ${groupId}: remove it from the group first.`,
        );
      }
      await tx.instances.delete(projectId, [serverId]);
      await tx.servers.delete(projectId, serverId);
    });
  }

  async #view(tx: ResourceTransaction, server: StandInServer): Promise<ServerView> {
    const member = await tx.instances.get(server.projectId, server.id);
    const present = member === undefined ? undefined : instanceAt(member, this.#now());
    return present === undefined ? { server } : { server, groupId: present.instance.groupId };
  }
}
