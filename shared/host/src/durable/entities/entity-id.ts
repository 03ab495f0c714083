// Entity ids as the extension's EntityId.cs has them: the scheduler id `@{name}@{key}` with
// the name lower-cased (the key kept as written); DTFx treats any instance id that starts with
// `@` as an entity.

import { ClientError } from '../client-error.ts';

export function isEntityInstance(instanceId: string): boolean {
  return instanceId.startsWith('@');
}

/** EntityId.GetSchedulerIdFromEntityId. */
export function schedulerId(name: string, key: string): string {
  return `@${name.toLowerCase()}@${key}`;
}

/** EntityId.GetEntityIdFromSchedulerId. */
export function parseSchedulerId(instanceId: string): { name: string; key: string } {
  const at = instanceId.indexOf('@', 1);
  if (at < 0) return { name: instanceId.slice(1), key: '' };
  return { name: instanceId.slice(1, at), key: instanceId.slice(at + 1) };
}

/** Control characters, and the characters table keys may not hold (DurableClient.cs checks entity keys so). */
const KEY_FORBIDDEN = /[/\\#?\p{Cc}]/u;

/**
 * The checks of the extension's EntityId constructor and DurableClient.SignalEntityAsyncInternal,
 * as ArgumentExceptions its HTTP API answers 400 with the message.
 */
export function validateEntityId(name: string, key: string): void {
  if (name === '')
    throw new ClientError(
      400,
      "Invalid entity id: entity name must not be a null or empty string. (Parameter 'entityName')",
    );
  if (KEY_FORBIDDEN.test(key) || !key.isWellFormed()) {
    // The extension passes ArgumentException(nameof(entityKey), message): its arguments swapped.
    throw new ClientError(
      400,
      "entityKey (Parameter 'Entity keys must not contain /, \\, #, ?, or control characters.')",
    );
  }
}
