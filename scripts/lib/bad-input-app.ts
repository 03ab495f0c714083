// Runs the bad-input matrix against one app: starts the host on it (against a shared Azurite),
// asks the host which functions it serves, sends every planned input one after another and
// judges every answer, runs the scenarios, ends the instances they started, checks that the
// host still answers the requests that should work, and reads its log for forged lines.

import { spawnHost, type SpawnedHost } from '@workshop/host/launcher';
import { httpFunctionOf, type BadInput, type HttpFunction } from './bad-input-cases.ts';
import { endInstance, ENDED } from './bad-input-durable.ts';
import { managementAnswerWithoutBody, MANAGEMENT_PREFIXES } from './bad-input-management.ts';
import { isDurable, planFor } from './bad-input-plan.ts';
import { runScenario, type Scenario, type ScenarioContext } from './bad-input-scenario.ts';
import { judge, type Verdict } from './bad-input-verdict.ts';
import { carriesForgedText, scanLog, type LogScan } from './log-forgery.ts';
import { sampleProcess } from './process-usage.ts';
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
  /** Inputs and scenarios meant for later labs (see BadInput.since), not sent. */
  skipped: number;
  /**
   * Tried and passed per group (BadInput.group, Scenario.group, `still-serving` for the
   * known-good requests, and the log scan in `log-forgery`).
   */
  groups: Record<string, { tried: number; passed: number }>;
  /** What the scenarios that passed measured, per group. */
  figures: Record<string, string[]>;
  /** Inputs and scenarios that sent the forged log line. */
  forgedRequests: number;
  /** The host's log, read for forged lines and raw control characters after everything was sent. */
  logScan: LogScan;
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
  /** Reads of an instance's row in the Instances table, counted in front of Azurite (counting-table-proxy.ts). */
  statusReads: (instanceId: string) => number;
  /** Called with the running host before it is stopped: hardening checks that need it live. */
  whileRunning?: (host: SpawnedHost) => Promise<void>;
}

/** Counts tried and passed, in all and per group, and keeps the failures and the scenarios' figures. */
class Tally {
  tried = 0;
  passed = 0;
  forgedRequests = 0;
  readonly groups: AppResult['groups'] = {};
  readonly figures: AppResult['figures'] = {};
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
    const http = host.functions
      .map((f) => httpFunctionOf(f, host.url))
      .filter((f): f is HttpFunction => f !== undefined);
    const plan = planFor(host.functions, http, host.port);
    const missed = routeMissFor(http, isDurable(host.functions) ? MANAGEMENT_PREFIXES : []);
    const tally = new Tally();
    for (const gap of plan.notCovered) {
      tally.failures.push({
        target: gap.name,
        what: 'not covered',
        request: gap.what,
        answer: '-',
        reason: `the matrix has no inputs for it: add them to ${gap.where}`,
      });
    }

    const inputs = plan.inputs.filter((input) => isDue(input.since, options.labId));
    for (const input of inputs) {
      if (carriesForgedText(input.request)) tally.forgedRequests++;
      const outcome = await exchange(host.port, input.request);
      const verdict = verdictOf(input, outcome, missed);
      tally.record(input.group, verdict.ok, () => failureOf(input.target, input.what, input.request, outcome, verdict));
    }
    const scenarios = plan.scenarios.filter((scenario) => isDue(scenario.since, options.labId));
    await runScenarios(scenarios, host, options, tally);

    // Still serving after all that?
    if (plan.knownGood.length === 0) {
      tally.failures.push({
        target: 'host',
        what: 'still serving',
        request: '-',
        answer: '-',
        reason: 'no known-good request for any function of this app: add one to knownGood()',
      });
    }
    for (const probe of plan.knownGood) {
      const outcome = await exchange(host.port, probe.request);
      const ok = 'answer' in outcome && (outcome.answer.status === 200 || outcome.answer.status === 201);
      const verdict: Verdict = ok
        ? { ok }
        : { ok: false, reason: 'answer' in outcome ? `status ${outcome.answer.status}, not 200/201` : outcome.error };
      tally.record('still-serving', ok, () =>
        failureOf(
          probe.target,
          'a known-good request after the matrix (the host must still serve)',
          probe.request,
          outcome,
          verdict,
        ),
      );
    }
    if (host.child.exitCode !== null || host.child.signalCode !== null) {
      tally.failures.push({
        target: 'host',
        what: 'still running',
        request: '-',
        answer: '-',
        reason: `the host exited (${host.child.signalCode ?? `code ${host.child.exitCode}`})`,
      });
    }
    const logScan = scanLog(host.logs(), { from: started, to: Date.now() });
    recordLogScan(logScan, tally);

