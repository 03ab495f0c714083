// The durable client's operations, as the extension's DurableClient performs them against the
// Azure Storage provider: starting writes the Instances row (Pending) and sends ExecutionStarted
// to the instance's control queue; raising events, terminating, suspending and resuming send a
// message; status reads the Instances row (and the History table when asked); purge deletes
// the rows and blobs of an instance.

import { randomUUID } from 'node:crypto';
import { odata } from '@azure/data-tables';
import type { DurableEngine } from './engine.ts';
import { ClientError } from './client-error.ts';
import { EventType, eventTypeName, newEvent, type HistoryEvent, type RuntimeStatus } from './history.ts';
import { validateInstanceId, validateInstanceIdPrefix, validateInstanceIdToRead } from './instance-id.ts';
import { MAX_PAGE_SIZE, RUNTIME_STATUSES, storageContinuation } from './management-query.ts';
import { rewindHistory } from './rewind.ts';
import type { InstanceRow } from './task-hub-storage.ts';
import { escapeKey } from './table-keys.ts';

export { ClientError, validateInstanceId, validateInstanceIdToRead };

export interface StatusOptions {
  showHistory?: boolean;
  showHistoryOutput?: boolean;
  showInput?: boolean;
}

/** The status payload of the HTTP API (`StatusResponsePayload`). */
export interface StatusPayload {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: unknown[];
}

