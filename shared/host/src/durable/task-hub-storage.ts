// The Azure Storage provider's layout of a task hub, in Azurite or a real account:
//   tables  {Hub}History (PartitionKey = instance id, RowKey = sequence as 16 hex digits, plus a
//           "sentinel" row with the checkpoint state) and {Hub}Instances (one row per instance,
//           empty RowKey);
//   queues  {hub}-control-00..03 (orchestration messages, partition = FNV-1a(instance id) % 4)
//           and {hub}-workitems (activity messages);
//   blobs   {hub}-largemessages: payloads too big for a queue message (> 45 KB) or a table
//           property (> 60 KB, counted in UTF-16 like the service), gzipped, with a reference
//           left in the message or row.
// Everything DTFx writes is written here in the same shape, so Storage Explorer shows the same.

import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { odata, TableClient, TableServiceClient, type TableEntity, type TransactionAction } from '@azure/data-tables';
import { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import {
  eventTypeFromName,
  eventTypeName,
  LARGE_FIELDS,
  OrchestrationStatus,
  statusName,
  type HistoryEvent,
  type OrchestrationInstanceRef,
  type RuntimeStatus,
  withNullFields,
} from './history.ts';
import { fnv1a } from './fnv.ts';
import { escapeKey, unescapeKey } from './table-keys.ts';
import { escapeLineSeparators } from './line-separators.ts';

export const PARTITION_COUNT = 4;
/** DTFx: messages above 45 KB go to a blob (base64 in the queue inflates by 4/3; the limit is 64 KB). */
export const MAX_MESSAGE_BYTES = 45 * 1024;
/** DTFx: table properties above 60 KB (UTF-16) go to a blob; the service's limit is 64 KB. */
export const MAX_TABLE_PROPERTY_BYTES = 60 * 1024;

/** An Azure Storage queue message holds at most 64 KB. */
export const QUEUE_MESSAGE_LIMIT_BYTES = 64 * 1024;

/** The row key of a history partition's checkpoint row. */
export const SENTINEL = 'sentinel';

/**
 * What the queue service answers for a message over 64 KB (HTTP 413, `RequestBodyTooLarge`).
 * Only thrown in the workshop's strict mode (`WORKSHOP_DURABLE_STRICT_64KB=true`), which
 * recreates the 2017 behaviour, before DTFx moved large messages to blobs.
 */
export class MessageTooLargeError extends Error {
  override name = 'MessageTooLargeError';
  readonly statusCode = 413;
  readonly code = 'RequestBodyTooLarge';
  readonly bytes: number;
  readonly queueName: string;

  constructor(queueName: string, bytes: number) {
    super(
      `A ${kilobytes(bytes)} message for the queue ${queueName} is over the ${QUEUE_MESSAGE_LIMIT_BYTES / 1024} KB limit of an Azure Storage queue message ` +
        `(RequestBodyTooLarge: The request body is too large and exceeds the maximum permissible limit).`,
    );
    this.bytes = bytes;
    this.queueName = queueName;
  }
}

/** 187 KB, 63.9 KB: sizes as people read them (1 KB = 1024 bytes). */
export function kilobytes(bytes: number): string {
  const kb = bytes / 1024;
  return `${kb >= 10 ? Math.round(kb) : Math.round(kb * 10) / 10} KB`;
}

export interface TaskHubStorageOptions {
  /**
   * Workshop-only: send every queue message as it is, without the large-message blobs, and
   * reject one over 64 KB as the queue service does (MessageTooLargeError).
   */
  strictMessageSize?: boolean;
}

/** DTFx's MessageData envelope, as JSON in the queue. */
export interface MessageData {
  ActivityId: string;
  TaskMessage?: {
    Event: HistoryEvent;
    SequenceNumber: number;
    OrchestrationInstance: OrchestrationInstanceRef;
  };
  CompressedBlobName?: string | null;
  SequenceNumber: number;
  Sender?: OrchestrationInstanceRef | null;
  Episode?: number;
}

/** The envelope of a message for an instance's control queue. */
export function controlMessage(
  target: OrchestrationInstanceRef,
  event: HistoryEvent,
  sequenceNumber: number,
  sender?: OrchestrationInstanceRef,
): MessageData {
  return {
    ActivityId: randomUUID(),
    TaskMessage: { Event: event, SequenceNumber: 0, OrchestrationInstance: target },
    SequenceNumber: sequenceNumber,
    Sender: sender ?? null,
  };
}

/** A message taken from a queue (hidden from other readers until its visibility runs out). */
export interface ReceivedMessage {
  queue: QueueClient;
  messageId: string;
  popReceipt: string;
  dequeueCount: number;
  /** When the message was put in its queue (the queue service's clock). */
  insertedOn?: Date | undefined;
  data: MessageData;
  /** The message's text as the queue holds it (for the poison table). */
  text: string;
  /** Set for a message whose body could not be read: it goes to the poison table at once. */
  unreadable?: string;
  /**
   * The last operation on the message (renew, delete): each needs the pop receipt the previous one
   * returned, so they run one after another (a lease renewal racing a delete fails with 400).
   */
  lastOperation?: Promise<unknown>;
  /** Set once the message is deleted: later renewals are skipped. */
  deleted?: boolean;
}

/** Runs `operation` on `message` after the operations already started on it. */
function serially<T>(message: ReceivedMessage, operation: () => Promise<T>): Promise<T> {
  const run = (message.lastOperation ?? Promise.resolve()).then(operation, operation);
  message.lastOperation = run.catch(() => undefined);
  return run;
}

export interface InstanceRow {
  instanceId: string;
  name: string;
  version: string;
  executionId: string;
  runtimeStatus: RuntimeStatus;
  input: string | null;
  output: string | null;
  customStatus: string | null;
  createdTime: Date;
  lastUpdatedTime: Date;
  completedTime?: Date;
}

export interface LoadedHistory {
  executionId: string | undefined;
  events: HistoryEvent[];
  /** The sentinel row's ETag, so two writers of one instance are detected (split brain). */
  etag: string | undefined;
  /** The large-message blobs downloaded to load it: every replay pays for them again. */
  largeBlobReads: BlobReads;
  /** Per event (same order), the payload fields its row keeps in `{hub}-largemessages` rather than in the table. */
  blobFields?: string[][];
}

export interface BlobReads {
  count: number;
  /** Gzipped bytes downloaded. */
  bytes: number;
}

function utf16Bytes(text: string): number {
  return text.length * 2;
}

function controlQueueName(hub: string, index: number): string {
  return `${hub.toLowerCase()}-control-${String(index).padStart(2, '0')}`;
}

export function partitionOf(instanceId: string): number {
  return fnv1a(instanceId) % PARTITION_COUNT;
}

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === 'string' && value !== '') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  if (value && typeof value === 'object' && 'value' in value) return toDate((value as { value: unknown }).value);
  return undefined;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export class TaskHubStorage {
  readonly hubName: string;
  readonly history: TableClient;
  readonly instances: TableClient;
  readonly controlQueues: QueueClient[];
  readonly workItems: QueueClient;
  readonly largeMessages: ContainerClient;
  /** `{hub}Poison` (lower-cased hub name, as DTFx's PR #1063 names it): created on the first poison message. */
  readonly poisonMessages: TableClient;
  /** Workshop strict mode: no large-message blobs for queue messages; over 64 KB is rejected. */
  readonly strictMessageSize: boolean;
  readonly #tables: TableServiceClient;
  #initialized: Promise<void> | undefined;

  constructor(connectionString: string, hubName: string, options: TaskHubStorageOptions = {}) {
    this.hubName = hubName;
    this.strictMessageSize = options.strictMessageSize ?? false;
    const insecure = { allowInsecureConnection: true };
    this.#tables = TableServiceClient.fromConnectionString(connectionString, insecure);
    this.history = TableClient.fromConnectionString(connectionString, `${hubName}History`, insecure);
    this.instances = TableClient.fromConnectionString(connectionString, `${hubName}Instances`, insecure);
    this.poisonMessages = TableClient.fromConnectionString(
      connectionString,
      `${hubName.toLowerCase()}Poison`,
      insecure,
    );
    for (const table of [this.history, this.instances, this.poisonMessages])
      table.pipeline.addPolicy(escapeLineSeparators);
    const queues = QueueServiceClient.fromConnectionString(connectionString);
    this.controlQueues = Array.from({ length: PARTITION_COUNT }, (_, i) =>
      queues.getQueueClient(controlQueueName(hubName, i)),
    );
    this.workItems = queues.getQueueClient(`${hubName.toLowerCase()}-workitems`);
    this.largeMessages = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(
      `${hubName.toLowerCase()}-largemessages`,
    );
  }

  /** The endpoints the hub talks to (for a reachability check; no secrets in them). */
  get endpoints(): string[] {
    return [this.history.url, this.workItems.url, this.largeMessages.url];
  }

  /** Creates the tables, queues and container of the hub when missing (idempotent). */
  init(): Promise<void> {
    this.#initialized ??= (async () => {
      await Promise.all([
        this.#tables.createTable(this.history.tableName).catch(ignoreExists),
        this.#tables.createTable(this.instances.tableName).catch(ignoreExists),
        ...this.controlQueues.map((q) => q.createIfNotExists()),
        this.workItems.createIfNotExists(),
        this.largeMessages.createIfNotExists(),
      ]);
    })().catch((err: unknown) => {
      this.#initialized = undefined;
      throw err;
    });
    return this.#initialized;
  }

  controlQueueFor(instanceId: string): QueueClient {
    return this.controlQueues[partitionOf(instanceId)]!;
  }

  // ---- queues ---------------------------------------------------------------------------

  /** Sends one message; a payload over 45 KB goes gzipped to `{hub}-largemessages`. */
  async send(queue: QueueClient, data: MessageData, visibilityDelayMs = 0): Promise<void> {
    let text = JSON.stringify(data);
    if (this.strictMessageSize) {
      const bytes = Buffer.byteLength(text);
      if (bytes > QUEUE_MESSAGE_LIMIT_BYTES) throw new MessageTooLargeError(queue.name, bytes);
    } else if (Buffer.byteLength(text) > MAX_MESSAGE_BYTES && data.TaskMessage) {
      const instanceId = data.TaskMessage.OrchestrationInstance.InstanceId;
      const blobName = `${instanceId}/message-${data.ActivityId.replaceAll('-', '')}-${eventTypeName(data.TaskMessage.Event.EventType)}.json.gz`;
      await this.#uploadGzip(blobName, text);
      text = JSON.stringify({
        ActivityId: data.ActivityId,
        CompressedBlobName: blobName,
        SequenceNumber: data.SequenceNumber,
      });
    }
    // Queue visibility is limited to 7 days; longer timers come back early and are re-hidden.
    const seconds = Math.min(Math.max(0, Math.ceil(visibilityDelayMs / 1000)), 7 * 24 * 3600 - 1);
    await queue.sendMessage(text, { visibilityTimeout: seconds, messageTimeToLive: -1 });
  }

  async receive(
    queue: QueueClient,
    max: number,
    visibilityMs: number,
    abortSignal?: AbortSignal,
  ): Promise<ReceivedMessage[]> {
    const response = await queue.receiveMessages({
      numberOfMessages: max,
      visibilityTimeout: Math.max(1, Math.ceil(visibilityMs / 1000)),
      ...(abortSignal ? { abortSignal } : {}),
    });
    const out: ReceivedMessage[] = [];
    for (const m of response.receivedMessageItems) {
      const received: ReceivedMessage = {
        queue,
        messageId: m.messageId,
        popReceipt: m.popReceipt,
        dequeueCount: m.dequeueCount,
        insertedOn: m.insertedOn,
        data: { ActivityId: '', SequenceNumber: 0 },
        text: m.messageText,
      };
      try {
        let data = JSON.parse(m.messageText) as MessageData;
        if (data.CompressedBlobName && !data.TaskMessage) {
          data = {
            ...(JSON.parse(await this.#downloadGzip(data.CompressedBlobName)) as MessageData),
            CompressedBlobName: data.CompressedBlobName,
          };
        }
        if (!data.TaskMessage?.Event || !data.TaskMessage.OrchestrationInstance) throw new Error('no TaskMessage');
        received.data = data;
      } catch (err) {
        received.unreadable = (err as Error).message;
      }
      out.push(received);
    }
    return out;
  }

  /** Keeps a message hidden for `visibilityMs` more (the lease of a message being processed). */
  renew(message: ReceivedMessage, visibilityMs: number, abortSignal?: AbortSignal): Promise<void> {
    return serially(message, async () => {
      if (message.deleted) return;
      const response = await message.queue.updateMessage(
        message.messageId,
        message.popReceipt,
        undefined,
        Math.max(0, Math.ceil(visibilityMs / 1000)),
        abortSignal ? { abortSignal } : {},
      );
      if (response.popReceipt) message.popReceipt = response.popReceipt;
    });
  }

  /**
   * Deletes a handled message. False when its lease was lost (another pop receipt: the queue
   * service restarted, or the lease ran out): it comes back, and is discarded as a duplicate.
   */
  delete(message: ReceivedMessage): Promise<boolean> {
    return serially(message, async () => {
      if (message.deleted) return true;
      try {
        await message.queue.deleteMessage(message.messageId, message.popReceipt);
      } catch (err) {
        const { statusCode, code } = err as { statusCode?: number; code?: string };
        if (statusCode === 400 && code === 'PopReceiptMismatch') return false;
        if (statusCode !== 404) throw err;
      }
      message.deleted = true;
      return true;
    });
  }

  /** Lets a message reappear for another attempt after `delayMs`. */
  async abandon(message: ReceivedMessage, delayMs = 0, abortSignal?: AbortSignal): Promise<void> {
    try {
      await this.renew(message, delayMs, abortSignal);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }

  /**
   * Keeps a poison message for manual review, as DTFx's PR #1063 does: one row in `{hub}Poison`
   * (created on demand), PartitionKey = the queue message id, RowKey = the queue, with the raw
   * message and the reason. The caller deletes the message from its queue afterwards.
   */
  async storePoisonMessage(message: ReceivedMessage, reason: string): Promise<void> {
    const row = {
      partitionKey: message.messageId,
      rowKey: message.queue.name,
      // A table property holds 32K UTF-16 characters; the message points to its blob when larger.
      RawMessage:
        message.text.length > POISON_TEXT_LIMIT
          ? `${message.text.slice(0, POISON_TEXT_LIMIT)}… (${message.text.length} characters in all)`
          : message.text,
      Reason: reason,
      DequeueCount: message.dequeueCount,
      InstanceId: message.data.TaskMessage?.OrchestrationInstance.InstanceId ?? '',
      ExecutionId: message.data.TaskMessage?.OrchestrationInstance.ExecutionId ?? '',
      EventType: message.data.TaskMessage ? eventTypeName(message.data.TaskMessage.Event.EventType) : '',
    };
    try {
      await this.poisonMessages.upsertEntity(row, 'Replace');
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      await this.#tables.createTable(this.poisonMessages.tableName).catch(ignoreExists);
      await this.poisonMessages.upsertEntity(row, 'Replace');
    }
  }

  // ---- blobs ----------------------------------------------------------------------------

  async #uploadGzip(blobName: string, text: string): Promise<void> {
    const body = gzipSync(Buffer.from(text, 'utf8'));
    await this.largeMessages
      .getBlockBlobClient(blobName)
      .uploadData(body, { blobHTTPHeaders: { blobContentType: 'application/gzip' } });
  }

  async #downloadGzip(blobName: string, reads?: BlobReads): Promise<string> {
    const buffer = await this.largeMessages.getBlockBlobClient(blobName).downloadToBuffer();
    if (reads) {
      reads.count++;
      reads.bytes += buffer.length;
    }
    return gunzipSync(buffer).toString('utf8');
  }

  /** The text behind a large-message blob URL stored in an Instances row, or the value itself. */
  async resolveLarge(value: string | null): Promise<string | null> {
    if (value === null) return null;
    const prefix = `${this.largeMessages.url}/`;
    if (!value.startsWith(prefix)) return value;
    return this.#downloadGzip(decodeURIComponent(value.slice(prefix.length)));
  }

  // ---- history --------------------------------------------------------------------------

  /** The current execution's history (rows of older executions are skipped, as DTFx does). */
  async loadHistory(instanceId: string): Promise<LoadedHistory> {
    const rows: Array<Record<string, unknown> & { rowKey?: string; etag?: string }> = [];
    for await (const row of this.history.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${escapeKey(instanceId)}` },
    })) {
      rows.push(row);
    }
    const sentinel = rows.find((r) => r.rowKey === SENTINEL);
    const executionId =
      str(sentinel?.ExecutionId) ?? str(rows.find((r) => r.rowKey !== SENTINEL)?.ExecutionId) ?? undefined;
    const events: HistoryEvent[] = [];
    const blobFields: string[][] = [];
    const largeBlobReads: BlobReads = { count: 0, bytes: 0 };
    for (const row of rows) {
      if (row.rowKey === SENTINEL || row.ExecutionId !== executionId) continue;
      events.push(await this.#rowToEvent(row, largeBlobReads));
      blobFields.push(LARGE_FIELDS.filter((field) => typeof row[`${field}BlobName`] === 'string'));
    }
    return {
      executionId,
      events,
      etag: typeof sentinel?.etag === 'string' ? sentinel.etag : undefined,
      largeBlobReads,
      blobFields,
    };
  }

  async #rowToEvent(row: Record<string, unknown>, reads: BlobReads): Promise<HistoryEvent> {
    const event: HistoryEvent = {
      EventType: eventTypeFromName(String(row.EventType)) ?? Number(row.EventType),
      EventId: typeof row.EventId === 'number' ? row.EventId : -1,
      IsPlayed: row.IsPlayed === true,
      Timestamp: (toDate(row._Timestamp) ?? new Date(0)).toISOString(),
    };
    for (const [key, value] of Object.entries(row)) {
      if (
        [
          'partitionKey',
          'rowKey',
          'etag',
          'timestamp',
          'EventType',
          'EventId',
          'IsPlayed',
          '_Timestamp',
          'ExecutionId',
        ].includes(key)
      )
        continue;
      if (key.endsWith('BlobName')) continue;
      if (key === 'FireAt') event.FireAt = (toDate(value) ?? new Date(0)).toISOString();
      else if (key === 'OrchestrationStatus')
        event.OrchestrationStatus = OrchestrationStatus[value as RuntimeStatus] ?? Number(value);
      else if (['OrchestrationInstance', 'ParentInstance', 'Tags', 'FailureDetails'].includes(key)) {
        (event as unknown as Record<string, unknown>)[key] =
          typeof value === 'string' && value !== '' ? JSON.parse(value) : null;
      } else (event as unknown as Record<string, unknown>)[key] = value;
    }
    for (const field of LARGE_FIELDS) {
      const blob = row[`${field}BlobName`];
      if (typeof blob === 'string') event[field] = await this.#downloadGzip(blob, reads);
    }
    return withNullFields(event);
  }

  async #eventToRow(
    instanceId: string,
    executionId: string,
    sequence: number,
    event: HistoryEvent,
  ): Promise<TableEntity<Record<string, unknown>>> {
    const rowKey = sequence.toString(16).toUpperCase().padStart(16, '0');
    const row: TableEntity<Record<string, unknown>> = {
      partitionKey: escapeKey(instanceId),
      rowKey,
      ExecutionId: executionId,
    };
    for (const [key, value] of Object.entries(event)) {
      if (value === undefined || value === null) continue;
      if (key === 'EventType') row.EventType = eventTypeName(value as number);
      else if (key === 'Timestamp') row._Timestamp = new Date(value as string);
      else if (key === 'FireAt') row.FireAt = new Date(value as string);
      else if (key === 'OrchestrationStatus') row.OrchestrationStatus = statusName(value as number);
      else if (typeof value === 'object') row[key] = JSON.stringify(value);
      else row[key] = value;
    }
    for (const field of LARGE_FIELDS) {
      const value = event[field];
      if (typeof value === 'string' && utf16Bytes(value) > MAX_TABLE_PROPERTY_BYTES) {
        const random = Math.floor(Math.random() * 0xffffffff)
          .toString(16)
          .toUpperCase()
          .padStart(8, '0');
        const blobName = `${escapeKey(instanceId)}/history-${rowKey}-${eventTypeName(event.EventType)}-${random}-${field}.json.gz`;
        await this.#uploadGzip(blobName, value);
        row[field] = '';
        row[`${field}BlobName`] = blobName;
      }
    }
    return row;
  }

  /**
   * Appends `events` at position `firstSequence` of the execution's history, with the sentinel
   * row, in batches of at most 99 rows plus the sentinel (Azure's limit is 100 per batch).
   * Returns the sentinel's new ETag. A concurrent writer makes the batch fail (412/409).
   */
  async appendHistory(
    instanceId: string,
    executionId: string,
    firstSequence: number,
    events: HistoryEvent[],
    etag: string | undefined,
    checkpointTime: Date,
  ): Promise<string | undefined> {
    const rows = [];
    for (let i = 0; i < events.length; i++)
      rows.push(await this.#eventToRow(instanceId, executionId, firstSequence + i, events[i]!));
    let currentEtag = etag;
    for (let start = 0; start < rows.length || start === 0; start += 99) {
      const batch = rows.slice(start, start + 99);
      const isFinal = start + 99 >= rows.length;
      const actions: TransactionAction[] = batch.map((row) => ['upsert', row, 'Replace'] as TransactionAction);
      const sentinel: TableEntity<Record<string, unknown>> = {
        partitionKey: escapeKey(instanceId),
        rowKey: SENTINEL,
        ExecutionId: executionId,
        IsCheckpointComplete: isFinal,
        ...(isFinal ? { CheckpointCompletedTimestamp: checkpointTime } : {}),
      };
      actions.push(currentEtag ? ['update', sentinel, 'Merge', { etag: currentEtag }] : ['upsert', sentinel, 'Merge']);
      const result = await this.history.submitTransaction(actions);
      const last = result.subResponses.at(-1);
      currentEtag = last?.etag ?? currentEtag;
      if (rows.length === 0) break;
    }
    return currentEtag;
  }

  async deleteHistory(instanceId: string): Promise<number> {
    const keys: Array<{ partitionKey: string; rowKey: string }> = [];
    const partitionKey = escapeKey(instanceId);
    for await (const row of this.history.listEntities({
      queryOptions: { filter: odata`PartitionKey eq ${partitionKey}`, select: ['RowKey'] },
    })) {
      keys.push({ partitionKey, rowKey: row.rowKey! });
    }
    for (let i = 0; i < keys.length; i += 100) {
      await this.history.submitTransaction(keys.slice(i, i + 100).map((k) => ['delete', k] as TransactionAction));
    }
    return keys.length;
  }

  async deleteLargeMessages(instanceId: string): Promise<void> {
    for await (const blob of this.largeMessages.listBlobsFlat({ prefix: `${escapeKey(instanceId)}/` })) {
      await this.largeMessages.deleteBlob(blob.name).catch(() => undefined);
    }
  }

  // ---- instances ------------------------------------------------------------------------

  async getInstance(instanceId: string): Promise<InstanceRow | undefined> {
    try {
      const row = await this.instances.getEntity<Record<string, unknown>>(escapeKey(instanceId), '');
      return this.#toInstance(instanceId, row);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  #toInstance(instanceId: string, row: Record<string, unknown>): InstanceRow {
    const completed = toDate(row.CompletedTime);
    return {
      instanceId,
      name: str(row.Name) ?? '',
      version: str(row.Version) ?? '',
      executionId: str(row.ExecutionId) ?? '',
      runtimeStatus: (str(row.RuntimeStatus) ?? 'Pending') as RuntimeStatus,
      input: str(row.Input),
      output: str(row.Output),
      customStatus: str(row.CustomStatus),
      createdTime: toDate(row.CreatedTime) ?? new Date(0),
      lastUpdatedTime: toDate(row.LastUpdatedTime) ?? new Date(0),
      ...(completed ? { completedTime: completed } : {}),
    };
  }

  /** Writes the instance row's columns (merge); large Input/Output go to blobs, the URL stays. */
  async mergeInstance(
    instanceId: string,
    columns: Record<string, unknown>,
    mode: 'Merge' | 'Replace' = 'Merge',
  ): Promise<void> {
    const row: TableEntity<Record<string, unknown>> = {
      partitionKey: escapeKey(instanceId),
      rowKey: '',
      TaskHubName: this.hubName,
    };
    for (const [key, value] of Object.entries(columns)) {
      // A missing column is "no value" (the service has no nulls); Replace drops old values.
      if (value === undefined || value === null) continue;
      if (
        (key === 'Input' || key === 'Output' || key === 'CustomStatus') &&
        typeof value === 'string' &&
        utf16Bytes(value) > MAX_TABLE_PROPERTY_BYTES
      ) {
        const blobName = `${escapeKey(instanceId)}/${key}-${randomUUID().replaceAll('-', '')}.json.gz`;
        await this.#uploadGzip(blobName, value);
        row[key] = `${this.largeMessages.url}/${blobName}`;
      } else row[key] = value;
    }
    await this.instances.upsertEntity(row, mode);
  }

  /** Creates the row of a new instance; false when one exists already. */
  async createInstance(instanceId: string, columns: Record<string, unknown>): Promise<boolean> {
    try {
      const row: TableEntity<Record<string, unknown>> = {
        partitionKey: escapeKey(instanceId),
        rowKey: '',
        TaskHubName: this.hubName,
        ...columns,
      };
      await this.instances.createEntity(row);
      return true;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 409) return false;
      throw err;
    }
  }

  async deleteInstance(instanceId: string): Promise<boolean> {
    try {
      await this.instances.deleteEntity(escapeKey(instanceId), '');
      return true;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return false;
      throw err;
    }
  }

  /**
   * Every instance matching `filter`, with only what a list is sorted and counted by (id, status,
   * created time): one scan of three small columns, whatever the rows hold besides.
   */
  async instanceIndex(
    filter: string | undefined,
  ): Promise<Array<{ instanceId: string; runtimeStatus: RuntimeStatus; createdTime: Date }>> {
    const index = [];
    const rows = this.instances.listEntities<{ RuntimeStatus?: string; CreatedTime?: unknown }>({
      queryOptions: { ...(filter ? { filter } : {}), select: ['PartitionKey', 'RuntimeStatus', 'CreatedTime'] },
    });
    for await (const row of rows) {
      index.push({
        instanceId: unescapeKey(row.partitionKey ?? ''),
        runtimeStatus: (row.RuntimeStatus ?? 'Pending') as RuntimeStatus,
        createdTime: toDate(row.CreatedTime) ?? new Date(0),
      });
    }
    return index;
  }

  /** One page of instances, in table order; `continuation` is the service's token, opaque to callers. */
  async listInstances(
    filter: string | undefined,
    pageSize: number,
    continuation: string | undefined,
  ): Promise<{ rows: InstanceRow[]; continuation?: string }> {
    const iterator = this.instances
      .listEntities<Record<string, unknown>>({ queryOptions: filter ? { filter } : {} })
      .byPage({ maxPageSize: pageSize, ...(continuation ? { continuationToken: continuation } : {}) });
    const page = await iterator.next();
    if (page.done) return { rows: [] };
    const rows = page.value.map((row) => this.#toInstance(unescapeKey(row.partitionKey ?? ''), row));
    const token = (page.value as { continuationToken?: string }).continuationToken;
    return token ? { rows, continuation: token } : { rows };
  }
}

/** Characters of a poison message's raw text kept in its table row. */
const POISON_TEXT_LIMIT = 30_000;

function ignoreExists(err: unknown): void {
  if ((err as { statusCode?: number }).statusCode === 409) return;
  throw err;
}

export { statusName };
