import { executeTypes, resourceTypes } from './execution-log.js';
import type { ExecuteType, ResourceType } from './execution-log.js';
import type { UnixSeconds } from './unix-time.js';

/** A validated query for one policy's execution logs. Times are Unix seconds. */
export interface LogQuery {
  readonly projectId: string;
  readonly policyId: string;
  readonly logId?: string;
  readonly resourceType?: ResourceType;
  readonly resourceId?: string;
  readonly executeType?: ExecuteType;
  /** Inclusive lower bound on `executeTime`. */
  readonly startTime?: UnixSeconds;
  /** Exclusive upper bound on `executeTime`. */
  readonly endTime?: UnixSeconds;
  readonly startNumber: number;
  readonly limit: number;
}

export const defaultLimit = 20;
export const maxLimit = 100;

const integerPattern = /^\d{1,15}$/;

/**
 * The largest `start_number`: 15 digits, so every accepted value is an exact JavaScript
 * number (2^53 has 16) and a SQL bigint.
 */
export const maxStartNumber = 999_999_999_999_999;

/** A `start_number` as sent (digits, leading zeros allowed) up to {@link maxStartNumber}. */
export function parseStartNumber(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n <= maxStartNumber ? n : undefined;
}

/** A `limit` as sent (1 to 15 digits) up to {@link maxLimit}. */
export function parseLimit(text: string): number | undefined {
  return integerPattern.test(text) && Number(text) <= maxLimit ? Number(text) : undefined;
}

/** Accepts `SCHEDULE` as the SDK response models spell it (contract §3). */
export function parseExecuteType(value: string): ExecuteType | undefined {
  if (value === 'SCHEDULE') return 'SCHEDULED';
  return (executeTypes as readonly string[]).includes(value) ? (value as ExecuteType) : undefined;
}

export function parseResourceType(value: string): ResourceType | undefined {
  return (resourceTypes as readonly string[]).includes(value) ? (value as ResourceType) : undefined;
}
