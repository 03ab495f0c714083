// Shared by the durable engine's tests: Azurite plus a spawned host on a fixture app, and
// polling helpers with deadlines (never sleeps standing in for synchronisation).

import {
  claimSharedAccount,
  startAzurite as startOwnAzurite,
  type AzuriteOptions,
  type RunningAzurite,
} from '@workshop/azurite';
import { spawnHost, type SpawnedHost, type SpawnHostOptions } from '../../src/spawn-host.ts';
import { eventually, fixture } from '../helpers.ts';

export const DURABLE_APP = fixture('../durable/fixtures/durable-app');

/**
 * Waits until the host's output holds `text`. The status a test polls is read from storage,
 * and the host's console arrives through a pipe: a line logged with a change may reach the
 * test after the change itself.
 */
export async function waitForLog(host: SpawnedHost, text: string | RegExp, timeoutMs = 10_000): Promise<string> {
  const found = (logs: string) => (typeof text === 'string' ? logs.includes(text) : text.test(logs));
  return eventually(() => found(host.logs()) && host.logs(), timeoutMs, `the log ${String(text)}`);
}

export interface Status {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Array<Record<string, unknown>>;
}

export async function startDurableHost(
  azurite: TestAzurite,
  options: Partial<SpawnHostOptions> = {},
): Promise<SpawnedHost> {
  return spawnHost({
    appDir: DURABLE_APP,
    port: 0,
    ...options,
    env: { AzureWebJobsStorage: azurite.connectionString, ...(options.env ?? {}) },
  });
}

/** What a test gets to store in: an Azurite of its own, or an account in the tests' shared one. */
export type TestAzurite = Omit<RunningAzurite, 'process'>;

/**
 * Empty in-memory storage: an account of its own in the Azurite the test run shares
 * (vitest.global-setup.ts), else an Azurite of its own; with options (data on disk), always its own.
 */
export async function startAzurite(options: AzuriteOptions): Promise<RunningAzurite>;
export async function startAzurite(): Promise<TestAzurite>;
export async function startAzurite(options?: AzuriteOptions): Promise<TestAzurite> {
  const shared = options ? undefined : await claimSharedAccount();
  if (shared) return { ...shared, stop: async () => undefined };
  return startOwnAzurite(options);
}

/** Starts an orchestration through the public webhook route; returns the 202 body. */
export async function startOrchestration(
  host: SpawnedHost,
  name: string,
  input?: unknown,
  instanceId?: string,
): Promise<{ id: string; statusQueryGetUri: string; [k: string]: string }> {
  const response = await fetch(
    `${host.url}/runtime/webhooks/durabletask/orchestrators/${name}${instanceId ? `/${instanceId}` : ''}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: input === undefined ? '' : JSON.stringify(input),
    },
  );
  if (response.status !== 202) throw new Error(`start ${name}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; statusQueryGetUri: string };
}

export async function getStatus(host: SpawnedHost, instanceId: string, query = ''): Promise<Status | undefined> {
  const response = await fetch(
    `${host.url}/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}${query}`,
  );
  if (response.status === 404) return undefined;
  return (await response.json()) as Status;
}

const FINAL = new Set(['Completed', 'Failed', 'Terminated', 'Canceled']);

/** Polls the status until `until` holds (default: a final status), or fails after `timeoutMs`. */
export async function waitForStatus(
  host: SpawnedHost,
  instanceId: string,
  until: (s: Status) => boolean = (s) => FINAL.has(s.runtimeStatus),
  timeoutMs = 20_000,
  query = '',
): Promise<Status> {
  const deadline = Date.now() + timeoutMs;
  let last: Status | undefined;
  for (;;) {
    last = await getStatus(host, instanceId, query);
    if (last && until(last)) return last;
    if (Date.now() > deadline)
      throw new Error(
        `Timed out waiting for ${instanceId}; last status: ${JSON.stringify(last)}\n${host.logs().slice(-4000)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
