import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { throwIfCheckStopped } from './check-signal.ts';
import { readHistoryRows } from './history-rows.ts';
import { NEVER_YIELDS } from './never-yields.ts';

export type RuntimeStatus =
  'Pending' | 'Running' | 'Completed' | 'Failed' | 'Terminated' | 'Suspended' | 'ContinuedAsNew';

/** An instance's status as the management API answers it (`statusQueryGetUri`). */
export interface OrchestrationStatus {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Array<Record<string, unknown>>;
}

export interface StatusOptions {
  showHistory?: boolean;
  showHistoryOutput?: boolean;
  showInput?: boolean;
}

const TERMINAL: ReadonlySet<RuntimeStatus> = new Set(['Completed', 'Failed', 'Terminated']);

/** Whether the instance has ended: Completed, Failed or Terminated. */
export function hasEnded(status: OrchestrationStatus): boolean {
  return TERMINAL.has(status.runtimeStatus);
}

/** The most of an output a check's message quotes. */
const SUMMARY_CHARS = 600;

/**
 * The output in one line, for a check's message: a failure's output ends with the error's
 * details as JSON on the next line, and the first line says it. A longer one ends at a word, with
 * "…" (the walkthrough read "such as si").
 */
export function outputSummary(status: OrchestrationStatus): string {
  const output = typeof status.output === 'string' ? status.output : JSON.stringify(status.output);
  const line = String(output).split('\n')[0]!.trim();
  if (line.length <= SUMMARY_CHARS) return line;
  const cut = line.slice(0, SUMMARY_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${(space > 0 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
}
const POLL_MS = 25;

/** The task hub an app uses: host.json `extensions.durableTask.hubName`, else the local default. */
export function taskHubName(appDir: string): string {
  try {
    const hostJson = JSON.parse(readFileSync(join(appDir, 'host.json'), 'utf8')) as {
      extensions?: { durableTask?: { hubName?: string } };
    };
    return hostJson.extensions?.durableTask?.hubName ?? 'TestHubName';
  } catch {
    return 'TestHubName';
  }
}

export type FetchFromHost = (path: string, init?: RequestInit) => Promise<Response>;

/** The host's warning for an episode that runs for seconds (engine.ts #watchEpisode). */
const RUNAWAY = /Orchestration (\S+) \((\S+)\) has run for (\d+) s in one episode/g;
/** The host's word for an episode whose worker died under it (a loop that fills the heap does that first). */
const WORKER_DIED =
  /Orchestration episode of instance (\S+) was aborted and will be retried \(attempt (\d+);[^\n]*?execute '([^']+)': The Node worker process exited \(([^)]*)\)/g;

const EVERY_TASK_YIELDED =
  'Every task must be yielded: yield context.df.Task.any([…]), yield context.df.callActivity(…), yield context.df.callEntity(…). ' +
  'A loop around a task that is not yielded spins for ever';

/** Whether the host logged an episode of `instanceId` after `from`: that episode ended after all. */
function endedLater(logs: string, instanceId: string, from: number): boolean {
  return logs.includes(`(${instanceId}) episode `, from);
}

/**
 * What a wait should say at once when an orchestrator is stuck in a loop that never yields: the
 * worker is blocked (or dies, once the loop has filled its heap), so every instance waits, and
 * every check would time out one after another (minutes) with a message about something else.
 * Without `instanceId`, as a check about to start sees it.
 */
export function runawayProblem(logs: string, instanceId?: string): string | undefined {
  // Called on every poll of a wait: most logs hold neither warning, and two substring searches say so cheaply.
  if (!logs.includes(' in one episode') && !logs.includes('was aborted and will be retried')) return undefined;
  const others = (runaway: string) =>
    runaway === instanceId
      ? '.'
      : instanceId === undefined
        ? ', and blocks the worker: nothing else runs until the host ends the function (functionTimeout).'
        : `, and blocks the worker, so ${instanceId} cannot run either.`;
  for (const found of logs.matchAll(RUNAWAY)) {
    const [, name, runaway, seconds] = found;
    // A slow episode that did end (a machine under load) logs its episode line afterwards: not a loop.
    if (endedLater(logs, runaway!, found.index + found[0].length)) continue;
    return `${name} (${runaway}) has run for ${seconds} s ${NEVER_YIELDS}. ` + EVERY_TASK_YIELDED + others(runaway!);
  }
  for (const found of logs.matchAll(WORKER_DIED)) {
    const [, runaway, attempt, name, signal] = found;
    if (Number(attempt) < 2 || endedLater(logs, runaway!, found.index + found[0].length)) continue;
    return (
      `${name} (${runaway}) has run for ever ${NEVER_YIELDS}, until its worker ` +
      `died (${signal}, ${attempt} times: out of memory, from the tasks the loop keeps creating). ` +
      EVERY_TASK_YIELDED +
      (runaway === instanceId || instanceId === undefined ? '.' : `, and ${instanceId} waits behind it.`)
    );
  }
  return undefined;
}

export class DurableInspector {
  readonly #fetch: FetchFromHost;
  readonly #connectionString: string;
  readonly #hub: string;
  readonly #logs: () => string;

  constructor(fetchFromHost: FetchFromHost, connectionString: string, hub: string, logs: () => string = () => '') {
    this.#fetch = fetchFromHost;
    this.#connectionString = connectionString;
    this.#hub = hub;
    this.#logs = logs;
  }

  /** The status, through the same public webhook a learner curls; undefined when unknown. */
  async status(instanceId: string, options: StatusOptions = {}): Promise<OrchestrationStatus | undefined> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(options)) if (value) query.set(key, 'true');
    const path = `/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}?${query}`;
    const res = await this.#fetch(path);
    if (res.status === 404) return undefined;
    if (!res.ok && res.status !== 202) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as OrchestrationStatus;
  }

  /**
   * Waits until the instance is Completed, Failed or Terminated. Polling the status is how a
   * real client waits too; the deadline turns a stuck orchestration into a clear failure.
   */
  waitForCompletion(instanceId: string, options: { timeoutMs?: number } = {}): Promise<OrchestrationStatus> {
    return this.waitForStatus(instanceId, hasEnded, { ...options, what: 'finish' });
  }

  /**
   * Waits until the instance's status satisfies `until`: a custom status, a phase, a count.
   * `what` completes the error "did not … in time".
   */
  async waitForStatus(
    instanceId: string,
    until: (status: OrchestrationStatus) => boolean,
    options: { timeoutMs?: number; what?: string } = {},
  ): Promise<OrchestrationStatus> {
    const deadline = Date.now() + (options.timeoutMs ?? 20_000);
    let last: OrchestrationStatus | undefined;
    while (Date.now() < deadline) {
      throwIfCheckStopped();
      last = await this.status(instanceId);
      if (last && until(last)) return last;
      const runaway = runawayProblem(this.#logs(), instanceId);
      if (runaway) throw new Error(runaway);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new Error(
      `Orchestration ${instanceId} did not ${options.what ?? 'reach the expected status'} in time: its status is ${last?.runtimeStatus ?? 'unknown (not found)'}` +
        (last?.customStatus !== undefined && last.customStatus !== null
          ? `, custom status ${JSON.stringify(last.customStatus)}`
          : '') +
        '.',
    );
  }

  /** The instance's rows in the `{Hub}History` table, in order, as Storage Explorer shows them. */
  history(instanceId: string): Promise<Array<Record<string, unknown>>> {
    return readHistoryRows(this.#connectionString, this.#hub, instanceId);
  }
}
