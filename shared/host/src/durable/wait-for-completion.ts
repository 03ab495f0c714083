// The start route's `?timeout=&pollingInterval=` (seconds): wait for the new instance to end by
// reading its status, as HttpApiHandler.WaitForCompletionOrCreateCheckStatusResponseAsync does
// for Azure Storage (which has no poll-free wait).
//
// The extension's rules, from its source: both values must parse (double.TryParse), or the route
// answers 202 at once; pollingInterval > timeout is a 400 ("Total timeout … should be bigger than
// retry timeout …"); NaN (TimeSpan.FromSeconds), a negative pollingInterval or one beyond
// Task.Delay's limit of 4294967294 ms (about 49.7 days) are 400s (ArgumentExceptions); an
// infinite value is a 500 (OverflowException).
//
// Stricter here, all 400s answered before the instance is started (the extension starts it
// first): a value that is not a number (the extension ignores it and does not wait), a negative
// timeout, an infinite one. Clamped: the interval is at least 100 ms — Task.Delay rounds 0 or
// 0.000001 s down to no delay, a loop of status reads — and at most Node's timer limit
// (2^31-1 ms, about 24.8 days; beyond it setTimeout fires after 1 ms). And the loop ends when the
// client goes away: nobody would read the answer, and each read costs the host and storage.

import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientError } from './client-error.ts';
import type { StatusPayload } from './client.ts';
import type { RuntimeStatus } from './history.ts';
import { shown } from './instance-id.ts';
import { single } from './management-query.ts';

export const MIN_POLLING_INTERVAL_MS = 100;
/** Node's timers hold a signed 32-bit number of milliseconds. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** .NET's Task.Delay (Timer.MaxSupportedTimeout). */
const MAX_TASK_DELAY_MS = 4_294_967_294;
/** TimeSpan.MaxValue in seconds: TimeSpan.FromSeconds throws beyond it. */
const MAX_TIMESPAN_SECONDS = 922_337_203_685;

export interface WaitParameters {
  timeoutMs: number;
  intervalMs: number;
}

/** The wait the request asks for, clamped; undefined when it asks for none. */
export function waitParameters(query: URLSearchParams): WaitParameters | undefined {
  const timeout = seconds(query, 'timeout');
  const interval = seconds(query, 'pollingInterval');
  if (timeout === undefined || interval === undefined) return undefined;
  if (interval > timeout) {
    throw new ClientError(
      400,
      `Total timeout ${timeout} should be bigger than retry timeout ${interval} (the query parameters timeout and pollingInterval, in seconds).`,
    );
  }
  if (interval * 1000 > MAX_TASK_DELAY_MS) {
    throw new ClientError(
      400,
      `The query parameter pollingInterval must be at most ${MAX_TASK_DELAY_MS / 1000} seconds (about 49.7 days), not ${interval}.`,
    );
  }
  return {
    timeoutMs: timeout * 1000,
    intervalMs: Math.min(Math.max(interval * 1000, MIN_POLLING_INTERVAL_MS), MAX_TIMER_MS),
  };
}

function seconds(query: URLSearchParams, name: string): number | undefined {
  const value = single(query, name);
  if (value === undefined) return undefined;
  const n = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(value) ? Number(value) : NaN;
  if (!(n >= 0))
    throw new ClientError(
      400,
      `The query parameter ${name} must be a number of seconds, 0 or more, such as ${name}=5, not '${shown(value)}'.`,
    );
  if (n > MAX_TIMESPAN_SECONDS)
    throw new ClientError(
      400,
      `The query parameter ${name} must be at most ${MAX_TIMESPAN_SECONDS} seconds (.NET's TimeSpan.MaxValue), not ${shown(value.trim())}.`,
    );
  return n;
}

const ENDED = new Set<RuntimeStatus>(['Completed', 'Failed', 'Terminated', 'Canceled']);

/**
 * Reads the status until the instance has ended (that status), the timeout has passed or
 * `signal` aborts (undefined).
 */
export async function waitForCompletion(
  read: () => Promise<StatusPayload | undefined>,
  wait: WaitParameters,
  signal: AbortSignal,
): Promise<StatusPayload | undefined> {
  const start = performance.now();
  while (!signal.aborted) {
    const status = await read();
    if (status && ENDED.has(status.runtimeStatus)) return status;
    const remaining = wait.timeoutMs - (performance.now() - start);
    if (remaining <= 0) return undefined;
    try {
      await sleep(Math.min(wait.intervalMs, remaining), undefined, { signal });
    } catch {
      return undefined; // aborted
    }
  }
  return undefined;
}

/** A signal that aborts when the connection closes before the response was sent. */
export function clientGone(res: ServerResponse): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onClose = () => {
    if (!res.writableEnded) controller.abort();
  };
  res.on('close', onClose);
  return { signal: controller.signal, dispose: () => res.off('close', onClose) };
}
