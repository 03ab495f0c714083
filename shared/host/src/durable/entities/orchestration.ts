// The orchestrator's side of entities, as the extension's shim replays the SDK's actions 7
// (CallEntity) and 9 (SignalEntity) through DurableOrchestrationContext.CallDurableTaskFunctionAsync
// (case Entity): a deterministic request id (NewGuid: a v5 UUID over
// "{instanceId}_{CurrentUtcDateTime:o}_{counter}"), a RequestMessage labelled by the
// orchestration's MessageSorter (rebuilt on every replay), sent with DTFx's SendEvent: an
// EventSent "op" in the orchestrator's history (its EventId the action's sequence number, its
// Input the request, which the SDK reads to match the answer) and an EventRaised "op" to the
// entity. A call then waits for the EventRaised named by the request id (the ResponseMessage).
// On replay the request already in history is reused as it is.

import { EventType, newEvent, type HistoryEvent } from '../history.ts';
import type { MessageData } from '../task-hub-storage.ts';
import { isEntityInstance, parseSchedulerId } from './entity-id.ts';
import {
  deterministicGuid,
  MessageSorter,
  parseRequest,
  REQUEST_EVENT,
  requestJson,
  roundTripDate,
  ticksOf,
  type RequestMessage,
} from './messages.ts';

/** The replay's view of an entity message an action sends: the EventSent it must find in history. */
export interface EntitySend {
  /** The entity's instance id (`@name@key`). */
  target: string;
  operation: string;
  call: boolean;
  /** The request's id: the name of the answer a call waits for. */
  requestId: string;
  /** The RequestMessage JSON (the EventSent's and the message's Input). */
  input: string;
}

export type EntityAction = { actionType: number; instanceId?: string; operation?: string; input?: unknown };

/**
 * Builds the requests of an orchestration's entity actions, in the order the shim invokes them.
 * `knownEntity` says whether the app has the entity function (ThrowIfFunctionDoesNotExist).
 */
export class EntityRequests {
  readonly #instanceId: string;
  readonly #executionId: string;
  readonly #sentInHistory = new Map<number, HistoryEvent>();
  readonly #sorter = new MessageSorter();
  #guidCounter = 0;

  constructor(instanceId: string, executionId: string, history: HistoryEvent[]) {
    this.#instanceId = instanceId;
    this.#executionId = executionId;
    for (const e of history) if (e.EventType === EventType.EventSent) this.#sentInHistory.set(e.EventId, e);
  }

  /** The request of action `action` at sequence number `id`, at the orchestrator's current time `now`. */
  request(action: EntityAction, id: number, call: boolean, now: Date): EntitySend {
    const target = action.instanceId ?? '';
    const operation = action.operation ?? '';
    // NewGuid and the sorter run on replay too: the counter and the clocks stay in step.
    const requestId = deterministicGuid(`${this.#instanceId}_${roundTripDate(now)}_${this.#guidCounter++}`);
    const input = action.input === undefined || action.input === null ? null : JSON.stringify(action.input);
    const request: RequestMessage = {
      op: operation,
      ...(call ? {} : { signal: true }),
      input,
      id: requestId,
      parent: this.#instanceId,
      parentExecution: this.#executionId,
      Timestamp: '',
      Predecessor: '',
    };
    this.#sorter.label(request, target, ticksOf(now));
    const sent = this.#sentInHistory.get(id);
    const stored = sent?.EventType === EventType.EventSent ? parseRequest(sent.Input) : undefined;
    if (sent && stored && sent.InstanceId === target) {
      // What history holds is what was sent: the answer comes back under its id.
      return { target, operation, call, requestId: stored.id, input: sent.Input! };
    }
    return { target, operation, call, requestId, input: requestJson(request) };
  }
}

/** The name of an entity function an action addresses (the scheduler id's name, lower case). */
export function entityNameOf(action: EntityAction): string {
  return parseSchedulerId(action.instanceId ?? '@').name;
}

/** DTFx's TaskOrchestrationContext.HandleEventSentEvent: what a replay must find for a past EventSent. */
export function eventSentMismatch(
  event: HistoryEvent,
  planned: { sendEvent?: string; other?: string } | undefined,
): string | undefined {
  const id = event.EventId;
  if (!planned)
    return (
      `A previous execution of this orchestration scheduled a send event task with sequence ID ${id}, type 'EventSent' name '${event.Name}', ` +
      `instance ID '${event.InstanceId}', but the current replay execution hasn't (yet?) scheduled this task. ` +
      'Was a change made to the orchestrator code after this instance had already started running?'
    );
  if (planned.sendEvent === undefined)
    return (
      `A previous execution of this orchestration scheduled a send event task with sequence ID ${id}, type 'EventSent', name '${event.Name}', ` +
      `instance ID '${event.InstanceId}', but the current orchestration replay instead scheduled a ${planned.other} task at this sequence number. ` +
      'Was a change made to the orchestrator code after this instance had already started running?'
    );
  if (planned.sendEvent.toLowerCase() !== String(event.Name ?? '').toLowerCase())
    return (
      `A previous execution of this orchestration scheduled a send event task with sequence ID ${id}, type 'EventSent', name '${event.Name}', ` +
      `instance ID '${event.InstanceId}'), but the current orchestration replay instead scheduled a send event task with name ${planned.sendEvent}` +
      'at this sequence number. Was a change made to the orchestrator code after this instance had already started running?'
    );
  return undefined;
}

/** The EventSent of the orchestrator's history and the EventRaised "op" for the entity's queue. */
export function entityMessageEvents(
  send: EntitySend,
  id: number,
  now: Date,
): { sent: HistoryEvent; message: HistoryEvent } {
  return {
    sent: newEvent(EventType.EventSent, now, { InstanceId: send.target, Name: REQUEST_EVENT, Input: send.input }, id),
    message: newEvent(EventType.EventRaised, now, { Name: REQUEST_EVENT, Input: send.input }),
  };
}

/** For logs: `signal 'add' to @counter@k1` / `call 'get' to @counter@k1`. */
export function describeEntitySend(send: Pick<EntitySend, 'call' | 'operation' | 'target'>): string {
  return `${send.call ? 'call' : 'signal'} '${send.operation}' to ${send.target}`;
}

/**
 * DTFx's out-of-order check (OrchestrationSession.IsOutOfOrderMessage): an entity's answer to an
 * orchestration that arrives before the checkpoint holding its EventSent is kept for later.
 */
export function isEarlyEntityResponse(data: MessageData, history: HistoryEvent[]): boolean {
  const event = data.TaskMessage?.Event;
  if (!event || event.EventType !== EventType.EventRaised) return false;
  if (!data.Sender || !isEntityInstance(data.Sender.InstanceId)) return false;
  const id = event.Name;
  return !history.some((e) => e.EventType === EventType.EventSent && parseRequest(e.Input)?.id === id);
}
