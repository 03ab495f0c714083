/**
 * The history viewer: an orchestration instance's `{Hub}History` rows as a table and as a
 * Mermaid sequence diagram — what Storage Explorer shows as raw rows, in reading order.
 * Used by `npm run history` and by lab checks on `app.history(id)`.
 */
import { eventTypeOf } from './history-rows.ts';

/** One History row, summed up: what the table and the diagram print. */
export interface HistoryEvent {
  /** The row's RowKey (16 hex digits): its position in the history. */
  readonly rowKey: string;
  /** `ExecutionStarted`, `TaskScheduled`, `TaskCompleted`, `OrchestratorStarted`, … */
  readonly eventType: string;
  /** The event's id: the sequence number of a scheduled task or timer; -1 for the others. */
  readonly eventId: number;
  /** The orchestrator or activity; for a completion, the name of the task it completes; for a timer, `due <FireAt>`. */
  readonly name: string;
  /** For `TaskCompleted`/`TaskFailed` and the like: the `EventId` of the task they complete; for `TimerFired`, of its timer (`TimerId`). */
  readonly taskScheduledId: number | undefined;
  /** When the event happened (ISO 8601), if the row says. */
  readonly timestamp: string;
  /** The size in bytes (UTF-8) of its payload (`Input`, `Result`, `Reason`, `Details`), 0 for none. */
  readonly payloadBytes: number;
  /** Set when the payload is a blob in `{hub}-largemessages`. */
  readonly payloadBlob: string | undefined;
}

const PAYLOAD_FIELDS = ['Input', 'Result', 'Reason', 'Details'] as const;

function timestampOf(row: Record<string, unknown>): string {
  for (const key of ['Timestamp', '_Timestamp', 'timestamp']) {
    const value = row[key];
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'string' && value !== '') return value;
  }
  return '';
}

/** Turns raw `{Hub}History` rows (as `app.history(id)` returns them) into events, in order. */
export function historyEvents(rows: ReadonlyArray<Record<string, unknown>>): HistoryEvent[] {
  const sorted = rows
    .filter((row) => row['rowKey'] !== 'sentinel' && row['RowKey'] !== 'sentinel')
    .toSorted((a, b) => String(a['rowKey'] ?? a['RowKey']).localeCompare(String(b['rowKey'] ?? b['RowKey'])));
  const scheduled = new Map<number, string>();
  let orchestrator = '';
  for (const row of sorted) {
    const type = eventTypeOf(row['EventType']);
    if (type === 'ExecutionStarted') orchestrator = String(row['Name'] ?? '');
    if (
      (type === 'TaskScheduled' || type === 'SubOrchestrationInstanceCreated') &&
      typeof row['EventId'] === 'number'
    ) {
      scheduled.set(row['EventId'], String(row['Name'] ?? ''));
    }
  }
  return sorted.map((row) => {
    const eventType = eventTypeOf(row['EventType']);
    const completes = typeof row['TaskScheduledId'] === 'number' ? row['TaskScheduledId'] : undefined;
    const taskScheduledId = completes ?? (typeof row['TimerId'] === 'number' ? row['TimerId'] : undefined);
    const ownName = typeof row['Name'] === 'string' ? row['Name'] : '';
    const fireAt =
      row['FireAt'] instanceof Date
        ? row['FireAt'].toISOString()
        : typeof row['FireAt'] === 'string'
          ? row['FireAt']
          : '';
    const name =
      ownName !== ''
        ? ownName
        : completes !== undefined
          ? (scheduled.get(completes) ?? '')
          : fireAt !== ''
            ? `due ${fireAt}`
            : eventType.startsWith('Execution')
              ? orchestrator
              : '';
    let payloadBytes = 0;
    let payloadBlob: string | undefined;
    for (const field of PAYLOAD_FIELDS) {
      const blob = row[`${field}BlobName`];
      const value = row[field];
      if (typeof blob === 'string' && blob !== '') payloadBlob = blob;
      else if (typeof value === 'string') payloadBytes += Buffer.byteLength(value);
    }
    return {
      rowKey: String(row['rowKey'] ?? row['RowKey'] ?? ''),
      eventType,
      eventId: typeof row['EventId'] === 'number' ? row['EventId'] : -1,
      name,
      taskScheduledId,
      timestamp: timestampOf(row),
      payloadBytes,
      payloadBlob,
    };
  });
}

