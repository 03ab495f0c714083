// The JSON the dashboard's API answers, as types both sides import: the server builds these
// (instance-detail.ts, task-hub-view.ts), the page (web/) draws them. Imports only files without
// imports of their own, so the browser code can use them without Node's types.

import type { EpisodeRecord } from '../../host/src/durable/telemetry-records.ts';

export type RuntimeStatusName =
  'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Canceled' | 'Terminated' | 'Pending' | 'Suspended';

export interface Payload {
  text: string | null;
  bytes: number;
  /** The text was cut for the page (the size stays exact). */
  truncated: boolean;
  /** The History or Instances table keeps it in a `{hub}-largemessages` blob (over 60 KB in UTF-16). */
  inBlob?: boolean;
  /** The size of the queue message that carried it, when it travelled in one. */
  messageBytes?: number;
  /** That message was over 45 KB: DTFx sent it through `{hub}-largemessages`. */
  viaLargeMessages?: boolean;
  /** That message was over the 64 KB a queue message holds: only the blob made it possible. */
  overQueueLimit?: boolean;
}

export interface HistoryRow {
  /** Position in the History table (its RowKey, as a number). */
  seq: number;
  type: string;
  eventId: number;
  timestamp: string;
  /** The episode whose checkpoint wrote the event (0 for none). */
  episode: number;
  name?: string;
  /** The task a result answers (TaskScheduledId, TimerId). */
  taskId?: number;
  fireAt?: string;
  instanceId?: string;
  status?: string;
  /** Input, Result or Reason: the event's main payload. */
  payload?: Payload;
  payloadField?: string;
  /** A failure's details. */
  details?: Payload;
}

/** What the host saw of an episode it ran (its telemetry), as the host records it. */
export type EpisodeSeen = EpisodeRecord;

export interface EpisodeStep {
  number: number;
  at: string;
  /** History rows before the episode: what the orchestrator replays (isReplaying true). */
  replayedRows: number;
  /** The events that woke it: new to the orchestrator (isReplaying false). */
  woke: number[];
  /** The events its actions wrote: scheduled work, timers, the end. */
  actions: number[];
  /** The rows its checkpoint wrote, first and last. */
  rows: [number, number];
  seen?: EpisodeSeen;
  outcome?: { status: string; reason?: string };
}

/** `cancelled`: still awaited when the instance ended (a timer that lost its race); `received`: an event. */
export type Outcome = 'completed' | 'failed' | 'running' | 'waiting' | 'cancelled' | 'received';

export interface TimelineBar {
  kind: 'activity' | 'timer' | 'subOrchestration' | 'event' | 'episode';
  label: string;
  taskId?: number;
  /** When it was scheduled (or created, raised). */
  start: string;
  /** When the host took it from the queue and started it (activities the host saw run). */
  pickedUp?: string;
  /** When it ended (a timer: its due time while it waits). */
  end?: string;
  outcome: Outcome;
  /** Runs of an activity the host saw (a crash or a poison retry makes more than one). */
  runs?: number;
  /**
   * How often its work item was taken from the queue, when more than once: a run that died with
   * its host (lab 09) leaves no record but this count.
   */
  deliveries?: number;
  detail?: string;
}

export interface SequenceMessage {
  from: string;
  to: string;
  label: string;
  at: string;
  seq: number;
  bytes?: number;
  failed?: boolean;
}

export interface InstanceDetail {
  instance: {
    instanceId: string;
    name: string;
    runtimeStatus: RuntimeStatusName;
    executionId: string;
    createdTime: string;
    lastUpdatedTime: string;
    completedTime?: string;
    input: Payload;
    output: Payload;
    customStatus: Payload;
    /** Continue-as-new generation of the current execution (0 for the first). */
    generation: number;
    parent?: { instanceId: string; name: string | null };
    children: Array<{ instanceId: string; name: string; taskId: number }>;
  };
  history: HistoryRow[];
  episodes: EpisodeStep[];
  timeline: TimelineBar[];
  sequence: { lanes: string[]; messages: SequenceMessage[] };
  /** The host saw none of this instance (it ran before the host started, or elsewhere). */
  unseen: boolean;
}

export interface InstanceSummary {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatusName;
  createdTime: string;
  lastUpdatedTime: string;
  customStatus: string | null;
}

export interface InstancePage {
  /** Newest first. */
  instances: InstanceSummary[];
  /** Instances matching every filter but the status, per status. */
  counts: Partial<Record<RuntimeStatusName, number>>;
  /** Instances matching every filter. */
  total: number;
  /** This page's number, from 0, and the page size. */
  page: number;
  pageSize: number;
}

export interface ClockState {
  mode: 'real' | 'virtual' | 'auto';
  now: string;
  /** The earliest timer the engine holds (virtual clocks only). */
  nextTimer?: string;
}

export interface HubInfo {
  hubName: string;
  mode: 'host' | 'task hub';
  orchestrators: string[] | null;
  clock: ClockState;
  limits: { largeMessageBytes: number; queueMessageBytes: number };
}
