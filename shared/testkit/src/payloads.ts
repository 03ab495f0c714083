/**
 * The payload meter: how big is every input, output and custom status an orchestration
 * instance stored, and what did the engine move to `{hub}-largemessages`?
 *
 * It reads the task hub the way Storage Explorer shows it: the instance's `{Hub}History` rows
 * (their `Input`, `Result`, `Reason`, `Details` columns, or the blob a `…BlobName` column points
 * to), its `{Hub}Instances` row (`Input`, `Output`, `CustomStatus`, or a blob URL), and the
 * blobs under `{instanceId}/` in `{hub}-largemessages`. Used by `npm run payloads` and by
 * `app.payloads(id)` in lab checks.
 */
import { gunzipSync } from 'node:zlib';
import { taskHubKey } from '@workshop/host/launcher';
import { eventTypeOf, readHistoryRows } from './history-rows.ts';

/** One stored payload. */
export interface Payload {
  /** `History` or `Instances`. */
  readonly table: 'History' | 'Instances';
  /** The History row's RowKey (16 hex digits); empty for the Instances row. */
  readonly rowKey: string;
  /** `TaskScheduled`, `TaskCompleted`, … (History), or `Instance`. */
  readonly eventType: string;
  /** The function it belongs to: the activity or orchestrator name, when the row tells. */
  readonly name: string;
  /** The column: `Input`, `Result`, `Reason`, `Details`, `Output`, `CustomStatus`. */
  readonly field: string;
  /** The payload's size in bytes (UTF-8), uncompressed: what the orchestrator gets on replay. */
  readonly bytes: number;
  /** Set when the column holds a reference and the payload itself is a blob in `{hub}-largemessages`. */
  readonly blob?: { readonly name: string; readonly compressedBytes: number };
}

export interface LargeMessageBlob {
  readonly name: string;
  /** Gzipped size, as stored. */
  readonly bytes: number;
}

export interface PayloadReport {
  readonly hub: string;
  readonly instanceId: string;
  /** Every non-empty payload, History rows in order first, then the Instances row. */
  readonly payloads: readonly Payload[];
  /** The blobs under `{instanceId}/` in `{hub}-largemessages`. */
  readonly largeMessages: readonly LargeMessageBlob[];
  /** The biggest payload, if any. */
  readonly largest: Payload | undefined;
}

const HISTORY_FIELDS = ['Input', 'Result', 'Reason', 'Details'] as const;
const INSTANCE_FIELDS = ['Input', 'Output', 'CustomStatus'] as const;

/** Measures every payload of one instance in the task hub `hub` of the storage account. */
export async function measurePayloads(
  connectionString: string,
  hub: string,
  instanceId: string,
): Promise<PayloadReport> {
  // Loaded on first use, as in history-rows.ts.
  const [{ TableClient }, { BlobServiceClient }] = await Promise.all([
    import('@azure/data-tables'),
    import('@azure/storage-blob'),
  ]);
  const insecure = { allowInsecureConnection: true };
  const instances = TableClient.fromConnectionString(connectionString, `${hub}Instances`, insecure);
  const partitionKey = taskHubKey(instanceId);
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(
    `${hub.toLowerCase()}-largemessages`,
  );

  const blobSize = async (name: string): Promise<{ bytes: number; compressedBytes: number }> => {
    const gz = await container.getBlobClient(name).downloadToBuffer();
    return { bytes: gunzipSync(gz).length, compressedBytes: gz.length };
  };

  const rows = await readHistoryRows(connectionString, hub, instanceId);

  // TaskCompleted rows do not carry the activity's name: take it from their TaskScheduled row.
  const scheduledNames = new Map<number, string>();
  let orchestrator = '';
  for (const row of rows) {
    const type = eventTypeOf(row.EventType);
    if (type === 'ExecutionStarted') orchestrator = String(row.Name ?? '');
    if (type === 'TaskScheduled' || type === 'SubOrchestrationInstanceCreated') {
      if (typeof row.EventId === 'number') scheduledNames.set(row.EventId, String(row.Name ?? ''));
    }
  }

  const payloads: Payload[] = [];
  for (const row of rows) {
    if (row.rowKey === 'sentinel') continue;
    const eventType = eventTypeOf(row.EventType);
    const name =
      typeof row.Name === 'string' && row.Name !== ''
        ? row.Name
        : typeof row.TaskScheduledId === 'number'
          ? (scheduledNames.get(row.TaskScheduledId) ?? '')
          : eventType.startsWith('Execution')
            ? orchestrator
            : '';
    for (const field of HISTORY_FIELDS) {
      const reference = row[`${field}BlobName`];
      if (typeof reference === 'string' && reference !== '') {
        const size = await blobSize(reference);
        payloads.push({
          table: 'History',
          rowKey: String(row.rowKey),
          eventType,
          name,
          field,
          bytes: size.bytes,
          blob: { name: reference, compressedBytes: size.compressedBytes },
        });
      } else if (typeof row[field] === 'string' && row[field] !== '') {
        payloads.push({
          table: 'History',
          rowKey: String(row.rowKey),
          eventType,
          name,
          field,
          bytes: Buffer.byteLength(row[field] as string),
        });
      }
    }
  }

  let instance: Record<string, unknown> | undefined;
  try {
    instance = await instances.getEntity<Record<string, unknown>>(partitionKey, '');
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  if (instance) {
    const prefix = `${container.url}/`;
    for (const field of INSTANCE_FIELDS) {
      const value = instance[field];
      if (typeof value !== 'string' || value === '' || (field === 'CustomStatus' && value === 'null')) continue;
      const base = {
        table: 'Instances' as const,
        rowKey: '',
        eventType: 'Instance',
        name: String(instance.Name ?? orchestrator),
        field,
      };
      if (value.startsWith(prefix)) {
        const reference = decodeURIComponent(value.slice(prefix.length));
        const size = await blobSize(reference);
        payloads.push({ ...base, bytes: size.bytes, blob: { name: reference, compressedBytes: size.compressedBytes } });
      } else {
        payloads.push({ ...base, bytes: Buffer.byteLength(value) });
      }
    }
  }

  const largeMessages: LargeMessageBlob[] = [];
  try {
    for await (const blob of container.listBlobsFlat({ prefix: `${partitionKey}/` })) {
      largeMessages.push({ name: blob.name, bytes: blob.properties.contentLength ?? 0 });
    }
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }

  const largest = payloads.reduce<Payload | undefined>(
    (max, p) => (max === undefined || p.bytes > max.bytes ? p : max),
    undefined,
  );
  return { hub, instanceId, payloads, largeMessages, largest };
}

/** 187 KB, 3.9 KB, 512 B: sizes as people read them (1 KB = 1024 bytes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const kb = bytes / 1024;
  return `${kb >= 10 ? Math.round(kb) : Math.round(kb * 10) / 10} KB`;
}

/** Where a payload lives, in a few words: `TaskCompleted readImage (row 000000000000000A) Result`. */
export function describePayload(payload: Payload): string {
  const what = [payload.eventType === 'Instance' ? 'the Instances row' : payload.eventType, payload.name]
    .filter((s) => s !== '')
    .join(' ');
  const row = payload.rowKey ? ` (row ${payload.rowKey})` : '';
  return `${what}${row} ${payload.field}`;
}
