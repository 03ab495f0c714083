// What an instance id (and an instanceIdPrefix) may be. The extension's own rules come first
// (DurableClient.StartNewAsync: not empty, no leading '@', no / \ # ? or control characters, at
// most 256 characters). The id becomes the PartitionKey of {Hub}Instances and {Hub}History after
// DTFx's key escaping, which at most doubles it: 512 characters, within a key's 1 KiB of UTF-16.
// An id storage would refuse is the caller's mistake: 400 here, not a 500 from the table service.

import { ClientError } from './client-error.ts';

/** DurableClient.MaxInstanceIdLength. */
export const MAX_INSTANCE_ID_LENGTH = 256;

// Characters Azure Table keys may not contain (and the extension's IsInvalidCharacter).
// eslint-disable-next-line no-control-regex
const KEY_FORBIDDEN = /[/\\#?\u0000-\u001f\u007f-\u009f]/;

/** Long values are cut in messages: the message is read by a person, and may be logged. */
export function shown(text: string, max = 64): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Instance ids become table keys and URL segments: the extension rejects these characters. */
export function validateInstanceId(instanceId: string): void {
  validateInstanceIdToRead(instanceId);
  if (instanceId.startsWith('@')) throw new ClientError(400, 'Orchestration instance ids must not start with @.');
}

/**
 * An id to read (status, history): the rules of validateInstanceId but the leading '@', which
 * only StartNewAsync refuses. An entity's own instance, `@name@key`, has a status to read, as
 * GetStatusAsync gives it (the Durable Functions Monitor opens entities this way).
 */
export function validateInstanceIdToRead(instanceId: string): void {
  if (instanceId.length === 0 || instanceId.trim() === '')
    throw new ClientError(400, 'The instance ID must not be empty.');
  if (instanceId.length > MAX_INSTANCE_ID_LENGTH)
    throw new ClientError(400, `Instance ID lengths must not exceed ${MAX_INSTANCE_ID_LENGTH} characters.`);
  if (KEY_FORBIDDEN.test(instanceId)) {
    throw new ClientError(
      400,
      `Instance ID '${shown(instanceId)}' contains invalid characters: '/', '\\', '#', '?' and control characters are not allowed.`,
    );
  }
  if (!instanceId.isWellFormed())
    throw new ClientError(
      400,
      `Instance ID '${shown(instanceId.toWellFormed())}' contains invalid characters: a lone UTF-16 surrogate.`,
    );
}

/**
 * An instanceIdPrefix of the list route: a prefix no instance id could start with is a mistake
 * (and a 12 KB one made the table query too long for storage).
 */
export function validateInstanceIdPrefix(prefix: string): void {
  const what = 'The query parameter instanceIdPrefix';
  if (prefix.length > MAX_INSTANCE_ID_LENGTH)
    throw new ClientError(400, `${what} is longer than an instance ID can be (${MAX_INSTANCE_ID_LENGTH} characters).`);
  if (KEY_FORBIDDEN.test(prefix) || !prefix.isWellFormed()) {
    throw new ClientError(
      400,
      `${what} contains characters no instance ID can contain: '/', '\\', '#', '?', control characters or a lone UTF-16 surrogate.`,
    );
  }
}
