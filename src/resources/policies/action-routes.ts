import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { noContent, projectParams } from '../../http/resource-schemas.js';
import { parseBatch, parsePolicyAction } from './request-parse.js';
import { policyErrors, policySchemas, policyTags as tags } from './schemas.js';
import type { PolicyService } from './service.js';

type ProjectRequest = FastifyRequest<{ Params: { project_id: string } }>;
type PolicyRequest = FastifyRequest<{ Params: { project_id: string; scaling_policy_id: string } }>;

/** The action handlers: execute, resume or pause one policy, or act on a batch. */
function actionHandlers(service: PolicyService) {
  async function policyAction(request: PolicyRequest, reply: FastifyReply) {
    const { projectId } = request;
    const policyId = request.params.scaling_policy_id;
    const action = parsePolicyAction(request.body);
    if (action === 'execute') await service.execute(projectId, policyId);
    else if (action === 'resume') await service.resume(projectId, policyId);
    else await service.pause(projectId, policyId);
    return reply.code(204).send();
  }

  async function batchAction(request: ProjectRequest, reply: FastifyReply) {
    await service.runBatch(request.projectId, parseBatch(request.body));
    return reply.code(204).send();
  }

  return { policyAction, batchAction };
}

/**
 * The actions of the v1 API (`/v1/...` under the plugin's prefix), for group and bandwidth
 * policies alike: execute, resume or pause one policy, and delete, resume or pause a batch.
 */
export function registerPolicyActionRoutes(app: FastifyInstance, service: PolicyService): void {
  const handlers = actionHandlers(service);

  app.post(
    '/v1/:project_id/scaling_policy/:scaling_policy_id/action',
    {
      schema: {
        summary: 'Execute, resume or pause a scaling policy (v1 and v2)',
        description:
          'execute: runs the action now (execute_type MANUAL), whatever the trigger, when the policy and its group are INSERVICE. A refused execution is recorded as a FAIL log and answered with its code, the code its failed_reason starts with: AS.3027 (policy or group not in service), AS.0034 (resource busy), AS.3038 (policy executing), AS.3040 (bound reached), AS.2028 (unchanged), AS.2007 (scaling group gone), AS.3042 (bandwidth gone). resume/pause: idempotent; a resumed scheduled policy next fires at its first occurrence from now.',
        tags,
        params: policySchemas.policyParams,
        body: policySchemas.actionBody,
        response: { 204: noContent, ...policyErrors.policyBody },
      },
    },
    handlers.policyAction,
  );

  app.post(
    '/v1/:project_id/scaling_policies/action',
    {
      schema: {
        summary: 'Delete, resume or pause policies in a batch',
        description:
          'Up to 20 policy ids (v1 or v2), all or nothing: if any id is unknown, or (delete without force_delete=yes) any policy has an execution under way, nothing changes and the answer (AS.3045 delete, AS.3046 resume, AS.3047 pause) names each such id and why. delete_alarm is accepted and ignored.',
        tags,
        params: projectParams,
        body: policySchemas.batchBody,
        response: { 204: noContent, ...policyErrors.body },
      },
    },
    handlers.batchAction,
  );
}
