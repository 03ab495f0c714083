// The management API's query parameters and the continuation token header, read the way the
// extension's HttpApiHandler reads them (its TryGet…QueryParameterValue helpers), but stricter: the
// extension ignores a value it cannot parse (showHistory=maybe is false, top=abc is the default
// page size, createdTimeFrom=garbage no filter) and passes the rest to storage, which answers
// 500 for what it refuses. Here every such value is a 400 that names the parameter, before
// anything reaches storage. An empty value is no value, as for the extension.

import { ClientError } from './client-error.ts';
import type { RuntimeStatus } from './history.ts';
import { shown } from './instance-id.ts';

/** The value of a parameter that is given once; undefined when it is absent or empty. */
export function single(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1) throw new ClientError(400, `The query parameter ${name} is given more than once.`);
  const value = values[0];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** bool.TryParse: true or false, any case, surrounding spaces allowed. */
export function booleanParameter(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = single(query, name);
  if (value === undefined) return fallback;
  const word = value.trim().toLowerCase();
  if (word === 'true') return true;
  if (word === 'false') return false;
  throw new ClientError(400, `The query parameter ${name} must be true or false, not '${shown(value)}'.`);
}

/** Azure Table storage returns at most 1000 entities per page ($top above it is refused). */
export const MAX_PAGE_SIZE = 1000;

/** `top`, the page size of the instance list (the extension's PageSizeParameter, an int). */
export function pageSize(query: URLSearchParams): number | undefined {
  const value = single(query, 'top');
  if (value === undefined) return undefined;
  const n = /^\s*\+?\d{1,10}\s*$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_PAGE_SIZE)) {
    throw new ClientError(
      400,
      `The query parameter top (the page size) must be a whole number from 1 to ${MAX_PAGE_SIZE}, not '${shown(value)}'.`,
    );
  }
  return n;
}

/** The runtime statuses, in the order of DTFx's OrchestrationStatus enum: index = the number History rows store. */
export const RUNTIME_STATUSES: readonly RuntimeStatus[] = [
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Canceled',
  'Terminated',
  'Pending',
  'Suspended',
];

/**
 * `runtimeStatus`, comma-separated and/or repeated (the extension splits every value on commas).
 * Each status at most once, so the table query stays within storage's 15 comparisons.
 */
export function runtimeStatuses(query: URLSearchParams): RuntimeStatus[] {
  const names = query
    .getAll('runtimeStatus')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const known = RUNTIME_STATUSES.join(', ');
  if (names.length > RUNTIME_STATUSES.length) {
    throw new ClientError(
      400,
      `The query parameter runtimeStatus lists ${names.length} statuses; there are ${RUNTIME_STATUSES.length} (${known}), each given at most once.`,
    );
  }
  const statuses: RuntimeStatus[] = [];
  for (const name of names) {
    const status = RUNTIME_STATUSES.find((s) => s === name);
    if (!status) {
      const sameLetters = RUNTIME_STATUSES.find((s) => s.toLowerCase() === name.toLowerCase());
      const hint = sameLetters ? ` Did you mean '${sameLetters}'? The names are case-sensitive.` : '';
      throw new ClientError(
        400,
        `The query parameter runtimeStatus has '${shown(name)}', which is not a runtime status: use ${known}.${hint}`,
      );
    }
    if (statuses.includes(status))
      throw new ClientError(400, `The query parameter runtimeStatus lists '${status}' more than once.`);
    statuses.push(status);
  }
  return statuses;
}

// ISO 8601 date, or date and time with an optional offset.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
// The DateTime range of Azure Table storage.
const EARLIEST = Date.UTC(1601, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * `createdTimeFrom`/`createdTimeTo`. Without an offset the time is UTC: the extension's
 * DateTime.TryParse reads local time, and Azure's Functions hosts run in UTC.
 */
export function dateParameter(query: URLSearchParams, name: string): Date | undefined {
  const value = single(query, name);
  if (value === undefined) return undefined;
  const date = parseDateTime(value.trim());
  if (!date) {
    throw new ClientError(
      400,
      `The query parameter ${name} must be a date, or a date and time, such as 2024-05-01 or 2024-05-01T09:30:00Z ` +
        `(ISO 8601; UTC unless an offset is given; from year 1601 to 9999), not '${shown(value)}'.`,
    );
  }
  return date;
}

function parseDateTime(text: string): Date | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m
    .slice(1, 7)
    .map((v) => (v === undefined ? undefined : Number(v)));
  const ms = Number(((m[7] ?? '') + '000').slice(0, 3));
  const utc = Date.UTC(year!, month! - 1, day!, hour, minute, second, ms);
  const check = new Date(utc);
  // Date.UTC rolls 2024-02-30 over to March (and years below 100 into the 1900s): only dates
  // that exist come back unchanged.
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month! - 1 ||
    check.getUTCDate() !== day! ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return undefined;
  const offset = offsetMinutes(m[8]);
  if (offset === undefined) return undefined;
  const instant = utc - offset * 60_000;
  return instant >= EARLIEST && instant <= LATEST ? new Date(instant) : undefined;
}

function offsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(-2));
  if (hours > 14 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

const TOKEN_INVALID =
  'The continuation token is not valid: send back the x-ms-continuation-token header of the previous page unchanged.';
/** The service's next keys are opaque (Azurite: base64 of the key; Azure: `1!<n>!<base64>`), about 2 KB at most. */
const MAX_TOKEN_KEY_LENGTH = 4096;

/**
 * The x-ms-continuation-token header, or undefined when absent. Our tokens are the table SDK's:
 * base64 of `{"nextPartitionKey":…,"nextRowKey":…}`, the service's opaque next keys. Anything else
 * (a field that is not a string, another field, a key no service hands out) is a 400: the SDK
 * throws a TypeError on a key that is not a string, and cannot URL-encode a lone surrogate.
 */
export function storageContinuation(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  if (!isTokenShape(header)) throw new ClientError(400, TOKEN_INVALID);
  return header;
}

function isTokenShape(token: string): boolean {
  if (token.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(token)) return false;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    return false;
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) return false;
  const { nextPartitionKey, nextRowKey, ...others } = decoded as Record<string, unknown>;
  const key = (value: unknown) =>
    typeof value === 'string' && value.length <= MAX_TOKEN_KEY_LENGTH && value.isWellFormed();
  return (
    Object.keys(others).length === 0 &&
    key(nextPartitionKey) &&
    nextPartitionKey !== '' &&
    (nextRowKey === undefined || key(nextRowKey))
  );
}
