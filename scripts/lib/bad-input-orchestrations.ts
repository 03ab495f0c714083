// Orchestrations started straight through the management API with input the client functions
// would never pass on: `POST /runtime/webhooks/durabletask/orchestrators/{name}` takes any JSON.
// The API answers 202 (it cannot know what the orchestrator accepts); the orchestrator must then
// fail the instance at once with a message, never run on (a batch size of 0 looped until the
// host ran out of memory; a giveUpAt a year away watched all year). Each orchestrator the host
// lists needs inputs here, or it is "not covered".

import type { FunctionInfo } from '@workshop/host';
import { startRequest, waitForEnd } from './bad-input-durable.ts';
import { ask, jsonOf, ScenarioFailure, type Scenario } from './bad-input-scenario.ts';
import { FORGED_LOG_LINE } from './bad-input-values.ts';

/** How long an instance with bad input may take to fail: one episode, on a busy 2-core machine. */
const FAIL_WITHIN_MS = 10_000;

interface BadStart {
  what: string;
  /** The JSON body of the start; undefined starts the instance with no input. */
  input: unknown;
  /** What the failure's message must be about (the orchestrator's own check, not some later crash). */
  mentions: RegExp;
  since?: string;
  forged?: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The bad inputs of each orchestrator, by the name it registers. */
const BAD_STARTS: Record<string, (now: Date) => BadStart[]> = {
  thumbnailOrchestrator: () => [
    // Lab 05's job has no batches: batchSize is a field it leaves behind, and the job is good.
    {
      what: 'batchSize 0',
      input: { container: 'samples', width: 200, batchSize: 0 },
      mentions: /batch size/i,
      since: '06',
    },
    {
      what: 'batchSize 1e9',
      input: { container: 'samples', width: 200, batchSize: 1e9 },
      mentions: /batch size/i,
      since: '06',
    },
    {
      what: 'the container "thumbnails"',
      input: { container: 'thumbnails', width: 200, batchSize: 10 },
      mentions: /thumbnails/,
    },
    { what: 'width 0', input: { container: 'samples', width: 0, batchSize: 10 }, mentions: /width/i },
    { what: 'a plain string', input: 'samples', mentions: /JSON object/i },
    { what: 'no input at all', input: undefined, mentions: /JSON object/i },
    {
      what: 'a container named with a forged log line',
      input: { container: FORGED_LOG_LINE, width: 200, batchSize: 10 },
      mentions: /container/i,
      forged: true,
    },
  ],
  scaleOrchestrator: () => [
    { what: '{"by":0} (the factor would be 0 for good)', input: { by: 0 }, mentions: /\bby\b/ },
    { what: '{"by":"two"}', input: { by: 'two' }, mentions: /\bby\b/ },
    { what: '{"by":1e9}', input: { by: 1e9 }, mentions: /\bby\b/ },
    { what: 'a JSON array', input: [2], mentions: /JSON object/i },
  ],
  uploadWatchOrchestrator: (now) => [
    {
      what: 'a giveUpAt a year away (a watch every 5 minutes, all year)',
      input: {
        container: 'uploads',
        blob: 'cat.jpg',
        width: 200,
        startedAt: now.toISOString(),
        giveUpAt: new Date(now.getTime() + 365 * DAY_MS).toISOString(),
        checks: 0,
      },
      mentions: /giveUpAt/,
    },
    {
      what: 'a giveUpAt that is no date',
      input: {
        container: 'uploads',
        blob: 'cat.jpg',
        width: 200,
        startedAt: now.toISOString(),
        giveUpAt: 'never',
        checks: 0,
      },
      mentions: /giveUpAt/,
    },
    { what: 'the blob name "."', input: { container: 'uploads', blob: '.', width: 200 }, mentions: /blob name/i },
    {
      what: 'the container "thumbnails"',
      input: { container: 'thumbnails', blob: 'cat.jpg', width: 200 },
      mentions: /thumbnails/,
    },
    {
      what: 'a blob named with a forged log line',
      input: { container: 'uploads', blob: FORGED_LOG_LINE, width: 200 },
      mentions: /blob name/i,
      forged: true,
    },
  ],
  reviewOrchestrator: () => [
    { what: 'the blob name "."', input: { container: 'samples', blob: '.', width: 200 }, mentions: /blob name/i },
    {
      what: 'the container "published"',
      input: { container: 'published', blob: 'photo.jpg', width: 200 },
      mentions: /published/,
    },
    { what: 'width 0', input: { container: 'samples', blob: 'photo.jpg', width: 0 }, mentions: /width/i },
    { what: 'no input at all', input: undefined, mentions: /JSON object/i },
    {
      what: 'a blob named with a forged log line',
      input: { container: 'samples', blob: FORGED_LOG_LINE, width: 200 },
      mentions: /blob name/i,
      forged: true,
    },
  ],
};

export const orchestratorsOf = (functions: FunctionInfo[]) =>
  functions.filter((f) => f.trigger.toLowerCase() === 'orchestrationtrigger').map((f) => f.name);

/** Orchestrators the host lists that have no bad inputs here. */
export function orchestratorsNotCovered(functions: FunctionInfo[]): string[] {
  return orchestratorsOf(functions).filter((name) => BAD_STARTS[name] === undefined);
}

export function orchestrationInputScenarios(functions: FunctionInfo[], now = new Date()): Scenario[] {
  return orchestratorsOf(functions).flatMap((orchestrator) =>
    (BAD_STARTS[orchestrator]?.(now) ?? []).map((bad): Scenario => ({
      target: orchestrator,
      what: `started through the management API with ${bad.what}: ends Failed`,
      group: 'orchestration-input',
      ...(bad.since ? { since: bad.since } : {}),
      ...(bad.forged ? { forged: true } : {}),
      run: async (context) => {
        const id = context.instanceId('bad-start');
        const request = startRequest(orchestrator, id, bad.input);
        context.started(id);
        const answer = await ask(context.port, request);
        if (answer.status !== 202)
          throw new ScenarioFailure(`the start answered ${answer.status}, not 202`, request, answer);
        jsonOf(answer, request);
        const started = Date.now();
        const status = await waitForEnd(context.port, id, FAIL_WITHIN_MS);
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        if (status === undefined)
          throw new ScenarioFailure(`the instance ${id} is gone: the status answers 404`, request);
        if (status.runtimeStatus !== 'Failed') {
          const still = ['Running', 'Pending', 'Suspended', 'ContinuedAsNew'].includes(status.runtimeStatus);
          throw new ScenarioFailure(
            still
              ? `the instance ${id} is still ${status.runtimeStatus} after ${seconds} s: it should fail at once`
              : `the instance ${id} ended ${status.runtimeStatus}, not Failed`,
            request,
          );
        }
        const message = typeof status.output === 'string' ? status.output : '';
        if (!bad.mentions.test(message)) {
          throw new ScenarioFailure(
            `the instance ${id} failed, but its message ${JSON.stringify(message.slice(0, 200))} does not match ${bad.mentions}`,
            request,
          );
        }
        return `${orchestrator} with ${bad.what}: Failed after ${seconds} s`;
      },
    })),
  );
}

/** An orchestration that lasts, to wait on and to act on. */
export interface Subject {
  orchestrator: string;
  input: unknown;
  /**
   * True when the instance does nothing for minutes (a watch waiting on its 5-minute timer):
   * then the host's CPU time and the status reads are the wait's alone.
   */
  idle: boolean;
}

/** The subject of the wait and log scenarios, from the orchestrators the host lists; undefined when none fits. */
export function subjectOf(functions: FunctionInfo[], now = new Date()): Subject | undefined {
  const names = orchestratorsOf(functions);
  if (names.includes('uploadWatchOrchestrator')) {
    return {
      orchestrator: 'uploadWatchOrchestrator',
      input: { container: 'uploads', blob: 'never-uploaded.jpg', width: 64 },
      idle: true,
    };
  }
  if (names.includes('thumbnailOrchestrator')) {
    // Each lab's job leaves behind the fields it does not know (batchSize before lab 06, requestedAt before lab 08).
    return {
      orchestrator: 'thumbnailOrchestrator',
      input: { container: 'samples', width: 64, batchSize: 10, requestedAt: now.toISOString() },
      idle: false,
    };
  }
  return undefined;
}
