// The start route's wait, `POST orchestrators/{name}?timeout=&pollingInterval=` (seconds): the
// host reads the new instance's status until it ends or the timeout passes. Values the extension
// refuses, or that are no numbers, must be a 400 before anything starts; a tiny interval must not
// turn into a loop of status reads (0.000001 s was one every millisecond, 1e10 s overflowed Node's
// timer into the same); and the polling must stop when the client goes away.

import { startRequest, statusOf } from './bad-input-durable.ts';
import type { Subject } from './bad-input-orchestrations.ts';
import { ask, ScenarioFailure, sleep, type Scenario, type ScenarioContext } from './bad-input-scenario.ts';
import { judge } from './bad-input-verdict.ts';
import { openRaw } from './raw-http.ts';

/** Wait parameters that must be a 400 JSON, with nothing started. */
const BAD_WAITS: ReadonlyArray<[what: string, query: string]> = [
  [
    "pollingInterval=1e10&timeout=1e10 (beyond .NET's Task.Delay, and Node's timer)",
    'timeout=1e10&pollingInterval=1e10',
  ],
  ['timeout=abc', 'timeout=abc&pollingInterval=1'],
  ['timeout=NaN', 'timeout=NaN&pollingInterval=1'],
  ['pollingInterval=NaN', 'timeout=10&pollingInterval=NaN'],
  ['timeout=Infinity', 'timeout=Infinity&pollingInterval=1'],
  ['timeout=-1', 'timeout=-1&pollingInterval=1'],
  ['pollingInterval=-1', 'timeout=10&pollingInterval=-1'],
  ['a pollingInterval above the timeout (timeout=5&pollingInterval=10)', 'timeout=5&pollingInterval=10'],
  ['timeout=1e400 (Infinity once parsed)', 'timeout=1e400&pollingInterval=1'],
  ['timeout=0x10', 'timeout=0x10&pollingInterval=1'],
  ['timeout given twice', 'timeout=5&timeout=6&pollingInterval=1'],
];

/** The host polls at most every 100 ms, however small the interval asked for. */
const MIN_POLL_MS = 100;
/** Reads beyond one per 100 ms: the start's own read, one on each side of the wait, and a margin. */
const READ_SLACK = 5;
/** A 1 s wait answers within this, on a busy 2-core machine. */
const ANSWER_WITHIN_MS = 3000;
/**
 * CPU time of the host during a 1 s wait on an idle instance: about 0.05 s polling every 100 ms;
 * a loop of status reads keeps it busy most of the second.
 */
const MAX_WAIT_CPU_SECONDS = 0.5;

export function waitScenarios(subject: Subject): Scenario[] {
  const target = `start route ?timeout=&pollingInterval= (${subject.orchestrator})`;
  const refused = BAD_WAITS.map(([what, query]): Scenario => ({
    target,
    what: `${what}: 400 JSON, nothing started`,
    group: 'wait-loop',
    run: async (context) => {
      const id = context.instanceId('wait-refused');
      const request = startRequest(subject.orchestrator, id, subject.input, query);
      context.started(id);
      const answer = await ask(context.port, request);
      const verdict = judge(answer, { hostRouteMiss: false, head: false });
      if (!verdict.ok) throw new ScenarioFailure(verdict.reason, request, answer);
      if (answer.status !== 400) throw new ScenarioFailure(`status ${answer.status}, not 400`, request, answer);
      const status = await statusOf(context.port, id);
      if (status !== undefined)
        throw new ScenarioFailure(
          `the start was refused, but the instance ${id} exists (${status.runtimeStatus}): it must not be started`,
          request,
          answer,
        );
      return undefined;
    },
  }));
  const waits: Scenario[] = [
    {
      target,
      what: 'timeout=1&pollingInterval=0.000001: answers in about a second, polling at most every 100 ms',
      group: 'wait-loop',
      run: (context) => tinyInterval(context, subject),
    },
  ];
  // Only an idle instance leaves the reads and the CPU time to the wait alone.
  if (subject.idle) {
    waits.push({
      target,
      what: 'a client that disconnects during the wait: the polling stops',
      group: 'wait-loop',
      run: (context) => disconnect(context, subject),
    });
  }
  return [...refused, ...waits];
}

