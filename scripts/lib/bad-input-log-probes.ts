// Requests that carry the forged log line (CR, LF, a timestamp, ESC…) to where it is written to
// the console: the name hello greets (and logs), a path no route takes, headers, and the durable
// API's reasons and event names on a live instance. They need not be bad input — hello greets
// any name — so each only has to be answered without a 5xx; what counts is the host's log
// afterwards, which log-forgery.ts reads once the app's run is over.

import { operate, start, waitForEnd } from './bad-input-durable.ts';
import { pathOf, type HttpFunction } from './bad-input-cases.ts';
import type { Subject } from './bad-input-orchestrations.ts';
import { ask, ScenarioFailure, type Scenario } from './bad-input-scenario.ts';
import { FORGED_LOG_LINE, FORGED_LOG_LINE_UNICODE, query } from './bad-input-values.ts';
import { judge } from './bad-input-verdict.ts';
import type { RawRequest } from './raw-http.ts';

export function logProbes(http: HttpFunction[], subject: Subject | undefined): Scenario[] {
  const probe = (target: string, what: string, request: RawRequest): Scenario => ({
    target,
    what,
    group: 'log-forgery',
    forged: true,
    run: async (context) => {
      const answer = await ask(context.port, request);
      if (answer.status >= 200 && answer.status < 300) return undefined;
      const verdict = judge(answer, { hostRouteMiss: answer.status === 404 && answer.body.length === 0, head: false });
      if (!verdict.ok) throw new ScenarioFailure(verdict.reason, request, answer);
      return undefined;
    },
  });
  const probes = [
    probe('host', 'a path no route takes, with the forged log line in it', {
      method: 'GET',
      target: `/api/${encodeURIComponent(FORGED_LOG_LINE)}`,
    }),
    // CR and LF cannot be sent in a header; ESC makes the parser refuse it, a C1 byte (obs-text) it lets through.
    probe('host', 'a header with ESC in it', {
      method: 'GET',
      target: '/api/no-such-function',
      headers: { 'X-Forged': 'FORGED \u001b[31m red' },
    }),
    probe('host', 'a User-Agent with a C1 CSI byte (0x9b) in it', {
      method: 'GET',
      target: '/api/no-such-function',
      headers: { 'User-Agent': 'FORGED \u009b2J' },
    }),
  ];
  const hello = http.find((fn) => fn.name === 'hello');
  if (hello) {
    const path = pathOf(hello);
    probes.push(
      probe(hello.name, 'a name with the forged log line (CR, LF, a timestamp, ESC)', {
        method: 'GET',
        target: `${path}?${query({ name: FORGED_LOG_LINE })}`,
      }),
      probe(hello.name, 'a name with the forged log line between U+2028 and U+2029', {
        method: 'GET',
        target: `${path}?${query({ name: FORGED_LOG_LINE_UNICODE })}`,
      }),
      probe(hello.name, 'a JSON body whose name is the forged log line', {
        method: 'POST',
        target: path,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: FORGED_LOG_LINE }),
      }),
      probe(hello.name, 'a body of raw control characters', {
        method: 'POST',
        target: path,
        headers: { 'Content-Type': 'text/plain' },
        body: FORGED_LOG_LINE,
      }),
    );
  }
  if (subject) {
    probes.push(durableProbe(subject, FORGED_LOG_LINE, 'the forged log line'));
    probes.push(durableProbe(subject, FORGED_LOG_LINE_UNICODE, 'the forged log line between U+2028 and U+2029'));
  }
  return probes;
}

/**
 * A live instance suspended, sent an event and terminated, each with the forged text as its
 * reason or name: 202 each time, and the instance ends Terminated with the reason as its output.
 */
function durableProbe(subject: Subject, forged: string, label: string): Scenario {
  const reason = query({ reason: forged });
  return {
    target: subject.orchestrator,
    what: `suspend, an event and terminate with ${label} as reason and event name: ends Terminated`,
    group: 'log-forgery',
    forged: true,
    run: async (context) => {
      const id = context.instanceId('forged-reasons');
      context.started(id);
      await start(context.port, subject.orchestrator, id, subject.input);
      // Suspended first: a thumbnail job ends within a second, and a terminate must find it running.
      const steps: Array<[operation: string, query: string, body?: string]> = [
        ['suspend', reason],
        [`raiseEvent/${encodeURIComponent(forged)}`, '', JSON.stringify(forged)],
        ['terminate', reason],
      ];
      for (const [operation, q, body] of steps) {
        const answer = await operate(context.port, id, operation, q, body);
        const request: RawRequest = { method: 'POST', target: `…/instances/${id}/${operation}${q ? `?${q}` : ''}` };
        if (answer.status !== 202)
          throw new ScenarioFailure(`${operation.split('/')[0]} answered ${answer.status}, not 202`, request, answer);
      }
      const status = await waitForEnd(context.port, id, 10_000);
      if (status?.runtimeStatus !== 'Terminated') {
        throw new ScenarioFailure(
          `the instance ${id} is ${status?.runtimeStatus ?? 'gone'} 10 s after its terminate, not Terminated`,
        );
      }
      if (status.output !== forged)
        throw new ScenarioFailure(
          `the instance ${id} was terminated, but its output is ${JSON.stringify(status.output)}, not the reason given`,
        );
      return undefined;
    },
  };
}
