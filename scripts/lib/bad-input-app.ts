// Runs the bad-input matrix against one app: starts the host on it (against a shared Azurite),
// asks the host which HTTP functions it serves, sends every planned input one after another,
// judges every answer, and finally checks that the host still answers the requests that should work.

import { spawnHost, type SpawnedHost } from '@workshop/host';
import { httpFunctionOf, type BadInput, type HttpFunction } from './bad-input-cases.ts';
import { MANAGEMENT_PREFIXES } from './bad-input-management.ts';
import { isDurable, planFor } from './bad-input-plan.ts';
import { judge, type Verdict } from './bad-input-verdict.ts';
import { NoAnswerError, sendRaw, type RawAnswer, type RawRequest } from './raw-http.ts';
import { routeMissFor, type RouteMiss } from './route-miss.ts';

export interface Failure {
  target: string;
  what: string;
  request: string;
  answer: string;
  reason: string;
}

export interface AppResult {
  app: string;
  tried: number;
  passed: number;
  /** Inputs meant for later labs (see BadInput.since), not sent. */
  skipped: number;
  /** Tried and passed per input group (BadInput.group, and `still-serving` for the known-good requests). */
  groups: Record<string, { tried: number; passed: number }>;
  failures: Failure[];
  /** HTTP functions the host lists (name, methods, route), for the report. */
  functions: string[];
  durationMs: number;
  /** Everything the host printed, for the secret scan. */
  logs: string;
}

export interface AppRunOptions {
  appDir: string;
  /** Label in the report, e.g. `solutions/05-first-orchestration`. */
  app: string;
  /** The lab the app belongs to (`05`): inputs whose `since` is a later lab are skipped. */
  labId: string;
  connectionString: string;
  /** Called with the running host before it is stopped: hardening checks that need it live. */
  whileRunning?: (host: SpawnedHost) => Promise<void>;
}

/** Counts tried and passed, in all and per group, and keeps the failures. */
class Tally {
  tried = 0;
  passed = 0;
  readonly groups: AppResult['groups'] = {};
  readonly failures: Failure[] = [];

  record(group: string | undefined, ok: boolean, failure: () => Failure): void {
    const counts = group === undefined ? undefined : (this.groups[group] ??= { tried: 0, passed: 0 });
    this.tried++;
    if (counts) counts.tried++;
    if (ok) {
      this.passed++;
      if (counts) counts.passed++;
    } else this.failures.push(failure());
  }
}

export async function runApp(options: AppRunOptions): Promise<AppResult> {
  const started = Date.now();
  const host = await spawnHost({
    appDir: options.appDir,
    port: 0,
    // Empty is unset: the host's default body limit (100 MB), whatever this shell has.
    env: { AzureWebJobsStorage: options.connectionString, FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '' },
  });
  try {
    const http = host.functions.map((f) => httpFunctionOf(f, host.url)).filter((f): f is HttpFunction => f !== undefined);
    const plan = planFor(host.functions, http, host.port);
    const missed = routeMissFor(http, isDurable(host.functions) ? MANAGEMENT_PREFIXES : []);
    const tally = new Tally();
    for (const fn of plan.notCovered) {
      tally.failures.push({ target: fn.name, what: 'not covered', request: `${fn.methods?.join(',') ?? '*'} ${fn.template}`, answer: '-', reason: 'the matrix has no inputs for this function: add them to scripts/lib/bad-input-cases.ts' });
    }

    const due = plan.inputs.filter((input) => input.since === undefined || input.since <= options.labId);
    for (const input of due) {
      const outcome = await exchange(host.port, input.request);
      const verdict = verdictOf(input, outcome, missed);
      tally.record(input.group, verdict.ok, () => failureOf(input.target, input.what, input.request, outcome, verdict));
    }

    // Still serving after all that?
    if (plan.knownGood.length === 0) {
      tally.failures.push({ target: 'host', what: 'still serving', request: '-', answer: '-', reason: 'no known-good request for any function of this app: add one to knownGood()' });
    }
    for (const probe of plan.knownGood) {
      const outcome = await exchange(host.port, probe.request);
      const ok = 'answer' in outcome && (outcome.answer.status === 200 || outcome.answer.status === 201);
      const verdict: Verdict = ok ? { ok } : { ok: false, reason: 'answer' in outcome ? `status ${outcome.answer.status}, not 200/201` : outcome.error };
      tally.record('still-serving', ok, () => failureOf(probe.target, 'a known-good request after the matrix (the host must still serve)', probe.request, outcome, verdict));
    }
    if (host.child.exitCode !== null || host.child.signalCode !== null) {
      tally.failures.push({ target: 'host', what: 'still running', request: '-', answer: '-', reason: `the host exited (${host.child.signalCode ?? `code ${host.child.exitCode}`})` });
    }

    await options.whileRunning?.(host);
    return {
      app: options.app,
      tried: tally.tried,
      passed: tally.passed,
      skipped: plan.inputs.length - due.length,
      groups: tally.groups,
      failures: tally.failures,
      functions: http.map((f) => `${f.name} ${f.methods?.join(',') ?? '*'} ${f.template}`),
      durationMs: Date.now() - started,
      logs: host.logs(),
    };
  } finally {
    await host.stop();
  }
}

type Outcome = { answer: RawAnswer } | { error: string };

async function exchange(port: number, request: RawRequest): Promise<Outcome> {
  try {
    return { answer: await sendRaw(port, request) };
  } catch (error) {
    if (error instanceof NoAnswerError) return { error: error.message };
    throw error;
  }
}

function verdictOf(input: BadInput, outcome: Outcome, missed: RouteMiss): Verdict {
  if ('error' in outcome) return { ok: false, reason: outcome.error };
  const { status } = outcome.answer;
  if (input.expectStatus !== undefined && status !== input.expectStatus) return { ok: false, reason: `status ${status}, not ${input.expectStatus}` };
  return judge(outcome.answer, { hostRouteMiss: missed(input.request.method, input.request.target), head: input.request.method === 'HEAD' });
}

function failureOf(target: string, what: string, request: RawRequest, outcome: Outcome, verdict: Verdict): Failure {
  return {
    target,
    what,
    request: describeRequest(request),
    answer: 'answer' in outcome ? describeAnswer(outcome.answer) : '(none)',
    reason: verdict.ok ? '' : verdict.reason,
  };
}

const clip = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

function describeRequest(request: RawRequest): string {
  const headers = Object.entries(request.headers ?? {}).flatMap(([name, value]) =>
    typeof value === 'string' ? [`${name}: ${clip(JSON.stringify(value).slice(1, -1), 40)}`] : value.length === 0 ? [`(no ${name})`] : value.map((one) => `${name}: ${clip(one, 40)}`),
  );
  const body = request.body === undefined ? '' : ` + ${Buffer.byteLength(request.body)} byte body`;
  return `${request.method} ${clip(JSON.stringify(request.target).slice(1, -1))}${headers.length ? ` [${headers.join('; ')}]` : ''}${body}`;
}

function describeAnswer(answer: RawAnswer): string {
  const text = answer.body.toString('utf8');
  return `${answer.status} ${answer.headers['content-type'] ?? '(no content-type)'} ${text === '' ? '(empty body)' : clip(JSON.stringify(text))}`;
}
