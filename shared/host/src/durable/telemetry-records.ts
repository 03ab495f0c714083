// The host's telemetry records (telemetry.ts), as plain data: no imports, so the dashboard's
// page, which runs in a browser, can use the same types for what its API sends.

/** One activity execution as the host ran it (a retried or crashed one has several). */
export interface ActivityRun {
  executionId: string;
  taskId: number;
  name: string;
  /** When the host took the work item from the queue and started the function (orchestration clock). */
  startedAt: string;
  /** When the function returned; unset while it runs, or when the host died first. */
  endedAt?: string;
  outcome?: 'completed' | 'failed';
  dequeueCount: number;
}

/** One orchestrator episode as the engine ran it, beside what its checkpoint wrote to history. */
export interface EpisodeRecord {
  executionId: string;
  /** 1 for the first episode of the execution, as the engine numbers them in its log. */
  episode: number;
  /** The orchestration clock when the episode began (its OrchestratorStarted timestamp). */
  at: string;
  /** Wall-clock milliseconds from loading the history to the checkpoint written. */
  durationMs: number;
  /** False when no orchestrator code ran (the instance was terminated or is suspended). */
  ran: boolean;
  /** Tasks the orchestrator found already answered in earlier episodes' history. */
  replayed: string[];
  /** Tasks answered by this episode's new events. */
  answered: string[];
  /** New work the episode's actions scheduled (activities, timers, sub-orchestrations). */
  scheduled: string[];
  /** Completed, Failed, ContinuedAsNew, Terminated; unset while the instance goes on. */
  completion?: string;
  /** Set when replay found the code doing something other than what the history says. */
  nonDeterminism?: string;
  /** The queue messages that woke the episode: which queue, how often each was dequeued. */
  messages: Array<{ queue: string; dequeueCount: number; event: string }>;
  /** What the checkpoint wrote: history rows, and queue messages sent. */
  checkpoint: { firstRow: number; rows: number; messagesSent: string[] };
}
