import { randomUUID } from 'node:crypto';
import type { FastifyPluginCallback } from 'fastify';
import { apiErrors } from '../../errors/api-error.js';
import type { Bandwidth } from '../../domain/bandwidth.js';
import type { EngineStore } from '../../store/engine-store.js';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { bandwidthSchemas } from './bandwidth-schemas.js';
import {
  applyBandwidthUpdate,
  bandwidthToWire,
  parseBandwidthCreate,
  parseBandwidthUpdate,
  scalelogBandwidthToWire,
} from './bandwidth-wire.js';
import { engineErrorResponses, noContent, projectParams } from '../../http/resource-schemas.js';
import { listPaging, listParameters } from '../../http/list-query.js';

export interface BandwidthRoutesDeps {
  readonly store: EngineStore;
  readonly now: () => number;
}

interface BandwidthParams {
  project_id: string;
  bandwidth_id: string;
}

/** Scalelog's own API: the cloud creates bandwidths with EIPs, which Scalelog does not model. */
const scalelogPath = '/scalelog/v1/:project_id/bandwidths';
/** The VPC service's paths, which AS calls to resize a bandwidth (research §4). */
const vpcPath = '/v1/:project_id/bandwidths/:bandwidth_id';

/**
 * Bandwidths, for bandwidth scaling policies: Scalelog stands in for the VPC service.
 *
 * - `POST|GET /scalelog/v1/{project_id}/bandwidths`, `DELETE .../{bandwidth_id}`: Scalelog's
 *   own API to create, list and delete them. Its answers show the bounds a resize must stay
 *   within (`min_size`, `max_size`) besides the VPC fields. A bandwidth that a policy still
 *   targets, or that an execution is under way on, is not deleted: 409 AS.0003.
 * - `GET|PUT /v1/{project_id}/bandwidths/{bandwidth_id}`: the VPC's show and update, in its
 *   exact shape. The update reads and writes in one store session holding the bandwidth's
 *   lock, so it and a policy execution act one after the other.
 *
 * The VPC's own error body and codes are not documented publicly (research §4.2): errors are
 * the AS envelope. An unknown bandwidth is 404 AS.0007 ("The requested resource [...] could
 * not be found."), on both APIs; a bad body is 400 AS.0022 naming the field.
 */
