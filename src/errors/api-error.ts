/**
 * Every error a client can see, in one place (contract §4). Handlers throw only these; one
 * error handler renders them in the cloud's exact envelopes.
 *
 * - `as` envelope: `{"error":{"code":"AS.xxxx","message":"..."}}`
 * - `gateway` envelope: `{"error_code":"APIGW.xxxx","error_msg":"...","request_id":"..."}`
 */
import { formatWireTime } from '../domain/wire-time.js';
import { quoted, shownJson } from '../shared/shown.js';

export type ErrorEnvelope = 'as' | 'gateway';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly envelope: ErrorEnvelope;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { envelope?: ErrorEnvelope; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.envelope = options.envelope ?? 'as';
    this.headers = Object.freeze({ ...options.headers });
  }
}

const show = (value: string): string => quoted(value, 80);

/** A JSON value as the client sent it: a number bare, a string quoted, shortened past 80. */
const showJson = (value: unknown): string => shownJson(value, 80);

function gateway(status: number, message: string, headers?: Record<string, string>): ApiError {
  return new ApiError(
    status,
    'APIGW.0201',
    message,
    headers === undefined ? { envelope: 'gateway' } : { envelope: 'gateway', headers },
  );
}

/**
 * 401 in the gateway's words: "Incorrect IAM authentication information: <reason>", each
 * reason starting with the phrase the cloud's API gateway uses (clients and scripts match
 * on it) and going on to say what to do. Never a secret, never the expected signature.
 */
function iam(reason: string): ApiError {
  return new ApiError(401, 'APIGW.0301', `Incorrect IAM authentication information: ${reason}`, {
    envelope: 'gateway',
  });
}

const authorizationForm =
  'SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<header names joined by ;>, Signature=<64 hex digits>';

/** A 400 in the AS envelope: the cloud's message for `code`, then what was wrong. */
function badRequest(code: string, cloudMessage: string, detail: string): ApiError {
  return new ApiError(400, code, `${cloudMessage} ${detail}`);
}