function parseJsonOrText(text: string | null): unknown {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** .NET's DateTime.ToString("s") + "Z". */
function seconds(d: Date): string {
  return d.toISOString().slice(0, 19) + 'Z';
}

const TERMINAL = new Set<RuntimeStatus>(['Completed', 'Failed', 'Terminated', 'Canceled']);

/** What the client needs of an engine: a running one in the host, or a detached one (the dashboard on any task hub). */
export type ClientEngine = Pick<
  DurableEngine,
  'storage' | 'clock' | 'telemetry' | 'busy' | 'orchestratorExists' | 'sendToInstance' | 'forgetHistory'
>;

/** The filter of an instance query, as the extension's OrchestrationStatusQueryCondition has it, plus the name. */
export interface InstanceFilter {
  runtimeStatus?: RuntimeStatus[];
  createdTimeFrom?: Date;
  createdTimeTo?: Date;
  instanceIdPrefix?: string;
  /** The orchestrator's name, exactly (the Instances table compares it as stored). */
  name?: string;
}

export class DurableClientOperations {
  readonly #engine: ClientEngine;
  constructor(engine: ClientEngine) {
    this.#engine = engine;
  }

  get hubName(): string {
    return this.#engine.storage.hubName;
  }

  async startNew(name: string, instanceId: string | undefined, input: string | null): Promise<string> {
    return this.#engine.busy(async () => {
      if (!this.#engine.orchestratorExists(name)) {
        throw new ClientError(
          400,
          `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`,
        );
      }
      const id = instanceId ?? randomUUID().replaceAll('-', '');
      validateInstanceId(id);
      const storage = this.#engine.storage;
      await storage.init();
      const existing = await storage.getInstance(id);
      if (existing && !TERMINAL.has(existing.runtimeStatus)) {
        throw new ClientError(
          409,
          `An Orchestration instance with the status ${existing.runtimeStatus} already exists.`,
        );
      }
      const executionId = randomUUID().replaceAll('-', '');
      const now = this.#engine.clock.now();
      await storage.mergeInstance(
        id,
        {
          Name: name,
          Version: '',
          Input: input,
          Output: null,
          CustomStatus: 'null',
          CreatedTime: now,
          LastUpdatedTime: now,
          RuntimeStatus: 'Pending',
          ExecutionId: executionId,
          Generation: 0,
        },
        'Replace',
      );
      const start = newEvent(EventType.ExecutionStarted, now, {
        OrchestrationInstance: { InstanceId: id, ExecutionId: executionId },
        Name: name,
        Version: '',
        Input: input,
        ParentInstance: null,
        Tags: null,
        Generation: 0,
      });
      await this.#engine.sendToInstance({ InstanceId: id, ExecutionId: executionId }, start);
      return id;
    });
  }

  async getInstance(instanceId: string): Promise<InstanceRow | undefined> {
    validateInstanceId(instanceId);
    await this.#engine.storage.init();
    return this.#engine.storage.getInstance(instanceId);
  }

  async getStatus(instanceId: string, options: StatusOptions = {}): Promise<StatusPayload | undefined> {
    // A read may name an entity's own instance (@name@key); only starting one is refused.
    validateInstanceIdToRead(instanceId);
    await this.#engine.storage.init();
    const row = await this.#engine.storage.getInstance(instanceId);
    if (!row) return undefined;
    return this.#toPayload(row, options);
  }

  async #toPayload(row: InstanceRow, options: StatusOptions): Promise<StatusPayload> {
    const storage = this.#engine.storage;
    const payload: StatusPayload = {
      name: row.name,
      instanceId: row.instanceId,
      runtimeStatus: row.runtimeStatus,
      input: options.showInput === false ? null : parseJsonOrText(await storage.resolveLarge(row.input)),
      customStatus: parseJsonOrText(row.customStatus),
      output: parseJsonOrText(await storage.resolveLarge(row.output)),
      createdTime: seconds(row.createdTime),
      lastUpdatedTime: seconds(row.lastUpdatedTime),
    };
    if (options.showHistory) {
      const history = await storage.loadHistory(row.instanceId);
      payload.historyEvents = simplifyHistory(history.events, options.showHistoryOutput === true);
    }
    return payload;
  }

  /** `action` completes "an instance that has ended cannot …" (the 410's reason). */
  async #send(
    instanceId: string,
    event: HistoryEvent,
    allowedWhen: (s: RuntimeStatus) => boolean,
    action: string,
  ): Promise<void> {
    await this.#engine.busy(async () => {
      const row = await this.getInstance(instanceId);
      if (!row)
        throw new ClientError(404, `No instance with ID '${instanceId}' was found in task hub '${this.hubName}'.`);
      if (!allowedWhen(row.runtimeStatus))
        throw new ClientError(
          410,
          `Instance '${instanceId}' is ${row.runtimeStatus}: an instance that has ended cannot ${action}.`,
        );
      await this.#engine.sendToInstance({ InstanceId: instanceId, ExecutionId: '' }, event);
    });
  }

  raiseEvent(instanceId: string, eventName: string, data: string | null): Promise<void> {
    return this.#send(
      instanceId,
      newEvent(EventType.EventRaised, this.#engine.clock.now(), { Name: eventName, Input: data }),
      (s) => !TERMINAL.has(s),
      'receive events',
    );
  }

  terminate(instanceId: string, reason: string | null): Promise<void> {
    return this.#send(
      instanceId,
      newEvent(EventType.ExecutionTerminated, this.#engine.clock.now(), { Input: reason }),
      (s) => !TERMINAL.has(s),
      'be terminated',
    );
  }

  suspend(instanceId: string, reason: string | null): Promise<void> {
    return this.#send(
      instanceId,
      newEvent(EventType.ExecutionSuspended, this.#engine.clock.now(), { Reason: reason }),
      (s) => !TERMINAL.has(s),
      'be suspended',
    );
  }

  resume(instanceId: string, reason: string | null): Promise<void> {
    return this.#send(
      instanceId,
      newEvent(EventType.ExecutionResumed, this.#engine.clock.now(), { Reason: reason }),
      (s) => !TERMINAL.has(s),
      'be resumed',
    );
  }

  /** Deletes the instance's rows and blobs; the number of instances deleted (0 or 1). */
  async purge(instanceId: string): Promise<number> {
    return this.#engine.busy(async () => {
      const row = await this.getInstance(instanceId);
      if (!row) return 0;
      const storage = this.#engine.storage;
      await storage.deleteHistory(instanceId);
      this.#engine.forgetHistory(instanceId);
      await storage.deleteLargeMessages(instanceId);
      const deleted = (await storage.deleteInstance(instanceId)) ? 1 : 0;
      this.#engine.telemetry.forget(instanceId);
      return deleted;
    });
  }

  /**
   * Starts the instance again with its orchestrator's name and input, as the extension's
   * RestartAsync does: under a new id (the default), or under its own id once it has ended.
   * Returns the id of the new instance.
   */
  async restart(instanceId: string, restartWithNewInstanceId = true): Promise<string> {
    const row = await this.getInstance(instanceId);
    // The extension's RestartAsync throws an ArgumentException, which its HTTP API answers 400 with this message.
    if (!row)
      throw new ClientError(
        400,
        `InstanceId does not match a valid orchestration instance: task hub '${this.hubName}' has no instance with ID '${instanceId}'.`,
      );
    const input = await this.#engine.storage.resolveLarge(row.input);
    return this.startNew(row.name, restartWithNewInstanceId ? undefined : instanceId, input);
  }

  /**
   * Rewinds a failed instance as the extension's RewindAsync does on Azure Storage (rewind.ts):
   * its failures are taken out of the history, and the failed instances are woken to replay.
   * The HTTP API has answered 404 and 410 before; any other status but Failed is refused with the
   * extension's own message (its HTTP API answers that 500).
   */
  async rewind(instanceId: string, reason: string | null): Promise<void> {
    await this.#engine.busy(async () => {
      const row = await this.getInstance(instanceId);
      if (!row)
        throw new ClientError(404, `No instance with ID '${instanceId}' was found in task hub '${this.hubName}'.`);
      if (row.runtimeStatus !== 'Failed')
        throw new Error('The rewind operation is only supported on failed orchestration instances.');
      const woken = await rewindHistory(this.#engine.storage, instanceId, this.#engine.clock.now());
      for (const id of woken) {
        const wake = newEvent(EventType.GenericEvent, this.#engine.clock.now(), { Data: reason ?? '' });
        await this.#engine.sendToInstance({ InstanceId: id, ExecutionId: '' }, wake);
      }
    });
  }

  /** One page of statuses, filtered like the extension's OrchestrationStatusQueryCondition. */
  async list(
    query: InstanceFilter & { top?: number; showInput?: boolean; continuation?: string },
  ): Promise<{ statuses: StatusPayload[]; continuation?: string }> {
    const continuation = storageContinuation(query.continuation);
    await this.#engine.storage.init();
    const top = query.top && query.top > 0 ? Math.min(query.top, MAX_PAGE_SIZE) : 100;
    const page = await this.#engine.storage.listInstances(instanceQuery(query), top, continuation);
    const statuses = await Promise.all(
      // OrchestrationStatusQueryCondition.ShowInput is true unless the query says otherwise.
      page.rows.map((row) => this.#toPayload(row, { showInput: query.showInput ?? true })),
    );
    return page.continuation ? { statuses, continuation: page.continuation } : { statuses };
  }
}