export function bandwidthRoutes(deps: BandwidthRoutesDeps): FastifyPluginCallback {
  const { store, now } = deps;
  const missing = (id: string) => apiErrors.resourceMissing('bandwidth', id);

  return (app, _options, done) => {
    app.post<{ Params: { project_id: string } }>(
      scalelogPath,
      {
        schema: {
          summary: 'Create a bandwidth (Scalelog)',
          description:
            'Scalelog\'s own API: the cloud creates bandwidths with EIPs. Body {"bandwidth":{...}}. Required: name, size. Defaults: share_type PER, min_size 1, max_size 2000; min_size <= size <= max_size. eip_id and eip_address only for PER. 201 with the VPC\'s bandwidth object plus min_size and max_size.',
          tags: ['bandwidths'],
          params: projectParams,
          body: bandwidthSchemas.createBody,
          response: {
            201: bandwidthSchemas.scalelogShow,
            ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
          },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request, reply) => {
        const { projectId } = request;
        const bandwidth: Bandwidth = {
          ...parseBandwidthCreate(request.body),
          id: randomUUID(),
          projectId,
          createTime: now(),
        };
        await store.engineSession((tx) => tx.insertBandwidth(bandwidth));
        return reply.code(201).send({ bandwidth: scalelogBandwidthToWire(bandwidth) });
      },
    );

    app.get<{ Params: { project_id: string } }>(
      scalelogPath,
      {
        schema: {
          summary: 'List bandwidths (Scalelog)',
          description:
            "The project's bandwidths, newest first, each with min_size and max_size. Paging: start_number (default 0), limit (default 20, 0 to 100).",
          tags: ['bandwidths'],
          params: projectParams,
          querystring: bandwidthSchemas.listQuery,
          response: {
            200: bandwidthSchemas.list,
            ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
          },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request) => {
        const { projectId } = request;
        const paging = listPaging(listParameters(request.url, ['start_number', 'limit']));
        const { total, bandwidths } = await store.engineRead((tx) =>
          tx.listBandwidths(projectId, paging),
        );
        return {
          total_number: total,
          start_number: paging.startNumber,
          limit: paging.limit,
          bandwidths: bandwidths.map(scalelogBandwidthToWire),
        };
      },
    );

    app.delete<{ Params: BandwidthParams }>(
      `${scalelogPath}/:bandwidth_id`,
      {
        schema: {
          summary: 'Delete a bandwidth (Scalelog)',
          description:
            'Only a bandwidth that no scaling policy targets and no execution is under way on: 409 AS.0003 otherwise (delete its policies first). 204.',
          tags: ['bandwidths'],
          params: bandwidthSchemas.bandwidthParams,
          response: {
            204: noContent,
            409: bandwidthSchemas.inUse,
            ...engineErrorResponses([400, 401, 403, 404, 406, 500, 503]),
          },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request, reply) => {
        const { projectId } = request;
        const id = request.params.bandwidth_id;
        await store.engineSession(async (tx) => {
          // Locked, so that an execution cannot start on it between the checks and the delete.
          const bandwidth = await tx.lockBandwidth(projectId, id);
          if (bandwidth === undefined) throw missing(id);
          const policies = await tx.countPolicies(projectId, id);
          if (policies > 0) {
            throw apiErrors.resourceInUse(
              'bandwidth',
              id,
              `${String(policies)} scaling ${policies === 1 ? 'policy targets' : 'policies target'} it. Delete ${policies === 1 ? 'that policy' : 'those policies'} first.`,
            );
          }
          const running = await tx.executionOfResource('BANDWIDTH', id);
          if (running !== undefined) {
            throw apiErrors.resourceInUse(
              'bandwidth',
              id,
              `an execution of policy ${running.policyId} is under way on it. Wait for it to finish.`,
            );
          }
          await tx.deleteBandwidth(projectId, id);
        });
        return reply.code(204).send();
      },
    );

    app.get<{ Params: BandwidthParams }>(
      vpcPath,
      {
        schema: {
          summary: 'Show a bandwidth (VPC)',
          description:
            "The VPC service's ShowBandwidth, in its shape: a pay-per-use bandwidth charged by bandwidth.",
          tags: ['bandwidths'],
          params: bandwidthSchemas.bandwidthParams,
          response: {
            200: bandwidthSchemas.vpcShow,
            ...engineErrorResponses([400, 401, 403, 404, 406, 500, 503]),
          },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request) => {
        const { projectId } = request;
        const id = request.params.bandwidth_id;
        const bandwidth = await store.engineRead((tx) => tx.getBandwidth(projectId, id));
        if (bandwidth === undefined) throw missing(id);
        return bandwidthToWire(bandwidth);
      },
    );

    app.put<{ Params: BandwidthParams }>(
      vpcPath,
      {
        schema: {
          summary: 'Update a bandwidth (VPC)',
          description:
            'The VPC service\'s UpdateBandwidth: body {"bandwidth":{"name"?,"size"?}}, at least one. An empty name means unchanged. size is coerced as the VPC coerces it (10.7 and "10" become 10) and must stay within the bandwidth\'s min_size and max_size; the VPC\'s size steps (50 Mbit/s above 300, 500 above 1000) are not applied. 200 with the updated bandwidth.',
          tags: ['bandwidths'],
          params: bandwidthSchemas.bandwidthParams,
          body: bandwidthSchemas.updateBody,
          response: {
            200: bandwidthSchemas.vpcShow,
            ...engineErrorResponses([400, 401, 403, 404, 406, 413, 415, 500, 503]),
          },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request) => {
        const { projectId } = request;
        const id = request.params.bandwidth_id;
        // Checked before the bandwidth is looked up, so a bad body is a 400 for what it is.
        const update = parseBandwidthUpdate(request.body);
        const updated = await store.engineSession(async (tx) => {
          // Read, check and write under the bandwidth's lock: an execution resizing it at the
          // same time goes before or after this, never in between.
          const bandwidth = await tx.lockBandwidth(projectId, id);
          if (bandwidth === undefined) throw missing(id);
          const next = applyBandwidthUpdate(bandwidth, update);
          if (next.name !== bandwidth.name || next.size !== bandwidth.size) {
            await tx.updateBandwidth(next);
          }
          return next;
        });
        return bandwidthToWire(updated);
      },
    );
    done();
  };
}
