// The classic entity scheduler's messages and state, as the Durable extension serializes them
// (Newtonsoft, src/WebJobs.Extensions.DurableTask/EntityScheduler/*.cs): RequestMessage (an
// EventRaised named "op"), ResponseMessage (an EventRaised named by the request id),
// SchedulerState (the input of every entity execution) with its MessageSorter, EntityStatus (the
// entity's custom status). Dates are .NET DateTimes: 100 ns ticks, written as ISO 8601 with
// up to 7 fractional digits (trailing zeros dropped), `Z` for UTC, and `0001-01-01T00:00:00`
// for DateTime.MinValue.

import { createHash } from 'node:crypto';

// ---- .NET dates -----------------------------------------------------------------------------

/** Ticks (100 ns) since the Unix epoch; DateTime.MinValue is far below zero. */
export type Ticks = bigint;

const TICKS_PER_MS = 10_000n;
export const MIN_DATE: Ticks = -621_355_968_000_000_000n;

export function ticksOf(date: Date): Ticks {
  return BigInt(date.getTime()) * TICKS_PER_MS;
}

export function dateOf(ticks: Ticks): Date {
  return new Date(Number(ticks / TICKS_PER_MS));
}

/** Newtonsoft's default ISO format of a DateTime (`yyyy-MM-ddTHH:mm:ss.FFFFFFFK`). */
export function formatTicks(ticks: Ticks): string {
  if (ticks <= MIN_DATE) return '0001-01-01T00:00:00';
  let ms = ticks / TICKS_PER_MS;
  let rest = ticks % TICKS_PER_MS;
  if (rest < 0n) {
    rest += TICKS_PER_MS;
    ms -= 1n;
  }
  const date = new Date(Number(ms));
  const iso = date.toISOString(); // 2026-01-01T00:00:00.123Z (years 1..9999 only)
  const fraction = (iso.slice(20, 23) + rest.toString().padStart(4, '0')).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

export function parseTicks(text: unknown): Ticks {
  if (typeof text !== 'string') return MIN_DATE;
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,7}))?(Z|[+-]\d\d:\d\d)?$/.exec(text);
  if (!m) return MIN_DATE;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  d.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), 0);
  let ticks = BigInt(d.getTime()) * TICKS_PER_MS + BigInt((m[7] ?? '').padEnd(7, '0'));
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1n : 1n;
    const minutes = BigInt(Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    ticks -= sign * minutes * 60_000n * TICKS_PER_MS;
  }
  return ticks;
}

// ---- messages -------------------------------------------------------------------------------

export interface RequestMessage {
  op: string | null;
  signal?: boolean;
  /** The operation input as JSON text. */
  input?: string | null;
  id: string;
  parent?: string | null;
  parentExecution?: string | null;
  due?: string | null;
  Timestamp: string;
  Predecessor: string;
  lockset?: Array<{ name: string; key: string }> | null;
  pos?: number;
}

/** The JSON text of a request, its properties in RequestMessage.cs's order, defaults left out. */
export function requestJson(m: RequestMessage): string {
  const out: Record<string, unknown> = { op: m.op };
  if (m.signal) out.signal = true;
  if (m.input !== undefined && m.input !== null) out.input = m.input;
  out.id = m.id;
  if (m.parent) out.parent = m.parent;
  if (m.parentExecution) out.parentExecution = m.parentExecution;
  if (m.due) out.due = m.due;
  out.Timestamp = m.Timestamp;
  out.Predecessor = m.Predecessor;
  if (m.lockset) out.lockset = m.lockset;
  if (m.pos) out.pos = m.pos;
  return JSON.stringify(out);
}

/** A request read from an EventRaised "op"; undefined when it is none (the id is required). */
export function parseRequest(text: string | null | undefined): RequestMessage | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (!v || typeof v !== 'object' || typeof v.id !== 'string') return undefined;
    return {
      op: typeof v.op === 'string' ? v.op : null,
      ...(v.signal === true ? { signal: true } : {}),
      ...(typeof v.input === 'string' ? { input: v.input } : {}),
      id: v.id,
      ...(typeof v.parent === 'string' ? { parent: v.parent } : {}),
      ...(typeof v.parentExecution === 'string' ? { parentExecution: v.parentExecution } : {}),
      ...(typeof v.due === 'string' ? { due: v.due } : {}),
      Timestamp: typeof v.Timestamp === 'string' ? v.Timestamp : formatTicks(MIN_DATE),
      Predecessor: typeof v.Predecessor === 'string' ? v.Predecessor : formatTicks(MIN_DATE),
      ...(Array.isArray(v.lockset) ? { lockset: v.lockset as Array<{ name: string; key: string }> } : {}),
      ...(typeof v.pos === 'number' && v.pos !== 0 ? { pos: v.pos } : {}),
    };
  } catch {
    return undefined;
  }
}

