// What the durable scenarios ask the management API (the public webhooks): start an
// orchestration with an input and an id of our own, read its status, act on it, wait for it to end.

import { MANAGEMENT_PREFIXES } from './bad-input-management.ts';
import { ask, jsonOf, ScenarioFailure, sleep } from './bad-input-scenario.ts';
import type { RawAnswer, RawRequest } from './raw-http.ts';

const API = MANAGEMENT_PREFIXES[0]!;

export interface InstanceStatus {
  runtimeStatus: string;
  output: unknown;
}

export const ENDED = new Set(['Completed', 'Failed', 'Terminated', 'Canceled']);

/** `POST orchestrators/{name}/{id}[?query]` with `input` as its JSON body (none when undefined). */
export function startRequest(orchestrator: string, instanceId: string, input: unknown, query = ''): RawRequest {
  return {
    method: 'POST',
    target: `${API}/orchestrators/${orchestrator}/${instanceId}${query === '' ? '' : `?${query}`}`,
    ...(input === undefined ? {} : { body: JSON.stringify(input), headers: { 'Content-Type': 'application/json' } }),
  };
}

/** Starts an instance; anything but 202 is a ScenarioFailure. */
export async function start(port: number, orchestrator: string, instanceId: string, input: unknown): Promise<void> {
  const request = startRequest(orchestrator, instanceId, input);
  const answer = await ask(port, request);
  if (answer.status !== 202) throw new ScenarioFailure(`the start answered ${answer.status}, not 202`, request, answer);
}

/** The instance's status; undefined when the API does not know it (404). */
export async function statusOf(port: number, instanceId: string): Promise<InstanceStatus | undefined> {
  const request: RawRequest = { method: 'GET', target: `${API}/instances/${instanceId}` };
  const answer = await ask(port, request);
  if (answer.status === 404) return undefined;
  if (answer.status !== 200 && answer.status !== 202)
    throw new ScenarioFailure(`the status answered ${answer.status}`, request, answer);
  const status = jsonOf(answer, request) as Partial<InstanceStatus>;
  if (typeof status.runtimeStatus !== 'string')
    throw new ScenarioFailure('the status has no runtimeStatus', request, answer);
  return { runtimeStatus: status.runtimeStatus, output: status.output };
}

/** Reads the status every 100 ms until the instance has ended or `timeoutMs` passed: the last status read. */
export async function waitForEnd(
  port: number,
  instanceId: string,
  timeoutMs: number,
): Promise<InstanceStatus | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await statusOf(port, instanceId);
    if ((status && ENDED.has(status.runtimeStatus)) || Date.now() >= deadline) return status;
    await sleep(100);
  }
}

/** `POST instances/{id}/{operation}[?query]`, as given; the answer, whatever it is. */
export function operate(
  port: number,
  instanceId: string,
  operation: string,
  query = '',
  body?: string,
): Promise<RawAnswer> {
  return ask(port, {
    method: 'POST',
    target: `${API}/instances/${instanceId}/${operation}${query === '' ? '' : `?${query}`}`,
    ...(body === undefined ? {} : { body, headers: { 'Content-Type': 'application/json' } }),
  });
}

/**
 * Ends an instance a scenario left behind: terminated unless it has ended, then waited for. The
 * last status read; not ended means the host did not end it within `timeoutMs`.
 */
export async function endInstance(
  port: number,
  instanceId: string,
  timeoutMs = 15_000,
): Promise<InstanceStatus | undefined> {
  const status = await statusOf(port, instanceId);
  if (status === undefined || ENDED.has(status.runtimeStatus)) return status;
  await operate(port, instanceId, 'terminate', 'reason=bad-input%3A%20cleaning%20up');
  return waitForEnd(port, instanceId, timeoutMs);
}
