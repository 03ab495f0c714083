// A payload as the dashboard shows it: its text (cut at a size a browser shows comfortably), its
// size in UTF-8, and where it travelled: a queue message carries at most 64 KB, and DTFx sends
// one whose JSON is over 45 KB as a blob in `{hub}-largemessages` instead (lab 07).

import { MAX_MESSAGE_BYTES, QUEUE_MESSAGE_LIMIT_BYTES } from '@workshop/host';
import type { Payload } from './wire.ts';

/** Text beyond this is cut in the page (the size stays exact). */
const SHOWN_BYTES = 256 * 1024;

export function payload(
  text: string | null | undefined,
  extra: { inBlob?: boolean; messageBytes?: number } = {},
): Payload {
  const value = text ?? null;
  const bytes = value === null ? 0 : Buffer.byteLength(value);
  const truncated = bytes > SHOWN_BYTES;
  const shown =
    value === null ? null : truncated ? Buffer.from(value).subarray(0, SHOWN_BYTES).toString('utf8') : value;
  const result: Payload = { text: shown, bytes, truncated };
  if (extra.inBlob) result.inBlob = true;
  if (extra.messageBytes !== undefined) {
    result.messageBytes = extra.messageBytes;
    if (extra.messageBytes > MAX_MESSAGE_BYTES) result.viaLargeMessages = true;
    if (extra.messageBytes > QUEUE_MESSAGE_LIMIT_BYTES) result.overQueueLimit = true;
  }
  return result;
}

export const LIMITS = { largeMessageBytes: MAX_MESSAGE_BYTES, queueMessageBytes: QUEUE_MESSAGE_LIMIT_BYTES };
