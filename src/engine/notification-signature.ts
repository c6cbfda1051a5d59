import { createHmac, timingSafeEqual } from 'node:crypto';

/** The headers a webhook delivery carries (lower case, as Node gives them to a receiver). */
export const webhookHeaders = {
  id: 'x-scalelog-notification-id',
  attempt: 'x-scalelog-attempt',
  timestamp: 'x-scalelog-timestamp',
  signature: 'x-scalelog-signature',
} as const;

/**
 * The signature of a delivery: `sha256=` and the hex HMAC-SHA256, keyed with the topic's
 * secret, of the timestamp header's value, a `.`, and the body's exact bytes.
 */
export function signNotification(secret: string, timestamp: string, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return `sha256=${mac}`;
}

/** Whether `signature` is the one `secret` gives for `timestamp` and `body` (a receiver's check). */
export function verifyNotification(
  secret: string,
  timestamp: string,
  body: string,
  signature: string,
): boolean {
  const expected = Buffer.from(signNotification(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