/** ResponseMessage.cs: the result is always written; the exception type only for a failure. */
export function responseJson(result: string | null | undefined, isError: boolean): string {
  return JSON.stringify({ result: result ?? null, ...(isError ? { exceptionType: 'Error' } : {}) });
}

/** The event names of EntityMessageEventNames.cs. */
export const REQUEST_EVENT = 'op';
export const RELEASE_EVENT = 'release';
export const CONTINUE_EVENT = 'continue';

// ---- deterministic ids ----------------------------------------------------------------------

/** GuidManager.UrlNamespaceValue, the namespace of the orchestration context's NewGuid. */
const URL_NAMESPACE = '9e952959-5e33-4daf-827f-2fa12937b875';

/** GuidManager.CreateDeterministicGuid: a name-based UUID, version 5 (SHA-1), RFC 4122 byte order. */
export function deterministicGuid(name: string, namespace = URL_NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(Buffer.from(name, 'utf8'))
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** .NET's DateTime.ToString("o") of a UTC time: always 7 fractional digits. */
export function roundTripDate(date: Date): string {
  return `${date.toISOString().slice(0, 23)}0000Z`;
}

// ---- the message sorter ---------------------------------------------------------------------

/** DurableTaskOptions.EntityMessageReorderWindowInMinutes: 30 (queues that do not keep order). */
export const REORDER_WINDOW: Ticks = 30n * 60_000n * TICKS_PER_MS;
/** MessageSorter.MinIntervalBetweenCollections. */
const MIN_INTERVAL_BETWEEN_COLLECTIONS: Ticks = 10_000n * TICKS_PER_MS;

interface ReceiveBuffer {
  Last: string;
  ExecutionId?: string | null;
  Buffered?: Record<string, RequestMessage>;
}

/** MessageSorter's JSON (every property left out at its default). */
export interface SorterJson {
  LastSentToInstance?: Record<string, string>;
  ReceivedFromInstance?: Record<string, ReceiveBuffer>;
  ReceiveHorizon?: string;
  SendHorizon?: string;
}

function findKey<T>(map: Record<string, T>, key: string): string | undefined {
  if (key in map) return key;
  const lower = key.toLowerCase();
  return Object.keys(map).find((k) => k.toLowerCase() === lower);
}

/**
 * MessageSorter.cs: the sender labels each request with a timestamp (strictly increasing per
 * destination) and its predecessor's; the receiver delivers each sender's requests in order,
 * drops those at or before the last one it delivered (duplicates), and holds those whose
 * predecessor has not arrived, within the reorder window. Client requests (no parent) and
 * forwarded lock requests pass straight through.
 */
export class MessageSorter {
  readonly json: SorterJson;

  constructor(json: SorterJson = {}) {
    this.json = json;
  }

  /** LabelOutgoingMessage: fills Timestamp and Predecessor. */
  label(message: RequestMessage, destination: string, now: Ticks): void {
    const j = this.json;
    let timestamp = now;
    const sendHorizon = j.SendHorizon ? parseTicks(j.SendHorizon) : MIN_DATE;
    if (sendHorizon + REORDER_WINDOW + MIN_INTERVAL_BETWEEN_COLLECTIONS < now) {
      const horizon = now - REORDER_WINDOW;
      j.SendHorizon = formatTicks(horizon);
      for (const [key, value] of Object.entries(j.LastSentToInstance ?? {}))
        if (parseTicks(value) < horizon) delete j.LastSentToInstance![key];
    }
    message.Predecessor = formatTicks(MIN_DATE);
    if (!j.LastSentToInstance) j.LastSentToInstance = {};
    else {
      const key = findKey(j.LastSentToInstance, destination);
      if (key !== undefined) {
        const last = parseTicks(j.LastSentToInstance[key]);
        message.Predecessor = j.LastSentToInstance[key]!;
        if (timestamp <= last) timestamp = last + 1n;
        delete j.LastSentToInstance[key];
      }
    }
    message.Timestamp = formatTicks(timestamp);
    j.LastSentToInstance[destination] = message.Timestamp;
  }

  /** ReceiveInOrder: the requests `message` lets through now, in order. */
  receive(message: RequestMessage): RequestMessage[] {
    if (!message.parent || (message.pos ?? 0) > 0) return [message];
    const j = this.json;
    const out: RequestMessage[] = [];
    const timestamp = parseTicks(message.Timestamp);
    let horizon = j.ReceiveHorizon ? parseTicks(j.ReceiveHorizon) : MIN_DATE;
    if (horizon + REORDER_WINDOW + MIN_INTERVAL_BETWEEN_COLLECTIONS < timestamp) {
      horizon = timestamp - REORDER_WINDOW;
      j.ReceiveHorizon = formatTicks(horizon);
      for (const [key, buffer] of Object.entries(j.ReceivedFromInstance ?? {})) {
        if (parseTicks(buffer.Last) < horizon) buffer.Last = formatTicks(MIN_DATE);
        out.push(...this.#deliverBuffered(buffer, horizon));
        if (parseTicks(buffer.Last) === MIN_DATE && Object.keys(buffer.Buffered ?? {}).length === 0)
          delete j.ReceivedFromInstance![key];
      }
      if (j.ReceivedFromInstance && Object.keys(j.ReceivedFromInstance).length === 0) delete j.ReceivedFromInstance;
    }
    if (timestamp < horizon) return [...out, message];

    j.ReceivedFromInstance ??= {};
    const key = findKey(j.ReceivedFromInstance, message.parent);
    let buffer = key === undefined ? undefined : j.ReceivedFromInstance[key];
    if (!buffer) {
      buffer = { Last: formatTicks(MIN_DATE), ExecutionId: message.parentExecution ?? null };
      j.ReceivedFromInstance[message.parent] = buffer;
    } else if ((buffer.ExecutionId ?? null) !== (message.parentExecution ?? null)) {
      // A new execution of the sender: what was held for the old one is delivered, and it starts over.
      out.push(...Object.values(buffer.Buffered ?? {}));
      delete buffer.Buffered;
      buffer.Last = formatTicks(MIN_DATE);
      buffer.ExecutionId = message.parentExecution ?? null;
    }
    const last = parseTicks(buffer.Last);
    if (timestamp <= last) return out; // delivered before: a duplicate
    const predecessor = parseTicks(message.Predecessor);
    if (predecessor > last && predecessor >= horizon) {
      buffer.Buffered ??= {};
      buffer.Buffered[message.Timestamp] = message;
      return out;
    }
    out.push(message);
    buffer.Last = formatTicks(timestamp >= horizon ? timestamp : MIN_DATE);
    out.push(...this.#deliverBuffered(buffer, horizon));
    return out;
  }

  #deliverBuffered(buffer: ReceiveBuffer, horizon: Ticks): RequestMessage[] {
    const out: RequestMessage[] = [];
    for (;;) {
      const held = Object.values(buffer.Buffered ?? {}).sort((a, b) =>
        parseTicks(a.Timestamp) < parseTicks(b.Timestamp) ? -1 : 1,
      )[0];
      if (!held) break;
      const predecessor = parseTicks(held.Predecessor);
      const last = parseTicks(buffer.Last);
      if (!(predecessor <= last || predecessor < horizon)) break;
      delete buffer.Buffered![held.Timestamp];
      const timestamp = parseTicks(held.Timestamp);
      // Not in the extension's TryDeliverNextMessage, which delivers it and moves Last back to it:
      // a held request older than the last one delivered comes from an episode that a crash cut
      // short while it sent (its sends run in parallel), whose re-run sent it again under a newer
      // timestamp. Delivered, it would apply twice and move Last back, and the re-run's next
      // request would then wait for a predecessor already delivered: held until the reorder
      // window (30 minutes) passes, and its caller with it. It is a duplicate, as on arrival.
      if (timestamp <= last && last !== MIN_DATE) continue;
      out.push(held);
      buffer.Last = formatTicks(timestamp >= horizon ? timestamp : MIN_DATE);
    }
    if (buffer.Buffered && Object.keys(buffer.Buffered).length === 0) delete buffer.Buffered;
    return out;
  }
}

// ---- the scheduler's state ------------------------------------------------------------------

/** SchedulerState.cs (the input of every entity execution). */
export interface SchedulerState {
  exists?: boolean;
  state?: string | null;
  queue?: RequestMessage[];
  lockedBy?: string | null;
  suspended?: boolean;
  sorter: SorterJson;
}

export function parseSchedulerState(input: string | null | undefined): SchedulerState {
  if (typeof input !== 'string' || input === '' || input === 'null') return { sorter: {} };
  const v = JSON.parse(input) as Partial<SchedulerState>;
  return { ...v, sorter: v.sorter ?? {} };
}

/** The JSON text, every property at its default left out (sorter always written). */
export function schedulerStateJson(s: SchedulerState): string {
  const out: Record<string, unknown> = {};
  if (s.exists) out.exists = true;
  if (s.state !== undefined && s.state !== null) out.state = s.state;
  if (s.queue && s.queue.length > 0) out.queue = s.queue.map((m) => JSON.parse(requestJson(m)) as unknown);
  if (s.lockedBy) out.lockedBy = s.lockedBy;
  if (s.suspended) out.suspended = true;
  out.sorter = s.sorter;
  return JSON.stringify(out);
}

/** EntityStatus.cs, the custom status TaskEntityShim.GetStatus writes. */
export function entityStatusJson(s: SchedulerState): string {
  return JSON.stringify({
    ...(s.exists ? { entityExists: true } : {}),
    ...(s.queue && s.queue.length > 0 ? { queueSize: s.queue.length } : {}),
    ...(s.lockedBy ? { lockedBy: s.lockedBy } : {}),
  });
}
