// The Durable extension's classic entity scheduler, the one Node entities run on
// (EntityMiddleware + TaskEntityShim, docs/design/durable-entities.md §3): an entity is the
// orchestration instance `@name@key`, started by its first message (DTFx's Entities.AutoStart).
// One work item of it:
//   1. rehydrate the SchedulerState from the current execution's ExecutionStarted input;
//   2. every EventRaised "op" is a RequestMessage, passed through the MessageSorter (requests of
//      orchestrations and entities in order, duplicates dropped; client signals pass through)
//      into the queue; "continue" clears `suspended`;
//   3. up to 5000 queued requests make the batch (the rest wait for a "continue" sent to self);
//      the entity function runs once for it;
//   4. the checkpoint, in DTFx's order: responses (to callers, an EventRaised named by the
//      request id) and signals first, then continue-as-new (the History table holds
//      [OrchestratorStarted, ExecutionStarted(Input = SchedulerState), OrchestratorCompleted] of a
//      new execution, the Instances row is Running with the SchedulerState as input and the
//      EntityStatus as custom status, CreatedTime advancing), then the messages are deleted.
// A worker that dies mid-batch aborts the work item: nothing is deleted, and the batch runs again.

import { randomUUID } from 'node:crypto';
import type { FunctionExecutor, HostLog } from '../../executor.ts';
import type { FunctionDefinition } from '../../worker-protocol.ts';
import type { Clock } from '../clock.ts';
import { EventType, eventTypeName, newEvent, type HistoryEvent, type OrchestrationInstanceRef } from '../history.ts';
import type { ReceivedMessage, TaskHubStorage } from '../task-hub-storage.ts';
import { invokeEntity, type EntityBatchResult } from './batch.ts';
import { parseSchedulerId, schedulerId } from './entity-id.ts';
import {
  CONTINUE_EVENT,
  entityStatusJson,
  MessageSorter,
  parseRequest,
  parseSchedulerState,
  RELEASE_EVENT,
  REQUEST_EVENT,
  requestJson,
  responseJson,
  schedulerStateJson,
  ticksOf,
  type RequestMessage,
} from './messages.ts';

/** DurableTaskOptions.MaxEntityOperationBatchSize outside the Consumption plan. */
export const MAX_ENTITY_OPERATION_BATCH_SIZE = 5000;

export interface EntitySchedulerOptions {
  storage: TaskHubStorage;
  clock: Clock;
  executor: FunctionExecutor;
  /** The app's entity functions by lower-case name. */
  entities: Map<string, FunctionDefinition>;
  log: HostLog;
  maxDequeueCount: number;
  /** Sends a message to an instance's control queue (the engine's sendToInstance). */
  send(target: OrchestrationInstanceRef, event: HistoryEvent, sender: OrchestrationInstanceRef): Promise<void>;
  /** Moves a message to the poison table; returns the reason. */
  storePoison(instanceId: string, m: ReceivedMessage, why: string): Promise<string>;
  /** Deletes the handled messages and forgets them. */
  finish(instanceId: string, messages: ReceivedMessage[]): Promise<void>;
}

/** The "doesn't exist" text of DurableTaskExtension.ThrowIfFunctionDoesNotExist for entities. */
export function unknownEntityMessage(name: string, known: Iterable<{ name: string }>): string {
  const names = [...known].map((f) => f.name);
  return (
    `The function '${name}' doesn't exist, is disabled, or is not an entity function. Additional info: ` +
    (names.length > 0
      ? `The following are the known entity functions: '${names.join("', '")}'.`
      : 'No entity functions are currently registered!')
  );
}

/**
 * What an operation's failure says. The SDK passes the thrown value on as JSON.stringify(error),
 * which is `{}` for an Error (its message is not an own enumerable property): say so, rather
 * than print `{}`.
 */
export function failureText(result: string | null | undefined): string {
  if (result === undefined || result === null || result === '') return 'no details';
  if (result === '{}')
    return (
      'the SDK passed the error on as {}: it serialises a thrown Error without its message ' +
      "(JSON.stringify). Log the error in the entity function to see it; a caller's callEntity fails with [object Object]."
    );
  return result;
}

export class EntityScheduler {
  readonly #o: EntitySchedulerOptions;

  constructor(options: EntitySchedulerOptions) {
    this.#o = options;
  }

  /** One work item of entity `instanceId` (`@name@key`) with the messages received for it. */
  async runEpisode(instanceId: string, batch: ReceivedMessage[]): Promise<void> {
    const { storage, clock, log } = this.#o;
    const loaded = await storage.loadHistory(instanceId);
    const started = loaded.events.find((e) => e.EventType === EventType.ExecutionStarted);
    const state = parseSchedulerState(started?.Input);
    const sorter = new MessageSorter(state.sorter);
    const queue: RequestMessage[] = state.queue ?? [];
    const self: OrchestrationInstanceRef = { InstanceId: instanceId, ExecutionId: loaded.executionId ?? '' };

    for (const m of batch) {
      const event = m.data.TaskMessage!.Event;
      if (m.dequeueCount > this.#o.maxDequeueCount) {
        // Not delivered: a request that kept failing its batch would fail every batch after it.
        await this.#o.storePoison(
          instanceId,
          m,
          'Each attempt to run the batch that holds it failed before it could be saved: the host log says why. The entity goes on without it.',
        );
        continue;
      }
      if (event.EventType !== EventType.EventRaised) {
        log(
          'warning',
          `${instanceId}: discarding ${eventTypeName(event.EventType)}: an entity takes only its own messages.`,
        );
        continue;
      }
      const name = String(event.Name ?? '');
      if (name === REQUEST_EVENT || name.startsWith(`${REQUEST_EVENT}@`)) {
        const request = parseRequest(event.Input);
        if (!request) {
          log('warning', `${instanceId}: discarding an "op" message that holds no request.`);
          continue;
        }
        queue.push(...sorter.receive(request));
      } else if (name === RELEASE_EVENT) {
        // Locks are not supported yet (the SDK refuses lock() under replay schema V3): nothing is held.
      } else if (name === CONTINUE_EVENT) {
        state.suspended = false;
      }
    }