/** The Instances table query (OData) of a filter; throws a ClientError for a prefix no id can have. */
export function instanceQuery(query: InstanceFilter): string {
  if (query.instanceIdPrefix) validateInstanceIdPrefix(query.instanceIdPrefix);
  const clauses: string[] = [`RowKey eq ''`];
  if (query.createdTimeFrom) clauses.push(odata`CreatedTime ge ${query.createdTimeFrom}`);
  if (query.createdTimeTo) clauses.push(odata`CreatedTime le ${query.createdTimeTo}`);
  if (query.runtimeStatus && query.runtimeStatus.length > 0) {
    clauses.push(`(${query.runtimeStatus.map((s) => odata`RuntimeStatus eq ${s}`).join(' or ')})`);
  }
  if (query.instanceIdPrefix) {
    // The keys are escaped ids; escaping maps each character on its own, so the escaped
    // prefix is a prefix of exactly the escaped ids that start with the prefix.
    const prefix = escapeKey(query.instanceIdPrefix);
    const next = keysAfterPrefix(prefix);
    clauses.push(
      next === undefined
        ? odata`PartitionKey ge ${prefix}`
        : odata`PartitionKey ge ${prefix} and PartitionKey lt ${next}`,
    );
  }
  if (query.name) clauses.push(odata`Name eq ${query.name}`);
  return clauses.join(' and ');
}

