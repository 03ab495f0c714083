// Shared by the entity tests: the counter/log fixture app on a spawned host, and the entity
// routes of the extension's HTTP API.

import type { TestAzurite } from './durable-helpers.ts';
import { spawnHost, type SpawnedHost, type SpawnHostOptions } from '../../src/spawn-host.ts';
import { TaskHubStorage } from '../../src/durable/task-hub-storage.ts';
import { fixture } from '../helpers.ts';

export const ENTITY_APP = fixture('../durable/fixtures/entity-app');
export const ENTITY_HUB = 'EntityTests';

export function startEntityHost(azurite: TestAzurite, options: Partial<SpawnHostOptions> = {}): Promise<SpawnedHost> {
  return spawnHost({
    appDir: ENTITY_APP,
    port: 0,
    ...options,
    env: { AzureWebJobsStorage: azurite.connectionString, ...(options.env ?? {}) },
  });
}

export function hubStorage(azurite: TestAzurite): TaskHubStorage {
  return new TaskHubStorage(azurite.connectionString, ENTITY_HUB);
}

const ENTITIES = '/runtime/webhooks/durabletask/entities';

/** POST entities/{name}/{key}?op=…: a signal. */
export function signal(host: SpawnedHost, name: string, key: string, op: string, input?: unknown): Promise<Response> {
  return fetch(`${host.url}${ENTITIES}/${name}/${encodeURIComponent(key)}?op=${encodeURIComponent(op)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: input === undefined ? '' : JSON.stringify(input),
  });
}

/** GET entities/{name}/{key}: the state, or undefined on 404. */
export async function readState(host: SpawnedHost, name: string, key: string): Promise<unknown> {
  const response = await fetch(`${host.url}${ENTITIES}/${name}/${encodeURIComponent(key)}`);
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw new Error(`GET entity: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** Polls the entity's state until `until` holds it (an entity has no status to wait for), with a deadline. */
export async function waitForState(
  host: SpawnedHost,
  name: string,
  key: string,
  until: (state: unknown) => boolean,
  timeoutMs = 20_000,
): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await readState(host, name, key);
    if (until(state)) return state;
    if (Date.now() > deadline)
      throw new Error(
        `Timed out waiting for the state of @${name}@${key}; last ${JSON.stringify(state)}\n${host.logs().slice(-3000)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