    await options.whileRunning?.(host);
    return {
      app: options.app,
      tried: tally.tried,
      passed: tally.passed,
      skipped: plan.inputs.length - inputs.length + plan.scenarios.length - scenarios.length,
      groups: tally.groups,
      figures: tally.figures,
      forgedRequests: tally.forgedRequests,
      logScan,
      failures: tally.failures,
      functions: http.map((f) => `${f.name} ${f.methods?.join(',') ?? '*'} ${f.template}`),
      durationMs: Date.now() - started,
      logs: host.logs(),
    };
  } finally {
    await host.stop();
  }
}

/** Runs each scenario, then ends every instance they started. */
async function runScenarios(
  scenarios: Scenario[],
  host: SpawnedHost,
  options: AppRunOptions,
  tally: Tally,
): Promise<void> {
  const startedIds: string[] = [];
  const context = scenarioContext(host, options, startedIds);
  for (const scenario of scenarios) {
    if (scenario.forged) tally.forgedRequests++;
    const verdict = await runScenario(scenario, context);
    if (verdict.ok && verdict.figure) (tally.figures[scenario.group] ??= []).push(verdict.figure);
    tally.record(scenario.group, verdict.ok, () => ({
      target: scenario.target,
      what: scenario.what,
      request: verdict.ok || !verdict.request ? '-' : describeRequest(verdict.request),
      answer: verdict.ok || !verdict.answer ? '-' : describeAnswer(verdict.answer),
      reason: verdict.ok ? '' : verdict.reason,
    }));
  }
  // The apps share one task hub: an instance left running would be run by the next app's host, with the next app's code.
  for (const id of startedIds) {
    const status = await endInstance(host.port, id).catch((error: unknown) => ({
      runtimeStatus: `unknown (${(error as Error).message})`,
      output: undefined,
    }));
    if (status !== undefined && !ENDED.has(status.runtimeStatus)) {
      tally.failures.push({
        target: 'host',
        what: 'the instances the scenarios started end',
        request: `terminate ${id}`,
        answer: status.runtimeStatus,
        reason: 'not ended 15 s after its terminate',
      });
    }
  }
}

/** One verdict per app: the log the host wrote while it took every input. */
function recordLogScan(scan: LogScan, tally: Tally): void {
  const clean = scan.forged.length === 0 && scan.rawControls.length === 0;
  tally.record('log-forgery', clean, () => ({
    target: 'host log',
    what: 'no line starts with a timestamp the host did not write; no raw control character',
    request: `${tally.forgedRequests} requests carried CR, LF, ESC and a forged timestamp`,
    answer: [...scan.forged.map((l) => `forged: ${l}`), ...scan.rawControls.map((l) => `raw control: ${l}`)]
      .slice(0, 3)
      .join(' | '),
    reason: `${scan.forged.length} forged line(s), ${scan.rawControls.length} line(s) with a raw control character`,
  }));
}

const isDue = (since: string | undefined, labId: string) => since === undefined || since <= labId;

function scenarioContext(host: SpawnedHost, options: AppRunOptions, startedIds: string[]): ScenarioContext {
  let next = 0;
  const pid = host.child.pid;
  return {
    port: host.port,
    // The lab in the id: every app of the run shares the task hub.
    instanceId: (label) => `bad-input-${options.labId}-${label}-${++next}`,
    statusReads: options.statusReads,
    hostCpuSeconds: () => (pid === undefined ? undefined : sampleProcess(pid)?.cpuSeconds),
    started: (id) => {
      if (!startedIds.includes(id)) startedIds.push(id);
    },
  };
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
  if (input.expectStatus !== undefined && status !== input.expectStatus)
    return { ok: false, reason: `status ${status}, not ${input.expectStatus}` };
  return judge(outcome.answer, {
    hostRouteMiss: missed(input.request.method, input.request.target),
    head: input.request.method === 'HEAD',
    extensionSendsNoBody: managementAnswerWithoutBody(input.request.target, status),
  });
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
    typeof value === 'string'
      ? [`${name}: ${clip(JSON.stringify(value).slice(1, -1), 40)}`]
      : value.length === 0
        ? [`(no ${name})`]
        : value.map((one) => `${name}: ${clip(one, 40)}`),
  );
  const body = request.body === undefined ? '' : ` + ${Buffer.byteLength(request.body)} byte body`;
  return `${request.method} ${clip(JSON.stringify(request.target).slice(1, -1))}${headers.length ? ` [${headers.join('; ')}]` : ''}${body}`;
}

function describeAnswer(answer: RawAnswer): string {
  const text = answer.body.toString('utf8');
  return `${answer.status} ${answer.headers['content-type'] ?? '(no content-type)'} ${text === '' ? '(empty body)' : clip(JSON.stringify(text))}`;
}