/** One factory per documented code. Messages say what was wrong and what is accepted. */
export const apiErrors = {
  // 400: query parameters (contract §1)
  invalidLogId: (value: string) =>
    new ApiError(
      400,
      'AS.9010',
      `Invalid log_id ${show(value)}: expected a UUID such as b86e4175-30cb-4b1e-a332-83f9ee472c58 (lower-case letters and digits).`,
    ),
  invalidResourceType: (value: string) =>
    new ApiError(
      400,
      'AS.0022',
      `Invalid scaling_resource_type ${show(value)}: expected SCALING_GROUP or BANDWIDTH.`,
    ),
  invalidResourceId: (value: string) =>
    new ApiError(
      400,
      'AS.9011',
      `Invalid scaling_resource_id ${show(value)}: expected a UUID such as 1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7 (lower-case letters and digits).`,
    ),
  invalidExecuteType: (value: string) =>
    new ApiError(
      400,
      'AS.0022',
      `Invalid execute_type ${show(value)}: expected SCHEDULED (or SCHEDULE), RECURRENCE, ALARM, MANUAL or INTERVAL_ALARM.`,
    ),
  invalidTime: (param: 'start_time' | 'end_time', value: string) =>
    new ApiError(
      400,
      'AS.9007',
      `Invalid ${param} ${show(value)}: expected a UTC time yyyy-MM-ddThh:mm:ssZ such as 2019-03-18T16:00:11Z.`,
    ),
  timeRangeReversed: (start: string, end: string) =>
    new ApiError(
      400,
      'AS.9007',
      `Invalid time range: start_time ${start} is later than end_time ${end}.`,
    ),
  invalidStartNumber: (value: string, max: number) =>
    new ApiError(
      400,
      'AS.9008',
      `Invalid start_number ${show(value)}: expected an integer from 0 to ${String(max)}.`,
    ),
  invalidLimit: (value: string) =>
    new ApiError(
      400,
      'AS.9009',
      `Invalid limit ${show(value)}: expected an integer from 0 to 100.`,
    ),
  repeatedParameter: (param: string, error: ApiError) =>
    new ApiError(
      error.status,
      error.code,
      `Parameter ${param} is given more than once; give it at most once.`,
    ),
  projectMismatch: (header: string, path: string) =>
    new ApiError(
      400,
      'AS.0008',
      `The X-Project-Id header ${show(header)} differs from the project ${show(path)} in the path.`,
    ),
  invalidProjectId: (value: string) =>
    new ApiError(
      400,
      'AS.0022',
      `Invalid project id ${show(value)}: expected 1 to 64 letters, digits, '-' or '_'.`,
    ),
  badRequestBody: (message: string) => new ApiError(400, 'AS.0022', message),
  /** A query parameter that may be given once, given twice (AS.0022). */
  parameterGivenTwice: (param: string) =>
    new ApiError(
      400,
      'AS.0022',
      `Parameter ${param} is given more than once; give it at most once.`,
    ),
  ingestBodyEmpty: () =>
    badRequest(
      'AS.0002',
      'Request body is null.',
      'The request body is empty: send NDJSON, one execution log per line (curl --data-binary @FILE sends nothing when FILE is missing).',
    ),

  // 400: resources and policies (contract §4, §6). The cloud answers these 400 with its own
  // message; ours starts with it and goes on to say what was wrong and what is accepted.
  requestBodyNull: (sent: 'empty' | 'null') =>
    badRequest(
      'AS.0002',
      'Request body is null.',
      sent === 'empty'
        ? 'The request came without a body: send a JSON object as the request body.'
        : 'The body is the JSON value null: send a JSON object as the request body.',
    ),
  coolingDown: (detail: string) =>
    badRequest('AS.0026', 'Scaling action is not allowed in the cooling duration.', detail),
  groupBusy: (detail: string) =>
    badRequest(
      'AS.0034',
      'Failed to execute the policy because the AS group is in active state.',
      detail,
    ),
  invalidListStart: (value: string, max: number) =>
    badRequest(
      'AS.1001',
      'The value of parameter Start number is invalid.',
      `Got ${show(value)}: expected an integer from 0 to ${String(max)}.`,
    ),
  invalidListLimit: (value: string) =>
    badRequest(
      'AS.1002',
      'The value of parameter Limit is invalid.',
      `Got ${show(value)}: expected an integer from 0 to 100.`,
    ),
  // 400: scaling configurations (AS.10xx)
  configurationIdNull: () =>
    badRequest(
      'AS.1003',
      'The AS configuration ID is null.',
      'Give each scaling_configuration_id as a non-empty string.',
    ),
  configurationNotFound: (id: string) =>
    badRequest(
      'AS.1004',
      'The AS configuration does not exist.',
      `No scaling configuration ${show(id)} in this project.`,
    ),
  configurationInUse: (detail: string) =>
    badRequest('AS.1006', 'The AS configuration is in use.', detail),
  configurationNameNull: () =>
    badRequest(
      'AS.1007',
      'The AS configuration name is null.',
      'Give scaling_configuration_name: 1 to 64 letters, digits, underscores or hyphens.',
    ),
  configurationNameTooLong: (value: string) =>
    badRequest(
      'AS.1008',
      'The AS configuration name is too long.',
      `Got ${show(value)}: at most 64 characters.`,
    ),
  instanceConfigNull: (detail: string) =>
    badRequest('AS.1011', 'The instance configuration information is null.', detail),
  imageIdNull: () =>
    badRequest(
      'AS.1014',
      'The image ID in the AS configuration is null.',
      'Give instance_config.imageRef, the id of the image the instances boot from.',
    ),
  flavorNull: () =>
    badRequest(
      'AS.1016',
      'The specification ID in the AS configuration cannot be null.',
      'Give instance_config.flavorRef: 1 to 10 flavor ids separated by commas.',
    ),
  configurationNameInvalid: (value: string) =>
    badRequest(
      'AS.1023',
      'Invalid AS configuration name.',
      `Got ${show(value)}: use letters, digits, underscores or hyphens.`,
    ),
  configurationQuota: (max: number) =>
    badRequest(
      'AS.1024',
      'The number of AS configurations exceeds the upper limit.',
      `A project has at most ${String(max)} scaling configurations; delete an unused one first.`,
    ),
  loginModeNotUnique: () =>
    badRequest(
      'AS.1025',
      'The user login mode in the AS configuration is not unique.',
      'Give instance_config.key_name or instance_config.metadata.admin_pass, not both.',
    ),
  loginModeEmpty: () =>
    badRequest(
      'AS.1026',
      'The user login mode in the AS configuration is empty.',
      'Give instance_config.key_name (a key pair) or instance_config.metadata.admin_pass (a password).',
    ),
  personalityInvalid: (detail: string) =>
    badRequest('AS.1027', 'The scaling config personality is invalid.', detail),
  diskNull: (detail: string) =>
    badRequest('AS.1028', 'The disk in the AS configuration is null.', detail),
  systemDiskCount: (count: number) =>
    badRequest(
      'AS.1029',
      'The number of system disks in the AS configuration is invalid.',
      `Got ${String(count)} disks with disk_type SYS: give exactly one.`,
    ),
  diskSizeInvalid: (detail: string) =>
    badRequest('AS.1031', 'The size of the disk in the AS configuration is not correct.', detail),
  diskCountTooMany: (count: number) =>
    badRequest(
      'AS.1032',
      'The ECS type [instance_config.disk] in the AS configuration do not support 24 disks.',
      `Got ${String(count)} disks: at most 24.`,
    ),
  volumeTypeInvalid: (value: unknown, accepted: string) =>
    badRequest(
      'AS.1033',
      'Parameter volumeType in the AS configuration is invalid.',
      `Got ${showJson(value)}: expected one of ${accepted}.`,
    ),
  diskTypeInvalid: (value: unknown) =>
    badRequest(
      'AS.1034',
      'Parameter diskType in the AS configuration is invalid.',
      `Got ${showJson(value)}: expected SYS or DATA.`,
    ),
  adminPassInvalid: (detail: string) =>
    badRequest('AS.1035', 'Parameter adminPass in the AS configuration is invalid.', detail),
  configurationBatchFailed: (detail: string) =>
    badRequest('AS.1038', 'Batch deleting the AS configuration failed.', detail),
  configurationBatchTooMany: (count: number, max: number) =>
    badRequest(
      'AS.1039',
      'The number of AS configurations is beyond the maximum limit.',
      `Got ${String(count)} ids: delete at most ${String(max)} at a time.`,
    ),
  configurationBatchEmpty: (max: number) =>
    badRequest(
      'AS.1040',
      'The list of AS config to be deleted is null.',
      `Give scaling_configuration_id as an array of 1 to ${String(max)} configuration ids.`,
    ),
  eipNull: () =>
    badRequest(
      'AS.1041',
      'The eip info of scaling config is null.',
      'Give instance_config.public_ip.eip: {"ip_type":"5_bgp","bandwidth":{...}}.',
    ),
  bandwidthSizeInvalid: (value: unknown) =>
    badRequest(
      'AS.1042',
      'The bandwidth size of eip is invalid.',
      `Got ${showJson(value)}: expected an integer from 1 to 500 (Mbit/s).`,
    ),
  eipTypeInvalid: (value: unknown, accepted: string) =>
    badRequest(
      'AS.1043',
      'The eip type of scaling config is invalid.',
      `Got ${showJson(value)}: expected one of ${accepted}.`,
    ),
  chargingModeInvalid: (value: unknown) =>
    badRequest(
      'AS.1044',
      'The bandwidth charging mode of eip is invalid.',
      `Got ${showJson(value)}: expected bandwidth or traffic.`,
    ),
  bandwidthTypeInvalid: (detail: string) =>
    badRequest('AS.1045', 'The bandwidth type of eip is invalid.', detail),
  bandwidthSizeNull: () =>
    badRequest(
      'AS.1046',
      'The bandwidth size of eip is null.',
      'Give instance_config.public_ip.eip.bandwidth.size: an integer from 1 to 500 (Mbit/s).',
    ),
  userDataInvalid: (detail: string) =>
    badRequest('AS.1049', 'Parameter userdata in the AS configuration is invalid.', detail),
  loginModeIllegal: (value: unknown) =>
    badRequest(
      'AS.1050',
      'The user login mode in the AS configuration is illegal.',
      `Got key_name ${showJson(value)}: expected the name of a key pair, 1 to 64 characters.`,
    ),
  vmMetadataInvalid: (detail: string) =>
    badRequest('AS.1052', 'Parameter metadata in the AS configuration is invalid.', detail),
  imageIdInvalid: (value: unknown) =>
    badRequest(
      'AS.1075',
      'The image ID is invalid.',
      `Got imageRef ${showJson(value)}: expected an image id, 1 to 255 characters.`,
    ),
  multiFlavorPolicyInvalid: (value: unknown) =>
    badRequest(
      'AS.1085',
      'Invalid multi flavor priority policy.',
      `Got ${showJson(value)}: expected PICK_FIRST or COST_FIRST.`,
    ),
  flavorsTooMany: (count: number) =>
    badRequest(
      'AS.1087',
      'The number of flavors in the AS config exceeds the upper limit.',
      `Got ${String(count)} flavor ids in flavorRef: at most 10, separated by commas.`,
    ),
  groupNameNull: () =>
    badRequest(
      'AS.2002',
      'The name of the AS group is null.',
      'Give scaling_group_name: 1 to 64 letters, digits, underscores or hyphens.',
    ),
  groupNameTooLong: (value: string) =>
    badRequest(
      'AS.2003',
      'The AS group name is too long.',
      `Got ${show(value)}: at most 64 characters.`,
    ),
  groupNameInvalid: (value: string) =>
    badRequest(
      'AS.2022',
      'The AS group name contains invalid characters.',
      `Got ${show(value)}: use letters, digits, underscores, hyphens or Chinese characters.`,
    ),
  groupMinMax: (detail: string) =>
    badRequest('AS.2004', 'Invalid min or max number of instances in the AS group.', detail),
  groupDesireOutside: (detail: string) =>
    badRequest(
      'AS.2005',
      'The expected number cannot be less than the minimum number of instances or greater than the maximum number of instances.',
      detail,
    ),
  groupCoolDown: (detail: string) =>
    badRequest('AS.2006', 'Invalid cooldown period of the AS group.', detail),
  groupNotFound: (groupId: string) =>
    badRequest(
      'AS.2007',
      'The AS group does not exist.',
      `No scaling group ${show(groupId)} in this project.`,
    ),
  groupActionInvalid: (value: string) =>
    badRequest(
      'AS.2008',
      'Invalid execution action of the AS group.',
      `Got action ${show(value)}: expected resume or pause.`,
    ),
  groupForceDeleteInvalid: (value: string) =>
    badRequest(
      'AS.2019',
      'The value of the parameter that specifies whether to forcibly delete an AS group is invalid.',
      `Got force_delete ${show(value)}: expected yes or no.`,
    ),
  groupStatusForbids: (groupId: string, status: string) =>
    badRequest(
      'AS.2033',
      `You are not allowed to perform the operation when the AS group is in current [${status}] status.`,
      status === 'scaling'
        ? `The scaling group ${show(groupId)} has a scaling action under way: wait for it to end.`
        : `The scaling group ${show(groupId)} is ${status}: resume it first.`,
    ),
  /**
   * The notification API: a topic URN, scene or topic count the group cannot take, and a
   * topic the group does not notify (no message service stands behind Scalelog: see the
   * notifications section of DEVIATIONS).
   */
  notificationInvalid: (detail: string) =>
    badRequest('AS.2034', 'Invalid notification method of the AS group.', detail),
  manualAddOverMax: (instances: number, adding: number, max: number) =>
    badRequest(
      'AS.2035',
      'The number of instances manually added to the AS group exceeds the maximum number of the instances required in the AS group.',
      `The group has ${String(instances)} instances and ${String(adding)} more would pass its maximum of ${String(max)}.`,
    ),
  manualRemoveUnderMin: (instances: number, removing: number, min: number) =>
    badRequest(
      'AS.2036',
      'The number of instances manually deleted is less than the minimum number of the instances required in the AS group.',
      `The group has ${String(instances)} instances and ${String(removing)} fewer would go under its minimum of ${String(min)}.`,
    ),
  desireUnderProtected: (desire: number, protectedCount: number) =>
    badRequest(
      'AS.2010',
      'The expected number of instances in the AS group cannot be smaller than the number of instances for which instance protection has been configured.',
      `Got desire_instance_number ${String(desire)}: ${String(protectedCount)} instances are protected from scale-in.`,
    ),
  // 400: instances (AS.40xx)
  instanceListStart: (value: string) =>
    badRequest(
      'AS.4000',
      'The value of parameter start_number in the request for the instance is invalid.',
      `Got ${show(value)}: expected an integer of 0 or more.`,
    ),
  instanceListLimit: (value: string) =>
    badRequest(
      'AS.4001',
      'The value of parameter limit in the request for the instance is invalid.',
      `Got ${show(value)}: expected an integer from 0 to 100.`,
    ),
  instanceLifeCycleState: (value: string, accepted: readonly string[]) =>
    badRequest(
      'AS.4003',
      'The value of parameter life_cycle_state in the instance request is invalid.',
      `Got ${show(value)}: expected one of ${accepted.join(', ')}.`,
    ),
  instanceHealthStatus: (value: string, accepted: readonly string[]) =>
    badRequest(
      'AS.4004',
      'The value of parameter health_status in the request for the instance is invalid.',
      `Got ${show(value)}: expected one of ${accepted.join(', ')}.`,
    ),
  instanceGroupNotFound: (groupId: string) =>
    badRequest(
      'AS.4005',
      'Parameter scaling_group_id in the request for the instance does not exist.',
      `No scaling group ${show(groupId)} in this project.`,
    ),
  instanceNotFound: (instanceId: string) =>
    badRequest(
      'AS.4006',
      'The instance does not exist.',
      `No instance ${show(instanceId)} in this project (stand-in servers are created at /scalelog/v1/{project_id}/servers).`,
    ),
  instanceDeleteInvalid: (value: string) =>
    badRequest(
      'AS.4007',
      'The value of the parameter that specifies whether to delete the instance is invalid.',
      `Got instance_delete ${show(value)}: expected yes or no.`,
    ),
  instancesEmpty: (code: 'AS.4013' | 'AS.4019' | 'AS.4032', action: string) =>
    badRequest(
      code,
      code === 'AS.4013'
        ? 'The list of instances to be deleted is null.'
        : code === 'AS.4019'
          ? 'The list of instances to be added to the AS group is empty.'
          : 'The list of instances is null.',
      `Give instances_id, 1 to 10 instance ids, for ${action}.`,
    ),
  instanceNotInGroup: (instanceId: string, groupId: string) =>
    badRequest(
      'AS.4014',
      'The instances do not belong to the same AS group.',
      `The instance ${show(instanceId)} is not in the scaling group ${show(groupId)}.`,
    ),
  instanceNotInState: (instanceId: string, state: string, expected: string) =>
    badRequest(
      'AS.4015',
      'The instance is not in the inservice status.',
      `The instance ${show(instanceId)} is ${state}: the action takes ${expected} instances only.`,
    ),
  instanceActionInvalid: (value: string) =>
    badRequest(
      'AS.4018',
      'The action of the body in the request to operate the instance is invalid.',
      `Got action ${value}: expected ADD, REMOVE, PROTECT, UNPROTECT, ENTER_STANDBY or EXIT_STANDBY.`,
    ),
  instanceAlreadyInGroup: (instanceId: string) =>
    badRequest(
      'AS.4023',
      'The added instance has already existed.',
      `The instance ${show(instanceId)} is already in this scaling group.`,
    ),
  instanceInOtherGroup: (instanceId: string, groupId: string) =>
    badRequest(
      'AS.4027',
      'The added instance has already existed in other AS group.',
      `The instance ${show(instanceId)} is in the scaling group ${show(groupId)}: remove it there first.`,
    ),
  instanceIdNull: (detail: string) =>
    badRequest('AS.4028', 'The AS instance ID cannot be null.', detail),
  instancesTooMany: (count: number) =>
    badRequest(
      'AS.4043',
      'The number of instances exceeds the upper limit.',
      `Got ${String(count)} instance ids: at most 10 at a time.`,
    ),
  groupWithoutConfiguration: (detail: string) =>
    badRequest('AS.2018', 'No AS configuration is in the AS group.', detail),
  groupNotEmpty: (detail: string) =>
    badRequest('AS.2021', 'The current number of instances in the AS group is not 0.', detail),
  groupDesireUnchanged: (detail: string) =>
    badRequest(
      'AS.2028',
      'The modified expected number of instances is the same as the original number.',
      detail,
    ),
  invalidGroupField: (detail: string) => badRequest('AS.0022', 'Request body error', detail),
  groupNetworksInvalid: (detail: string) =>
    badRequest('AS.2013', 'Parameter networks in the AS group is invalid.', detail),
  groupVpcNull: () =>
    badRequest(
      'AS.2017',
      'The ID of the VPC in the AS group is null.',
      "Give vpc_id, the VPC the group's instances live in.",
    ),
  groupQuota: (max: number) =>
    badRequest(
      'AS.2023',
      'The number of AS groups exceeds the upper limit.',
      `A project has at most ${String(max)} scaling groups; delete one first.`,
    ),
  groupInstanceQuota: (maxInstances: number, quota: number) =>
    badRequest(
      'AS.2045',
      'The min or max number of instances in the AS group exceeds the upper limit.',
      `Got max_instance_number ${String(maxInstances)}: a group has at most ${String(quota)} instances.`,
    ),
  groupSubnetsTooMany: (count: number) =>
    badRequest(
      'AS.2024',
      'The number of subnets in the AS group exceeds the upper limit.',
      `Got ${String(count)} networks: at most 5.`,
    ),
  groupSecurityGroupsTooMany: (count: number) =>
    badRequest(
      'AS.2025',
      'The number of security groups in the AS group exceeds the upper limit.',
      `Got ${String(count)} security_groups: at most 1.`,
    ),
  groupListenersNotUnique: () =>
    badRequest(
      'AS.2026',
      'The type of listeners in the AS group is not unique.',
      'Give lb_listener_id or lbaas_listeners, not both.',
    ),
  groupAuditMethodInvalid: (value: string) =>
    badRequest(
      'AS.2029',
      'Invalid health check method of the AS group.',
      `Got ${show(value)}: expected ELB_AUDIT or NOVA_AUDIT.`,
    ),
  groupAuditTimeInvalid: (value: string) =>
    badRequest(
      'AS.2031',
      'Invalid health check period of the AS group.',
      `Got ${show(value)}: expected 0, 1, 5, 15, 60 or 180 (minutes; 0 checks every 10 seconds).`,
    ),
  groupTerminatePolicyInvalid: (value: string) =>
    badRequest(
      'AS.2032',
      'Invalid instance removal policy.',
      `Got ${show(value)}: expected OLD_CONFIG_OLD_INSTANCE, OLD_CONFIG_NEW_INSTANCE, OLD_INSTANCE or NEW_INSTANCE.`,
    ),
  groupGracePeriodInvalid: (value: string) =>
    badRequest(
      'AS.2046',
      'Invalid health check grace period of the AS group.',
      `Got ${show(value)}: expected an integer from 0 to 86400 (seconds).`,
    ),
  groupMultiAzPolicyInvalid: (value: string) =>
    badRequest(
      'AS.2053',
      'Invalid multi az priority policy.',
      `Got ${show(value)}: expected EQUILIBRIUM_DISTRIBUTE or PICK_FIRST.`,
    ),

  // 400: scheduled tasks. The cloud documents no codes of their own: a schedule is refused
  // with the policy schedule's codes (AS.3003 to AS.3033), numbers with the group's.
  taskScheduleNull: () =>
    badRequest(
      'AS.3003',
      'The information about the AS policy is null.',
      'A scheduled task needs scheduled_policy, an object with launch_time and, for a recurring task, recurrence_type and end_time.',
    ),
  taskRecurrenceTypeInvalid: (value: string) =>
    badRequest(
      'AS.3004',
      'Invalid recurrence type in the AS policy.',
      `Got recurrence_type ${show(value)}: expected DAILY, WEEKLY or MONTHLY, or none for a one-off task.`,
    ),
  taskEndTimeNull: () =>
    badRequest(
      'AS.3005',
      'The end time of the scaling action triggered periodically is empty.',
      'A recurring task needs scheduled_policy.end_time, YYYY-MM-DDThh:mmZ (UTC).',
    ),
  taskQuota: (max: number) =>
    badRequest(
      'AS.0022',
      'Request body error',
      `A scaling group has at most ${String(max)} scheduled tasks; delete one first.`,
    ),
  taskListMarker: (value: string) =>
    badRequest(
      'AS.0022',
      'Request body error',
      `Invalid marker ${show(value)}: expected the task_id of a task of this group, as page_info.next_marker gives it.`,
    ),
  taskListLimit: (value: string) =>
    badRequest(
      'AS.0022',
      'Request body error',
      `Invalid limit ${show(value)}: expected an integer from 1 to 100.`,
    ),
  policyTypeInvalid: (value: string, accepted: string) =>
    badRequest('AS.3002', 'Invalid AS policy type.', `Got ${show(value)}: expected ${accepted}.`),
  scheduledPolicyNull: (type: string) =>
    badRequest(
      'AS.3003',
      'The information about the AS policy is null.',
      `A ${type} policy needs scheduled_policy.`,
    ),
  recurrenceTypeInvalid: (value: string) =>
    badRequest(
      'AS.3004',
      'Invalid recurrence type in the AS policy.',
      `Got ${show(value)}: expected Daily, Weekly or Monthly.`,
    ),
  endTimeNull: () =>
    badRequest(
      'AS.3005',
      'The end time of the scaling action triggered periodically is empty.',
      'A RECURRENCE policy needs scheduled_policy.end_time, YYYY-MM-DDThh:mmZ (UTC).',
    ),
  endTimeFormat: (value: string) =>
    badRequest(
      'AS.3006',
      'The format of the end time for the scaling action triggered periodically is incorrect.',
      `Got ${show(value)}: expected YYYY-MM-DDThh:mmZ (UTC) such as 2026-12-31T23:59Z.`,
    ),
  endTimeNotFuture: (value: string, now: string) =>
    badRequest(
      'AS.3007',
      'The end time of the scaling action triggered periodically must be later than the current time.',
      `Got ${value}; it is ${now} now.`,
    ),
  launchTimeNull: () =>
    badRequest(
      'AS.3008',
      'Parameter lanchTime in the AS policy is null.',
      'Give scheduled_policy.launch_time.',
    ),
  launchTimeFormat: (value: string, expected: string) =>
    badRequest(
      'AS.3009',
      'The format of parameter lanchTime is incorrect.',
      `Got ${show(value)}: expected ${expected}.`,
    ),
  launchTimeNotFuture: (value: string, now: string) =>
    badRequest(
      'AS.3010',
      'The triggering time of the scheduled policy must be later than the current time.',
      `Got ${value}; it is ${now} now.`,
    ),
  policyTypeNull: (accepted: string) =>
    badRequest('AS.3011', 'The AS policy type is null.', `Give scaling_policy_type: ${accepted}.`),
  policyCoolDown: (value: unknown) =>
    badRequest(
      'AS.3012',
      'Invalid cooldown period in the AS policy.',
      `Got cool_down_time ${showJson(value)}: expected an integer from 0 to 86400 (seconds).`,
    ),
  policyNameNull: () =>
    badRequest(
      'AS.3013',
      'The AS policy name is null.',
      'Give scaling_policy_name: 1 to 64 letters, digits, underscores or hyphens.',
    ),
  policyNameLength: (value: string) =>
    badRequest(
      'AS.3014',
      'The length of the AS policy name is invalid.',
      `Got ${show(value)}: 1 to 64 characters.`,
    ),
  policyActionNull: () =>
    badRequest(
      'AS.3015',
      'The action in the AS policy is null.',
      'scaling_policy_action must be an object such as {"operation":"ADD","instance_number":1}.',
    ),
  operationInvalid: (value: string, accepted: string) =>
    badRequest(
      'AS.3017',
      'The operation to perform the action in the AS policy action is invalid.',
      `Got ${show(value)}: expected ${accepted}.`,
    ),
  actionNumberInvalid: (field: string, value: unknown, accepted: string) =>
    badRequest(
      'AS.3018',
      'The number of instances which action in the AS policy operates on is invalid.',
      `Got ${field} ${showJson(value)}: expected ${accepted}.`,
    ),
  policyGroupIdNull: () =>
    badRequest(
      'AS.3019',
      'The AS group ID in the AS policy cannot be null.',
      'Give scaling_group_id, the id of a scaling group of this project.',
    ),
  policyActionInvalid: (value: string, accepted: string) =>
    badRequest(
      'AS.3022',
      'The action of the AS policy request body is invalid.',
      `Got action ${show(value)}: expected ${accepted}.`,
    ),
  recurrenceTypeNull: () =>
    badRequest(
      'AS.3023',
      'The period type of the AS policy is null.',
      'A RECURRENCE policy needs scheduled_policy.recurrence_type: Daily, Weekly or Monthly.',
    ),
  recurrenceValueNull: (type: string) =>
    badRequest(
      'AS.3024',
      'The value of the period type of the AS policy is null.',
      `A ${type} recurrence needs scheduled_policy.recurrence_value.`,
    ),
  recurrenceValueInvalid: (value: string, accepted: string) =>
    badRequest(
      'AS.3025',
      'The value of period type of the AS policy is invalid.',
      `Got ${show(value)}: expected ${accepted}.`,
    ),
  alarmIdNull: () =>
    badRequest(
      'AS.3026',
      'The alarm ID in the AS policy is null.',
      'An ALARM policy needs alarm_id.',
    ),
  policyNotInService: (detail: string) =>
    badRequest(
      'AS.3027',
      'The AS policy must be in the inservice status when the AS policy is performed.',
      detail,
    ),
  startTimeFormat: (value: string) =>
    badRequest(
      'AS.3028',
      'The format of the start time for the scaling action triggered periodically is incorrect.',
      `Got ${show(value)}: expected YYYY-MM-DDThh:mmZ (UTC) such as 2026-12-01T00:00Z.`,
    ),
  startAfterEnd: (start: string, end: string) =>
    badRequest(
      'AS.3029',
      'The start time of the scaling action triggered periodically must be earlier than the end time.',
      `Got start_time ${start} and end_time ${end}.`,
    ),
  policyNameInvalid: (value: string) =>
    badRequest(
      'AS.3031',
      'Invalid AS policy name.',
      `Got ${show(value)}: use letters, digits, underscores, hyphens or Chinese characters.`,
    ),
  policyQuota: (max: number, resource = 'A scaling resource') =>
    badRequest(
      'AS.3032',
      'The number of AS policies exceeds the upper limit.',
      `${resource} has at most ${String(max)} policies; delete one first.`,
    ),
  recurrenceWindowEmpty: (detail: string) =>
    badRequest(
      'AS.3033',
      'The triggering time of the periodic policy is not included in the effective time of the policy.',
      detail,
    ),
  percentageInvalid: (field: string, value: unknown, accepted: string) =>
    badRequest(
      'AS.3035',
      'The percentage of instances which action in the AS policy operates on is invalid.',
      `Got ${field} ${showJson(value)}: expected ${accepted}.`,
    ),
  actionNotUnique: (number: string, percentage: string) =>
    badRequest(
      'AS.3036',
      'The action in the AS policy operates is not unique.',
      `Give ${number} or ${percentage}, not both.`,
    ),
  resourceTypeInvalid: (value: string) =>
    badRequest(
      'AS.3037',
      'The scaling resource type in the AS policy is invalid.',
      `Got ${show(value)}: expected SCALING_GROUP or BANDWIDTH.`,
    ),
  policyExecuting: (detail: string) =>
    badRequest('AS.3038', 'The AS policy is in executing status.', detail),
  adjustmentLimit: (detail: string) =>
    badRequest('AS.3040', 'The adjustment by policy reached the limit.', detail),
  resourceIdNull: () =>
    badRequest(
      'AS.3041',
      'The scaling resource ID in the AS policy is null.',
      'Give scaling_resource_id, the id of a scaling group or bandwidth of this project.',
    ),
  resourceNotFound: (type: string, id: string) =>
    badRequest(
      'AS.3042',
      'The scaling resource in the AS policy does not exist.',
      `No ${type} ${show(id)} in this project.`,
    ),
  limitsInvalid: (detail: string) =>
    badRequest(
      'AS.3043',
      'The limit which action in the AS policy operates on is invalid.',
      detail,
    ),
  batchFailed: (action: 'delete' | 'resume' | 'pause', detail: string) =>
    badRequest(
      action === 'delete' ? 'AS.3045' : action === 'resume' ? 'AS.3046' : 'AS.3047',
      `Failed to ${action} policies in a batch.`,
      detail,
    ),
  policyForceDeleteInvalid: (value: string) =>
    badRequest(
      'AS.3048',
      'The value of the parameter that specifies whether to forcibly delete the policy is invalid.',
      `Got force_delete ${show(value)}: expected yes or no.`,
    ),
  batchEmpty: () =>
    badRequest(
      'AS.3049',
      'The list of AS policies to be batched is empty.',
      'Give scaling_policy_id as an array of 1 to 20 policy ids.',
    ),
  alarmIdIllegal: (value: string) =>
    badRequest(
      'AS.3050',
      'The alarm ID in the AS policy is illegal.',
      `Got ${show(value)}: 1 to 64 letters, digits, underscores or hyphens.`,
    ),
  resourceTypeNull: () =>
    badRequest(
      'AS.3054',
      'The scaling resource type in the AS policy is null.',
      'Give scaling_resource_type: SCALING_GROUP or BANDWIDTH.',
    ),
  resourceIdFormat: (value: string) =>
    badRequest(
      'AS.3055',
      'The scaling resource ID in the AS policy is format wrong.',
      `Got ${show(value)}: expected a UUID such as 1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7.`,
    ),
  deleteAlarmInvalid: (value: string) =>
    badRequest(
      'AS.3056',
      'The value of the parameter that specifies whether to delete the alarm in the AS policy is invalid.',
      `Got delete_alarm ${show(value)}: expected yes or no.`,
    ),
  sortByInvalid: (value: string) =>
    badRequest(
      'AS.3057',
      'The value of parameter sort_by in the request is invalid.',
      `Got ${show(value)}: expected POLICY_NAME, TRIGGER_CONDITION or CREATE_TIME.`,
    ),
  orderInvalid: (value: string) =>
    badRequest(
      'AS.3058',
      'The value of parameter order in the request is invalid.',
      `Got ${show(value)}: expected ASC or DESC.`,
    ),

  // 400: the scaling activity log query (AS.4008 to AS.4012; AS.0022 for type and status,
  // which the appendix gives no code of their own)
  activityStartTimeInvalid: (value: string) =>
    badRequest(
      'AS.4008',
      'The start time format of the log about the expected number of the instances is incorrect.',
      `Got start_time ${show(value)}: expected a UTC time yyyy-MM-ddThh:mm:ssZ such as 2019-03-18T16:00:11Z.`,
    ),
  activityEndTimeInvalid: (value: string) =>
    badRequest(
      'AS.4009',
      'The end time format of the log about expected number of the instances is incorrect.',
      `Got end_time ${show(value)}: expected a UTC time yyyy-MM-ddThh:mm:ssZ such as 2019-03-18T16:00:11Z.`,
    ),
  activityEndBeforeStart: (start: string, end: string) =>
    badRequest(
      'AS.4009',
      'The end time format of the log about expected number of the instances is incorrect.',
      `end_time ${show(end)} is earlier than start_time ${show(start)}: give an end at or after the start.`,
    ),
  activityStartNumberInvalid: (value: string, max: number) =>
    badRequest(
      'AS.4010',
      'Parameter start_number in the request for the log about the expected number of instances is invalid.',
      `Got ${show(value)}: expected an integer from 0 to ${String(max)}.`,
    ),
  activityLimitInvalid: (value: string) =>
    badRequest(
      'AS.4011',
      'The value of parameter limit in the request for the log about the expected number of instances is invalid.',
      `Got ${show(value)}: expected an integer from 0 to 100.`,
    ),
  activityLogIdInvalid: (value: string) =>
    badRequest(
      'AS.4012',
      'The value of parameter logId in the request for the log about the expected number of instances is invalid.',
      `Got log_id ${show(value)}: expected an activity log id such as 66e0f775-c4ac-4b52-9d5c-f93ba217aa5f (lower-case letters and digits).`,
    ),
  activityTypeInvalid: (value: string, accepted: string) =>
    badRequest(
      'AS.0022',
      'Request body error',
      `Got type ${show(value)}: expected one or more of ${accepted}, separated by commas.`,
    ),
  activityStatusInvalid: (value: string) =>
    badRequest(
      'AS.0022',
      'Request body error',
      `Got status ${show(value)}: expected SUCCESS, FAIL or DOING.`,
    ),

  // 400: tags (AS.7044 to AS.7063). Each takes what was wrong, said for the field it names.
  tagsNull: (detail: string) => badRequest('AS.7044', 'The tag of this resource is null.', detail),
  tagsTooMany: (detail: string) => badRequest('AS.7045', 'The number of tags exceeded.', detail),
  tagInvalid: (detail: string) =>
    badRequest('AS.7046', 'The tags in the resource is invalid.', detail),
  tagValueTooLong: (detail: string) =>
    badRequest('AS.7047', 'The value of tag in the resource is too long.', detail),
  tagResourceTypeInvalid: (value: string, accepted: readonly string[]) =>
    badRequest(
      'AS.7048',
      'The resource type in this operation with tag is invalid.',
      `Got resource type ${show(value)}: expected ${accepted.join(' or ')}.`,
    ),
  tagActionInvalid: (detail: string) =>
    badRequest('AS.7049', 'The action in this operation with tag is invalid.', detail),
  tagKeyDuplicate: (key: string, where: string) =>
    badRequest(
      'AS.7050',
      'The key of tag cannot be duplicate.',
      `Key ${show(key)} is given more than once in ${where}.`,
    ),
  tagMatchesInvalid: (detail: string) =>
    badRequest('AS.7052', 'The matches in the resource is invalid.', detail),
  tagValueDuplicate: (key: string, value: string) =>
    badRequest(
      'AS.7054',
      'The value of tag cannot be duplicate.',
      `Value ${show(value)} is given more than once for key ${show(key)}.`,
    ),
  tagKeyNull: (detail: string) => badRequest('AS.7062', 'The key of scaling tag is null.', detail),
  tagKeyTooLong: (detail: string) =>
    badRequest('AS.7063', 'The key of scaling tag is too long.', detail),

  // 401: authentication (contract §4, §5)
  credentialsMissing: () =>
    iam(
      `x-auth-token not found: sign the request with an AK/SK (Authorization: ${authorizationForm}) or send X-Auth-Token.`,
    ),
  authorizationMalformed: (why: string) =>
    iam(`unsupported Authorization header: ${why}. Expected ${authorizationForm}.`),
  sdkDateMissing: () =>
    iam(
      'x-sdk-date not found: a request signed with an AK/SK must send X-Sdk-Date, the UTC time it was signed as YYYYMMDDTHHMMSSZ.',
    ),
  sdkDateMalformed: (value: string) =>
    iam(`x-sdk-date ${show(value)} is not a UTC time YYYYMMDDTHHMMSSZ such as 20240102T030405Z.`),
  signatureExpired: (sdkDate: string, earliest: string, latest: string) =>
    iam(
      `signature expired: X-Sdk-Date ${sdkDate} is more than 15 minutes from the server time; the server accepts ${earliest} to ${latest} now. Sign with the current UTC time and check the client's clock.`,
    ),
  accessKeyUnknown: (ak: string) =>
    iam(`ak not exist: no credential has the access key ${show(ak)}.`),
  devAccessKeyNotServed: (ak: string) =>
    iam(
      `ak not exist: ${show(ak)} is the development credential, which only a server started with 'scalelog serve --dev' accepts. Sign with a credential of this store ('scalelog credentials create'), or start the server with --dev.`,
    ),
  /**
   * Says only what concerns the asking client (its own address and lock): whether the AK is
   * locked for other addresses is not told. `Retry-After` says when, as the message does.
   */
  accessKeyLocked: (client: string, lockedUntil: number, now: number) => {
    const seconds = Math.ceil((lockedUntil - now) / 1000);
    const retryAt = formatWireTime(Math.ceil(lockedUntil / 1000));
    return new ApiError(
      401,
      'APIGW.0301',
      `Incorrect IAM authentication information: the access key is locked for ${seconds} more seconds for requests from ${client} after repeated signature failures from there; retry after ${retryAt} with a correct signature. A further lock of this address lasts longer.`,
      { envelope: 'gateway', headers: { 'retry-after': String(seconds) } },
    );
  },
  signatureMismatch: () =>
    iam(
      'verify aksk signature fail: the signature does not match the request. Check the SK, and that the method, path, query, signed headers and body are sent exactly as they were signed.',
    ),
  tokenUnknown: () => iam('token not exist: the X-Auth-Token is unknown or has been revoked.'),
  tokenExpired: () => iam('token expired: the X-Auth-Token is past its expiry; create a new one.'),

  // 403
  projectForbidden: (projectId: string) =>
    new ApiError(
      403,
      'AS.0011',
      `The credential has no access to project ${show(projectId)}: it belongs to another project. Use an AK/SK or token of project ${show(projectId)}.`,
    ),

  // 404
  policyNotFound: () => new ApiError(404, 'AS.3020', 'The AS policy does not exist.'),
  /** Scalelog's own resources (bandwidths, alarms), where the VPC service would answer. */
  resourceMissing: (what: string, id: string) =>
    new ApiError(
      404,
      'AS.0007',
      `The requested resource [${what} ${show(id)}] could not be found.`,
    ),
  /** Scalelog's trigger endpoint on a policy with no trigger pending (its own code: not a cloud API). */
  noPendingTrigger: (detail: string) =>
    new ApiError(409, 'SCALELOG.0409', `The policy has no trigger pending. ${detail}`),
  /** The same endpoint for a scheduled task with no occurrence to come. */
  noPendingTask: (taskId: string) =>
    new ApiError(
      409,
      'SCALELOG.0409',
      `The scheduled task ${show(taskId)} has no occurrence pending: a one-off task that has run, or a recurrence that has ended.`,
    ),
  /** A developer endpoint that this server does not serve (off unless configured). */
  devEndpointOff: () =>
    new ApiError(
      404,
      'APIGW.0101',
      'The API does not exist or has not been published in the environment. Scalelog serves its developer endpoints only with devTriggers on (SCALELOG_DEV_TRIGGERS=true, or serve --dev).',
      { envelope: 'gateway' },
    ),
  apiNotFound: () =>
    new ApiError(
      404,
      'APIGW.0101',
      'The API does not exist or has not been published in the environment.',
      {
        envelope: 'gateway',
      },
    ),

  // 409: a write that conflicts with the current state (contract §4: AS.0003).
  /** A resource that something still depends on; `detail` says what, and what to do. */
  resourceInUse: (what: string, id: string, detail: string) =>
    new ApiError(409, 'AS.0003', `The ${what} ${show(id)} is in use: ${detail}`),

  // 405, 406, 408, 413, 415: protocol-level refusals, answered as the gateway answers them.
  // The gateway's APIGW.0201 covers bad requests of this kind ("Request entity too large" etc.).
  /** A request the HTTP layer could not make sense of (malformed request line, bad escape). */
  malformedRequest: (message: string) => gateway(400, message),
  /** `%00` in the path or query: no id, name or filter value can hold U+0000. */
  urlHasNul: () =>
    gateway(
      400,
      'The request URL contains %00 (U+0000), which no id, name or filter value can hold.',
    ),
  methodNotAllowed: (method: string, allow: readonly string[]) =>
    gateway(405, `Method ${method} is not allowed on this path; allowed: ${allow.join(', ')}.`, {
      allow: allow.join(', '),
    }),
  notAcceptable: () =>
    gateway(406, 'The Accept header rules out application/json, the only type this API returns.'),
  requestTimeout: () => gateway(408, 'The request was not received in time.'),
  headersTooLarge: (limitBytes: number) =>
    gateway(
      431,
      `Request header fields too large: the request line and headers together may take at most ${String(limitBytes)} bytes.`,
    ),
  bodyTooLarge: (limitBytes: number, setting: { readonly name: string; readonly env: string }) =>
    gateway(
      413,
      `Request entity too large: the limit is ${String(limitBytes)} bytes. Send less per request, or raise the server's limit with the setting ${setting.name} (${setting.env}).`,
    ),
  unsupportedMediaType: (type: string, accepted: readonly string[]) =>
    gateway(415, `Content-Type ${show(type)} is not accepted here; send ${accepted.join(' or ')}.`),

  // 5xx: the cloud's generic system error code, never internals.
  system: () => new ApiError(500, 'AS.0001', 'System error.'),
  storeUnavailable: (retryAfterSeconds: number) =>
    new ApiError(
      503,
      'AS.0001',
      'Service temporarily unavailable: the store cannot be reached. Retry later.',
      {
        headers: { 'retry-after': String(retryAfterSeconds) },
      },
    ),
  storeBusy: (retryAfterSeconds: number) =>
    new ApiError(
      503,
      'AS.0001',
      `Service temporarily unavailable: the store is busy with another write (another process, such as a running import, holds its write lock). Reads go on; retry the write in ${String(retryAfterSeconds)} seconds.`,
      { headers: { 'retry-after': String(retryAfterSeconds) } },
    ),
  /**
   * The server sheds load (too many requests at once, a lagging event loop, a full store
   * queue): refused at once, before any work, so a retry later finds it answering. `why`
   * is for the log, never shown to the client.
   */
  // 400: lifecycle hooks (AS.70xx), in the reference's words, then what was wrong
  hookTimeoutInvalid: (value: string) =>
    badRequest(
      'AS.7030',
      'Invalid lifecycle hook default timeout.',
      `Got default_timeout ${value}: expected a whole number of seconds from 60 to 86400.`,
    ),
  hookNameInvalid: (value: string) =>
    badRequest(
      'AS.7031',
      'Invalid lifecycle hook name.',
      `Got lifecycle_hook_name ${value}: expected 1 to 32 letters, digits, underscores (_) or hyphens (-).`,
    ),
  hookNameEmpty: () =>
    badRequest(
      'AS.7032',
      'The name of the lifecycle hook is empty.',
      'lifecycle_hook_name is required.',
    ),
  hookTypeInvalid: (value: string) =>
    badRequest(
      'AS.7033',
      'Invalid lifecycle hook type.',
      `Got lifecycle_hook_type ${value}: expected INSTANCE_LAUNCHING or INSTANCE_TERMINATING.`,
    ),
  hookResultInvalid: (field: string, value: string, accepted: string) =>
    badRequest(
      'AS.7034',
      'Invalid lifecycle hook callback action result.',
      `Got ${field} ${value}: expected ${accepted}.`,
    ),
  hookMetadataTooLong: (length: number) =>
    badRequest(
      'AS.7035',
      'The metadata of the lifecycle hook is too long.',
      `notification_metadata has ${String(length)} characters: at most 256 are accepted.`,
    ),
  hookNotFound: (groupId: string, name: string) =>
    badRequest(
      'AS.7036',
      'The lifecycle hook is null.',
      `The scaling group ${show(groupId)} has no lifecycle hook ${show(name)}.`,
    ),
  hookTypeEmpty: () =>
    badRequest(
      'AS.7037',
      'The type of the lifecycle hook is empty.',
      'lifecycle_hook_type is required: INSTANCE_LAUNCHING or INSTANCE_TERMINATING.',
    ),
  hooksTooMany: (groupId: string) =>
    badRequest(
      'AS.7038',
      'The number of hooks in the AS group exceeds the upper limit.',
      `The scaling group ${show(groupId)} has 5 lifecycle hooks already, the most a group takes.`,
    ),
  hookCallbackResultEmpty: () =>
    badRequest(
      'AS.7039',
      'The lifecycle hook callback action result is empty.',
      'lifecycle_action_result is required: CONTINUE, ABANDON or EXTEND.',
    ),
  hookCallbackObjectEmpty: () =>
    badRequest(
      'AS.7040',
      'The lifecycle hook callback object is empty.',
      'Name the hold by lifecycle_action_key, or by instance_id and lifecycle_hook_name.',
    ),
  hookNameExists: (groupId: string, name: string) =>
    badRequest(
      'AS.7041',
      'The lifecycle hook callback object is empty.',
      `The scaling group ${show(groupId)} has a lifecycle hook named ${show(name)} already.`,
    ),
  hookCallbackObjectNotFound: (detail: string) =>
    badRequest('AS.7042', 'The lifecycle hook callback object does not exist.', detail),
  hookTopicInvalid: (detail: string) =>
    badRequest('AS.7043', 'The lifecycle hook topic urn does not exist.', detail),
  hookMetadataCharacters: () =>
    badRequest(
      'AS.7055',
      'The metadata of the lifecycle hook has special character.',
      "notification_metadata may not hold any of < > & ' ( ).",
    ),
  overloaded: (retryAfterSeconds: number, why: string) =>
    new ApiError(
      503,
      'AS.0001',
      `Service temporarily unavailable: the server is overloaded. Retry in ${String(retryAfterSeconds)} seconds.`,
      { headers: { 'retry-after': String(retryAfterSeconds) }, cause: why },
    ),
  queryTimeout: () =>
    new ApiError(
      504,
      'AS.0001',
      'The query ran past its time limit. Narrow the filters or the time window and retry.',
    ),
  writeTimeout: () =>
    new ApiError(
      504,
      'AS.0001',
      'The store did not answer within its time limit, so nothing was changed (the write was rolled back). Retry in a moment.',
    ),
  writeInDoubt: (resendIsSafe: boolean) =>
    new ApiError(
      504,
      'AS.0001',
      `The store did not confirm the write within its time limit: it may or may not have been applied. ${
        resendIsSafe
          ? 'Sending the same logs again is safe (a log is stored once per id).'
          : 'Read the resource back to see whether it was before sending the request again.'
      }`,
    ),
} as const;
