// History events as DTFx records them and the Node SDK reads them: PascalCase fields,
// `EventType` as DTFx's enum number, `EventId` the sequence number of scheduling events
// (−1 otherwise), `IsPlayed`, `Timestamp`. The same objects travel in queue messages,
// are stored as History table rows, and are handed to the orchestrator in its payload.

export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
  GenericEvent: 17,
  HistoryState: 18,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;
export type EventTypeValue = (typeof EventType)[keyof typeof EventType];

const eventTypeNames = new Map<number, string>(Object.entries(EventType).map(([name, value]) => [value, name]));

export function eventTypeName(type: number): string {
  return eventTypeNames.get(type) ?? `Unknown(${type})`;
}

export function eventTypeFromName(name: string): number | undefined {
  return (EventType as Record<string, number>)[name];
}

/** DTFx's OrchestrationStatus, as stored (by name) in the Instances table. */
export const OrchestrationStatus = {
  Running: 0,
  Completed: 1,
  ContinuedAsNew: 2,
  Failed: 3,
  Canceled: 4,
  Terminated: 5,
  Pending: 6,
  Suspended: 7,
} as const;
export type RuntimeStatus = keyof typeof OrchestrationStatus;

export function statusName(value: number): RuntimeStatus {
  const found = (Object.entries(OrchestrationStatus) as Array<[RuntimeStatus, number]>).find(([, v]) => v === value);
  return found ? found[0] : 'Running';
}

export interface OrchestrationInstanceRef {
  InstanceId: string;
  ExecutionId: string;
}

export interface ParentInstanceInfo {
  Name: string | null;
  Version: string | null;
  TaskScheduleId: number;
  OrchestrationInstance: OrchestrationInstanceRef;
}

/** One history event; the fields beyond the common ones depend on `EventType`. */
export interface HistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  /** ISO 8601, UTC. */
  Timestamp: string;
  Name?: string | null;
  Version?: string | null;
  Input?: string | null;
  Result?: string | null;
  Reason?: string | null;
  /** GenericEvent's payload (the reason of a rewind's wake-up message). */
  Data?: string | null;
  Details?: string | null;
  FailureDetails?: unknown;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  InstanceId?: string;
  OrchestrationInstance?: OrchestrationInstanceRef;
  ParentInstance?: ParentInstanceInfo | null;
  OrchestrationStatus?: number;
  Tags?: Record<string, string> | null;
  Generation?: number;
}

export function newEvent(
  type: EventTypeValue,
  timestamp: Date,
  fields: Partial<HistoryEvent> = {},
  eventId = -1,
): HistoryEvent {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: timestamp.toISOString(), ...fields };
}

/** The payload fields of an event that are kept in blobs when they are large. */
export const LARGE_FIELDS = ['Input', 'Result', 'Reason', 'Details'] as const;

/** Per event type, the payload fields DTFx always serializes, null when there is no value. */
const NULLABLE_FIELDS: Partial<Record<number, readonly string[]>> = {
  [EventType.ExecutionStarted]: ['Input'],
  [EventType.ExecutionCompleted]: ['Result'],
  [EventType.ExecutionTerminated]: ['Input'],
  [EventType.TaskScheduled]: ['Input'],
  [EventType.TaskCompleted]: ['Result'],
  [EventType.TaskFailed]: ['Reason', 'Details'],
  [EventType.SubOrchestrationInstanceCreated]: ['Input'],
  [EventType.SubOrchestrationInstanceCompleted]: ['Result'],
  [EventType.SubOrchestrationInstanceFailed]: ['Reason', 'Details'],
  [EventType.EventRaised]: ['Input'],
};

/**
 * A stored event as DTFx hands it on: a table row has no null properties, but DTFx's event
 * objects do, and the extension gives them to the SDK as null (an activity that returned
 * nothing replays with `Result: null`; the SDK's JSON.parse rejects a missing one).
 */
export function withNullFields(event: HistoryEvent): HistoryEvent {
  const record = event as unknown as Record<string, unknown>;
  for (const field of NULLABLE_FIELDS[event.EventType] ?? []) if (record[field] === undefined) record[field] = null;
  return event;
}
