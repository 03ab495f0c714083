// host.json `extensions.durableTask`: the task hub name (default "TestHubName", the
// extension's default outside Azure, where WEBSITE_SITE_NAME is not set) and the storage
// connection (`storageProvider.connectionStringName`, default AzureWebJobsStorage; the
// client URLs name it by its short form "Storage", as the extension does).
// `storageProvider.allowReplayingTerminalInstances` may also come from the app setting that
// overrides it, `AzureFunctionsJobHost__extensions__durableTask__storageProvider__allowReplayingTerminalInstances`,
// as the Functions host lets app settings override host.json values; so may
// `storageProvider.maxDequeueCount`, the poison-message threshold, and
// `storageProvider.maxQueuePollingInterval`, the longest pause between polls of an empty queue.

import path from 'node:path';
import { hostJsonOverride, parseTimeSpan } from '../host-json.ts';
import { isRecord, readJsonFile } from '../jsonc.ts';

export interface DurableConfig {
  hubName: string;
  /** The app setting holding the connection string. */
  connectionSetting: string;
  /** The name used in `connection=` of the management URLs. */
  connectionName: string;
  /** `extendedSessionsEnabled` (default false): histories stay in memory between episodes. */
  extendedSessions: boolean;
  /**
   * `storageProvider.allowReplayingTerminalInstances` (default false, as in the extension): a
   * message for an instance whose history has ended replays it and writes its Instances row again.
   */
  allowReplayingTerminalInstances: boolean;
  /**
   * `storageProvider.maxDequeueCount` (default 5): a queue message dequeued more often than this is
   * a poison message (the name and default of DTFx's Azure Storage poison-message handling, PR #1366).
   */
  maxDequeueCount: number;
  /**
   * `storageProvider.maxQueuePollingInterval` (the extension's default is 30 s; undefined here
   * when not set, and this host then pauses at most 250 ms, so that a local run never waits for
   * nothing): how long an empty queue's polls may get apart.
   */
  maxQueuePollingIntervalMs: number | undefined;
}

/** DTFx's default (Azure/durabletask PR #1366): the sixth dequeue of a message makes it poison. */
export const DEFAULT_MAX_DEQUEUE_COUNT = 5;

function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && /^true$/i.test(value.trim()));
}

/** Task hub names: 3–45 characters, letters and digits, starting with a letter (the provider's rule). */
export function validateHubName(name: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9]{2,44}$/.test(name)) {
    return `Task hub name '${name}' should contain only alphanumeric characters, start with a letter, and have length between 3 and 45.`;
  }
  return undefined;
}

export function readDurableConfig(appDir: string, env: NodeJS.ProcessEnv = process.env): DurableConfig {
  const raw = readJsonFile(path.join(appDir, 'host.json'));
  const durable =
    isRecord(raw) && isRecord(raw.extensions) && isRecord(raw.extensions.durableTask) ? raw.extensions.durableTask : {};
  let hubName =
    typeof durable.hubName === 'string' && durable.hubName.trim() !== '' ? durable.hubName.trim() : 'TestHubName';
  // `%Setting%` names an app setting, as in every host.json value the extension resolves.
  const setting = /^%(.+)%$/.exec(hubName);
  if (setting) hubName = env[setting[1]!] ?? hubName;
  const provider = isRecord(durable.storageProvider) ? durable.storageProvider : {};
  const connectionSetting =
    typeof provider.connectionStringName === 'string' && provider.connectionStringName !== ''
      ? provider.connectionStringName
      : typeof provider.connectionName === 'string' && provider.connectionName !== ''
        ? provider.connectionName
        : 'AzureWebJobsStorage';
  const connectionName = connectionSetting.replace(/^AzureWebJobs/i, '') || 'Storage';
  const extendedSessions = isTrue(durable.extendedSessionsEnabled);
  const replaySetting = ['extensions', 'durableTask', 'storageProvider', 'allowReplayingTerminalInstances'];
  const allowReplayingTerminalInstances = isTrue(
    hostJsonOverride(env, replaySetting) ?? provider.allowReplayingTerminalInstances,
  );
  const dequeueSetting = ['extensions', 'durableTask', 'storageProvider', 'maxDequeueCount'];
  const maxDequeueCount = readMaxDequeueCount(hostJsonOverride(env, dequeueSetting) ?? provider.maxDequeueCount);
  const pollingSetting = ['extensions', 'durableTask', 'storageProvider', 'maxQueuePollingInterval'];
  const maxQueuePollingIntervalMs = readPollingInterval(
    hostJsonOverride(env, pollingSetting) ?? provider.maxQueuePollingInterval,
  );
  return {
    hubName,
    connectionSetting,
    connectionName,
    extendedSessions,
    allowReplayingTerminalInstances,
    maxDequeueCount,
    maxQueuePollingIntervalMs,
  };
}

function readMaxDequeueCount(value: unknown): number {
  if (value === undefined || value === null || value === '') return DEFAULT_MAX_DEQUEUE_COUNT;
  const count = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(
      `host.json: extensions.durableTask.storageProvider.maxDequeueCount must be a whole number of 1 or more, not ${JSON.stringify(value)}.`,
    );
  }
  return count;
}

function readPollingInterval(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = typeof value === 'string' ? parseTimeSpan(value) : undefined;
  if (ms === undefined || ms <= 0) {
    throw new Error(
      `host.json: extensions.durableTask.storageProvider.maxQueuePollingInterval must be a time span of more than 0, such as "00:00:30", not ${JSON.stringify(value)}.`,
    );
  }
  return ms;
}