    const operations = state.suspended ? [] : queue.splice(0, MAX_ENTITY_OPERATION_BATCH_SIZE);
    const outbound: Array<() => Promise<void>> = [];
    if (queue.length > 0 && !state.suspended) {
      // ToBeContinuedWithDelay: the rest waits for the next work item.
      state.suspended = true;
      outbound.push(() =>
        this.#o.send(
          { InstanceId: instanceId, ExecutionId: '' },
          newEvent(EventType.EventRaised, clock.now(), { Name: CONTINUE_EVENT, Input: null }),
          self,
        ),
      );
    }
    if (operations.length > 0) {
      const result = await this.#runBatch(instanceId, state, operations);
      state.exists = result.entityExists;
      state.state = result.entityState;
      operations.forEach((request, i) => {
        const r = result.results[i]!;
        if (r.isError)
          log(
            'error',
            `${instanceId}: operation '${request.op}' failed (request ${request.id}): ${failureText(r.result)}`,
          );
        if (request.signal || !request.parent) return;
        const answer = newEvent(EventType.EventRaised, clock.now(), {
          Name: request.id,
          Input: responseJson(r.result, r.isError),
        });
        const caller = { InstanceId: request.parent, ExecutionId: request.parentExecution ?? '' };
        outbound.push(() => this.#o.send(caller, answer, self));
      });
      for (const signal of result.signals) {
        const target = schedulerId(signal.target.name, signal.target.key);
        const request: RequestMessage = {
          op: signal.name,
          signal: true,
          input: signal.input ?? null,
          id: randomUUID(),
          parent: instanceId,
          Timestamp: '',
          Predecessor: '',
        };
        // An entity labels its messages with the machine's clock (DateTime.UtcNow).
        sorter.label(request, target, ticksOf(clock.now()));
        const event = newEvent(EventType.EventRaised, clock.now(), {
          Name: REQUEST_EVENT,
          Input: requestJson(request),
        });
        outbound.push(() => this.#o.send({ InstanceId: target, ExecutionId: '' }, event, self));
      }
      log(
        'information',
        `Entity ${instanceId} ran ${operations.length} operation(s) (${operations.map((o) => o.op).join(', ')})` +
          `${result.signals.length > 0 ? `, sent ${result.signals.length} signal(s)` : ''}.`,
      );
    }
    state.queue = queue;

    // DTFx's order: messages first, then the checkpoint (continue-as-new), then the deletes.
    for (const send of outbound) await send();
    const now = clock.now();
    const executionId = randomUUID().replaceAll('-', '');
    const input = schedulerStateJson(state);
    const restarted = newEvent(EventType.ExecutionStarted, now, {
      OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
      Name: instanceId,
      Version: '',
      Input: input,
      ParentInstance: null,
      Tags: null,
      Generation: (started?.Generation ?? -1) + 1,
    });
    const events = [
      newEvent(EventType.OrchestratorStarted, now),
      restarted,
      newEvent(EventType.OrchestratorCompleted, now),
    ];
    await storage.appendHistory(instanceId, executionId, 0, events, loaded.etag, now);
    await storage.mergeInstance(instanceId, {
      Name: instanceId,
      Version: '',
      Input: input,
      CustomStatus: entityStatusJson(state),
      RuntimeStatus: 'Running',
      CreatedTime: now,
      LastUpdatedTime: now,
      ExecutionId: executionId,
    });
    await this.#o.finish(instanceId, batch);
  }

  async #runBatch(
    instanceId: string,
    state: ReturnType<typeof parseSchedulerState>,
    operations: RequestMessage[],
  ): Promise<EntityBatchResult> {
    const { name, key } = parseSchedulerId(instanceId);
    const fn = this.#o.entities.get(name.toLowerCase());
    if (!fn) {
      // Only a message written by hand gets here: the client and orchestrators check the name first.
      const message = unknownEntityMessage(name, this.#o.entities.values());
      return {
        entityExists: state.exists === true,
        entityState: state.state ?? null,
        results: operations.map(() => ({ result: message, isError: true, duration: 0 })),
        signals: [],
      };
    }
    return invokeEntity(
      this.#o.executor,
      fn,
      {
        self: { name, key },
        exists: state.exists === true,
        state: state.state ?? null,
        batch: operations.map((r) => ({ name: r.op ?? '', input: r.input ?? null, isSignal: r.signal === true })),
      },
      instanceId,
    );
  }
}