/**
 * The history as a text table: one line per row, with its sequence number (RowKey), EventType,
 * EventId, Name, TaskScheduledId, timestamp and payload size.
 */
export function formatHistoryTable(rows: ReadonlyArray<Record<string, unknown>>): string {
  const header = ['#', 'EventType', 'EventId', 'Name', 'TaskScheduledId', 'Timestamp', 'Payload'];
  const lines = historyEvents(rows).map((event, index) => [
    String(index),
    event.eventType,
    event.eventId >= 0 ? String(event.eventId) : '',
    event.name,
    event.taskScheduledId !== undefined ? String(event.taskScheduledId) : '',
    event.timestamp,
    event.payloadBlob !== undefined
      ? `blob ${event.payloadBlob}`
      : event.payloadBytes > 0
        ? `${event.payloadBytes} B`
        : '',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...lines.map(format)].join('\n');
}

/** A Mermaid participant id: letters, digits and underscores only. */
function participantId(name: string): string {
  return `A_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/**
 * The history as a Mermaid `sequenceDiagram`: the Client starts the Orchestrator, which
 * schedules activities and gets their results; each episode (`OrchestratorStarted`) is a note.
 * Paste it into a Mermaid viewer (https://mermaid.live) or a Markdown file.
 */
export function formatHistoryMermaid(rows: ReadonlyArray<Record<string, unknown>>): string {
  const events = historyEvents(rows);
  const activities = [...new Set(events.filter((e) => e.eventType === 'TaskScheduled').map((e) => e.name))];
  const lines = ['sequenceDiagram', '  participant Client', '  participant Orchestrator'];
  for (const activity of activities) lines.push(`  participant ${participantId(activity)} as ${activity}`);
  let episode = 0;
  for (const event of events) {
    const size =
      event.payloadBlob !== undefined ? ' (large message)' : event.payloadBytes > 0 ? ` (${event.payloadBytes} B)` : '';
    const target = participantId(event.name);
    switch (event.eventType) {
      case 'ExecutionStarted':
        lines.push(`  Client->>Orchestrator: start ${event.name}${size}`);
        break;
      case 'OrchestratorStarted':
        episode += 1;
        lines.push(`  Note over Orchestrator: episode ${episode}${event.timestamp ? ` at ${event.timestamp}` : ''}`);
        break;
      case 'TaskScheduled':
        lines.push(`  Orchestrator->>${target}: #${event.eventId} ${event.name}${size}`);
        break;
      case 'TaskCompleted':
        lines.push(`  ${target}-->>Orchestrator: #${event.taskScheduledId ?? '?'} result${size}`);
        break;
      case 'TaskFailed':
        lines.push(`  ${target}--xOrchestrator: #${event.taskScheduledId ?? '?'} failed${size}`);
        break;
      case 'TimerCreated':
        lines.push(`  Note over Orchestrator: timer #${event.eventId} created`);
        break;
      case 'TimerFired':
        lines.push(`  Note over Orchestrator: timer #${event.taskScheduledId ?? '?'} fired`);
        break;
      case 'EventRaised':
        lines.push(`  Client->>Orchestrator: event ${event.name}${size}`);
        break;
      case 'ExecutionCompleted':
        lines.push(`  Orchestrator-->>Client: completed${size}`);
        break;
      case 'ExecutionFailed':
      case 'ExecutionTerminated':
        lines.push(`  Orchestrator--xClient: ${event.eventType.slice('Execution'.length).toLowerCase()}${size}`);
        break;
      default:
        break;
    }
  }
  return lines.join('\n');
}
