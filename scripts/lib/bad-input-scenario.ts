// The second kind of case, beside a single bad request: a scenario sends several requests and
// judges what follows — an orchestration started with bad input must end Failed, a refused
// wait must start nothing, a client that goes away must stop the polling. A scenario throws a
// ScenarioFailure with the request that went wrong; anything else it throws is a failure too.

import type { InputGroup } from './bad-input-cases.ts';
import { NoAnswerError, sendRaw, type RawAnswer, type RawRequest } from './raw-http.ts';

export interface ScenarioContext {
  port: number;
  /** An instance id no other scenario, nor any other app of this run, uses: the apps share one task hub. */
  instanceId(label: string): string;
  /** GETs of the instance's row in the Instances table so far: the start route's wait reads it on every poll. */
  statusReads(instanceId: string): number;
  /** CPU seconds the host process has used so far; undefined where /proc cannot be read. */
  hostCpuSeconds(): number | undefined;
  /** An instance the scenario started: ended before the host stops, so the next app's host never runs it. */
  started(instanceId: string): void;
}

export type ScenarioVerdict =
  { ok: true; figure?: string } | { ok: false; reason: string; request?: RawRequest; answer?: RawAnswer };

export interface Scenario {
  target: string;
  what: string;
  group: InputGroup;
  /** As BadInput.since: the first lab whose solution can pass it. */
  since?: string;
  /** Sends the forged log text (counted with the log-forgery figures). */
  forged?: boolean;
  /** Resolves with a figure for the report (a phrase that stands alone), or throws a ScenarioFailure. */
  run(context: ScenarioContext): Promise<string | undefined>;
}

export class ScenarioFailure extends Error {
  override name = 'ScenarioFailure';
  readonly reason: string;
  readonly request: RawRequest | undefined;
  readonly answer: RawAnswer | undefined;

  constructor(reason: string, request?: RawRequest, answer?: RawAnswer) {
    super(reason);
    this.reason = reason;
    this.request = request;
    this.answer = answer;
  }
}

export async function runScenario(scenario: Scenario, context: ScenarioContext): Promise<ScenarioVerdict> {
  try {
    const figure = await scenario.run(context);
    return figure === undefined ? { ok: true } : { ok: true, figure };
  } catch (error) {
    if (error instanceof ScenarioFailure) {
      return {
        ok: false,
        reason: error.reason,
        ...(error.request ? { request: error.request } : {}),
        ...(error.answer ? { answer: error.answer } : {}),
      };
    }
    return { ok: false, reason: `the scenario failed: ${(error as Error)?.message ?? String(error)}` };
  }
}

/** One exchange; no answer at all (the host hung up, or crashed) is a ScenarioFailure. */
export async function ask(port: number, request: RawRequest, timeoutMs?: number): Promise<RawAnswer> {
  try {
    return await sendRaw(port, request, timeoutMs);
  } catch (error) {
    if (error instanceof NoAnswerError) throw new ScenarioFailure(error.message, request);
    throw error;
  }
}

/** `answer`'s body as JSON; a ScenarioFailure when it is not. */
export function jsonOf(answer: RawAnswer, request: RawRequest): unknown {
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch {
    throw new ScenarioFailure(`status ${answer.status} without a JSON body`, request, answer);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