async function tinyInterval(context: ScenarioContext, subject: Subject): Promise<string> {
  const id = context.instanceId('wait-tiny');
  const request = startRequest(subject.orchestrator, id, subject.input, 'timeout=1&pollingInterval=0.000001');
  context.started(id);
  const cpu = cpuMeter(context);
  const started = performance.now();
  const answer = await ask(context.port, request, ANSWER_WITHIN_MS + 5000);
  const elapsedMs = performance.now() - started;
  const cpuSeconds = cpu();
  const reads = context.statusReads(id);
  if (answer.status !== 200 && answer.status !== 202)
    throw new ScenarioFailure(
      `status ${answer.status}, not 202 (or 200 when the instance ended in time)`,
      request,
      answer,
    );
  if (elapsedMs > ANSWER_WITHIN_MS)
    throw new ScenarioFailure(
      `answered after ${(elapsedMs / 1000).toFixed(1)} s, not in about a second`,
      request,
      answer,
    );
  if (answer.status === 202 && elapsedMs < 900)
    throw new ScenarioFailure(
      `answered 202 after ${Math.round(elapsedMs)} ms: it did not wait for the timeout`,
      request,
      answer,
    );
  const allowed = Math.ceil(elapsedMs / MIN_POLL_MS) + READ_SLACK;
  if (reads > allowed)
    throw new ScenarioFailure(
      `${reads} status reads in ${Math.round(elapsedMs)} ms (at most ${allowed}): the host polls in a loop`,
      request,
      answer,
    );
  const cpuText = cpuSeconds === undefined ? '' : `, ${cpuSeconds.toFixed(2)} s host CPU`;
  if (subject.idle && cpuSeconds !== undefined && cpuSeconds > MAX_WAIT_CPU_SECONDS) {
    throw new ScenarioFailure(
      `the host used ${cpuSeconds.toFixed(2)} s of CPU during a ${(elapsedMs / 1000).toFixed(1)} s wait on an idle instance: it spins`,
      request,
      answer,
    );
  }
  return `timeout=1&pollingInterval=0.000001: ${answer.status} after ${(elapsedMs / 1000).toFixed(2)} s, ${reads} status reads${cpuText}${subject.idle ? '' : ' (the job ran meanwhile)'}`;
}

async function disconnect(context: ScenarioContext, subject: Subject): Promise<string> {
  const id = context.instanceId('wait-gone');
  const request = startRequest(subject.orchestrator, id, subject.input, 'timeout=600&pollingInterval=0.1');
  context.started(id);
  const client = await openRaw(context.port, request);
  const deadline = Date.now() + 10_000;
  while (context.statusReads(id) < 3) {
    if (Date.now() > deadline) {
      client.close();
      throw new ScenarioFailure(
        `the wait read the status ${context.statusReads(id)} time(s) in 10 s: it did not poll`,
        request,
      );
    }
    await sleep(50);
  }
  client.close();
  // A read in flight when the client went may still arrive.
  await sleep(500);
  const readsBefore = context.statusReads(id);
  const cpu = cpuMeter(context);
  await sleep(2000);
  const after = context.statusReads(id) - readsBefore;
  const cpuSeconds = cpu();
  if (after > 0)
    throw new ScenarioFailure(
      `${after} status reads in the 2 s after the client disconnected: the host goes on polling for nobody`,
      request,
    );
  return `0 status reads${cpuSeconds === undefined ? '' : ` and ${cpuSeconds.toFixed(2)} s host CPU`} in the 2 s after the client went`;
}

/** The host's CPU seconds from now until the returned function is called; undefined without /proc. */
function cpuMeter(context: ScenarioContext): () => number | undefined {
  const before = context.hostCpuSeconds();
  return () => {
    const after = context.hostCpuSeconds();
    return before === undefined || after === undefined ? undefined : after - before;
  };
}
