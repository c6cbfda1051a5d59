import { randomUUID } from 'node:crypto';
import type { HookWait, LifecycleHook } from '../domain/lifecycle-hook.js';
import { parseTopicUrn, topicNameOf } from '../domain/notification.js';
import type { SentNotification, TopicScene } from '../domain/notification.js';
import type { ActivityInstance, ScalingActivity } from '../domain/scaling-activity.js';
import type { ScalingGroup } from '../domain/scaling-group.js';
import { formatWireTimeMs } from '../domain/wire-time.js';
import type { ResourceTransaction } from '../store/resource-store.js';

/**
 * The scene an activity's end tells of: a scale-out or scale-in that succeeded or failed.
 * An activity that neither adds nor removes instances (standby, a load balancer change)
 * tells of none.
 */
export function activityScene(activity: ScalingActivity): TopicScene | undefined {
  if (activity.status === 'FAIL') {
    return activity.desireValue >= activity.instanceValue ? 'SCALING_UP_FAIL' : 'SCALING_DOWN_FAIL';
  }
  if (activity.status !== 'SUCCESS') return undefined;
  if (activity.added.length > 0) return 'SCALING_UP';
  if (activity.removed.length > 0 || activity.deleted.length > 0) return 'SCALING_DOWN';
  return undefined;
}

const ids = (instances: readonly ActivityInstance[]): string[] => instances.map((i) => i.id);

/**
 * Records, in the caller's transaction, the notifications an activity's end would send: one
 * to each topic of the group told of its scene, PENDING delivery when the topic has a
 * webhook. Called where the end is written (an activity recorded as failed, or written
 * down as settled by the one server whose conditional update changed it), and recorded
 * once per activity, scene and topic whoever calls it again. Returns what it recorded.
 */
export async function recordActivityNotifications(
  tx: ResourceTransaction,
  activity: ScalingActivity,
  options: { readonly newId?: () => string } = {},
): Promise<SentNotification[]> {
  const scene = activityScene(activity);
  if (scene === undefined) return [];
  const { projectId, groupId } = activity;
  const topics = (await tx.notifications.topicsOf(projectId, groupId)).filter((t) =>
    t.scenes.includes(scene),
  );
  if (topics.length === 0) return [];
  const group = await tx.groups.get(projectId, groupId);
  const eventTime = activity.endTime ?? activity.startTime;
  const newId = options.newId ?? randomUUID;
  const notifications: SentNotification[] = [];
  for (const topic of topics) {
    const id = newId();
    const webhook = await tx.notifications.getWebhook(projectId, topic.topicUrn);
    const message = JSON.stringify({
      notification_id: id,
      project_id: projectId,
      scaling_group_id: groupId,
      scaling_group_name: group?.name ?? null,
      topic_urn: topic.topicUrn,
      topic_name: topicNameOf(topic.topicUrn),
      topic_scene: scene,
      event_time: formatWireTimeMs(eventTime),
      scaling_activity: {
        id: activity.id,
        status: activity.status,
        type: activity.type,
        description: activity.description,
        start_time: formatWireTimeMs(activity.startTime),
        end_time: activity.endTime === undefined ? null : formatWireTimeMs(activity.endTime),
        instance_value: activity.instanceValue,
        desire_value: activity.desireValue,
        scaling_value: activity.scalingValue,
        instances_added: ids(activity.added),
        instances_removed: ids(activity.removed),
        instances_deleted: ids(activity.deleted),
      },
    });
    notifications.push({
      id,
      projectId,
      groupId,
      topicUrn: topic.topicUrn,
      scene,
      activityId: activity.id,
      eventKey: `activity:${activity.id}:${scene}`,
      eventTime,
      message,
      deliveryStatus: webhook === undefined ? 'NONE' : 'PENDING',
      attempts: 0,
      ...(webhook === undefined ? {} : { nextAttemptAt: eventTime }),
    });
  }
  return tx.notifications.record(notifications);
}

/**
 * Records, in the caller's transaction, the notification each of `waits` (holds `hook` has
 * just begun) would publish to the hook's topic, as the cloud does, so that the code behind
 * it learns the action key to call back with: the scene is the hook's type, the message
 * names the hold and carries the hook's metadata. One per hold (its action key), PENDING
 * delivery when the topic has a webhook. A topic URN a group's notification could not name
 * (another project's) is told nothing. Returns what it recorded.
 */
export async function recordHoldNotifications(
  tx: ResourceTransaction,
  group: ScalingGroup,
  hook: LifecycleHook,
  waits: readonly HookWait[],
): Promise<SentNotification[]> {
  if (waits.length === 0 || !parseTopicUrn(hook.topicUrn, hook.projectId).ok) return [];
  const { projectId, topicUrn } = hook;
  const webhook = await tx.notifications.getWebhook(projectId, topicUrn);
  const notifications = waits.map((wait): SentNotification => {
    const id = randomUUID();
    const message = JSON.stringify({
      notification_id: id,
      project_id: projectId,
      scaling_group_id: group.id,
      scaling_group_name: group.name,
      topic_urn: topicUrn,
      topic_name: topicNameOf(topicUrn),
      topic_scene: wait.hookType,
      event_time: formatWireTimeMs(wait.createTime),
      lifecycle_action_key: wait.actionKey,
      instance_id: wait.instanceId,
      lifecycle_hook_name: wait.hookName,
      lifecycle_hook_type: wait.hookType,
      default_result: wait.defaultResult,
      timeout: formatWireTimeMs(wait.timeoutAt),
      notification_metadata: hook.metadata ?? null,
      scaling_activity_id: wait.activityId,
    });
    return {
      id,
      projectId,
      groupId: group.id,
      topicUrn,
      scene: wait.hookType,
      activityId: wait.activityId,
      eventKey: `hook:${wait.actionKey}`,
      eventTime: wait.createTime,
      message,
      deliveryStatus: webhook === undefined ? 'NONE' : 'PENDING',
      attempts: 0,
      ...(webhook === undefined ? {} : { nextAttemptAt: wait.createTime }),
    };
  });
  return tx.notifications.record(notifications);
}

/**
 * Writes down the activities settled by `nowMs` (a batch), and records the notifications of
 * those this call changed: a server racing it changes, and so notifies, none of them.
 */
export async function settleActivities(
  tx: ResourceTransaction,
  nowMs: number,
  limit: number,
): Promise<number> {
  const settled = await tx.activities.settleDueReturning(nowMs, limit);
  for (const activity of settled) await recordActivityNotifications(tx, activity);
  return settled.length;
}