/**
 * The smallest key above every key that starts with `prefix` (storage compares UTF-16 code units),
 * kept well-formed: the SDK cannot URL-encode a lone surrogate. Undefined when there is none.
 */
export function keysAfterPrefix(prefix: string): string | undefined {
  if (prefix === '') return undefined;
  const head = prefix.slice(0, -1);
  const last = prefix.charCodeAt(prefix.length - 1);
  if (last === 0xffff) return keysAfterPrefix(head);
  if (last >= 0xdc00 && last <= 0xdfff) {
    // The end of a surrogate pair: step to the next code point. After U+10FFFF comes U+E000,
    // the first code unit above every surrogate.
    const next = prefix.codePointAt(prefix.length - 2)! + 1;
    return prefix.slice(0, -2) + (next <= 0x10ffff ? String.fromCodePoint(next) : '\ue000');
  }
  // The code unit after U+D7FF starts a surrogate pair: the smallest pair is U+10000.
  return head + (last === 0xd7ff ? '\u{10000}' : String.fromCharCode(last + 1));
}

/**
 * The history as the status API shows it (the extension's simplified form): scheduling events
 * are folded into their completions (FunctionName, ScheduledTime), replay bookkeeping
 * (OrchestratorStarted/Completed) is left out, results only with showHistoryOutput.
 */
export function simplifyHistory(events: HistoryEvent[], showOutput: boolean): unknown[] {
  const scheduled = new Map<number, HistoryEvent>();
  const out: Array<Record<string, unknown>> = [];
  for (const e of events) {
    const type = eventTypeName(e.EventType);
    const base: Record<string, unknown> = { EventType: type };
    switch (e.EventType) {
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        continue;
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
        scheduled.set(e.EventId, e);
        continue;
      case EventType.ExecutionStarted:
        base.FunctionName = e.Name;
        if (showOutput) base.Input = parseJsonOrText(e.Input ?? null);
        break;
      case EventType.ExecutionCompleted:
        base.OrchestrationStatus = RUNTIME_STATUSES[e.OrchestrationStatus ?? 1];
        if (showOutput || e.OrchestrationStatus !== 1) base.Result = parseJsonOrText(e.Result ?? null);
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed: {
        const s = scheduled.get(e.TaskScheduledId ?? -1);
        base.FunctionName = s?.Name;
        if (s?.EventType === EventType.SubOrchestrationInstanceCreated) base.InstanceId = s.InstanceId;
        base.ScheduledTime = s?.Timestamp;
        if (e.EventType === EventType.TaskCompleted || e.EventType === EventType.SubOrchestrationInstanceCompleted) {
          if (showOutput) base.Result = parseJsonOrText(e.Result ?? null);
        } else {
          base.Reason = e.Reason;
          base.Details = e.Details;
        }
        break;
      }
      case EventType.TimerCreated:
      case EventType.TimerFired:
        base.FireAt = e.FireAt;
        if (e.EventType === EventType.TimerFired) base.TimerId = e.TimerId;
        break;
      case EventType.EventRaised:
        base.Name = e.Name;
        if (showOutput) base.Input = parseJsonOrText(e.Input ?? null);
        break;
      case EventType.ExecutionTerminated:
        base.Input = e.Input;
        break;
      case EventType.ExecutionSuspended:
      case EventType.ExecutionResumed:
        base.Reason = e.Reason;
        break;
    }
    base.Timestamp = e.Timestamp;
    out.push(base);
  }
  return out;
}
