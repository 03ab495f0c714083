/**
 * The job settings blob `settings/scale.json`: `{ "factor": 1 }`, the scale factor the
 * thumbnails are sized with (2 for screens with twice the pixel density). The orchestration
 * `scaleOrchestrator` multiplies it; the activities read and write it here, with its ETag.
 */
import { Buffer } from 'node:buffer';
import { RestError } from '@azure/storage-blob';
import { blobService, readBlob, StorageError, toStorageError } from './blob-storage.ts';

/** The function names. */
export const SCALE_ORCHESTRATOR = 'scaleOrchestrator';
export const READ_SCALE = 'readScale';
export const APPLY_SCALE = 'applyScale';

/** Where the settings are. */
export const SETTINGS_CONTAINER = 'settings';
export const SCALE_BLOB = 'scale.json';

/** The blob's content. A missing blob means the default, factor 1. */
export interface ScaleSettings {
  readonly factor: number;
}

export const DEFAULT_SCALE: ScaleSettings = { factor: 1 };

/** The settings and the ETag of the blob they were read from (null: no blob yet). */
export interface ScaleSnapshot {
  readonly factor: number;
  readonly etag: string | null;
}

/** The orchestration's input: multiply the factor by `by`. */
export interface ScaleJob {
  readonly by: number;
}

/** How much one job may multiply the factor by, for ?by= and the orchestration's input alike. */
export const MIN_SCALE_BY = 2;
export const MAX_SCALE_BY = 10;
const SCALE_BY_RULE = `by must be a whole number from ${MIN_SCALE_BY} to ${MAX_SCALE_BY}.`;

function isScaleBy(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_SCALE_BY && value <= MAX_SCALE_BY;
}

/** An orchestration's input, checked: the job, or what is wrong with it. */
export type ScaleJobCheck =
  { readonly valid: true; readonly job: ScaleJob } | { readonly valid: false; readonly reason: string };

/**
 * Checks a scale job, whoever sent it. scale-jobs.ts checks ?by= with parseScaleBy, but the
 * durable management API starts the orchestrator with any JSON at all: {"by":0} would set the
 * factor to 0 for good, {"by":"two"} to something that is not a number. The same rule as
 * parseScaleBy; pure, so the orchestrator may call it.
 */
export function checkScaleJob(input: unknown): ScaleJobCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { valid: false, reason: 'The job must be a JSON object, such as {"by":2}.' };
  }
  const { by } = input as Record<string, unknown>;
  if (!isScaleBy(by)) return { valid: false, reason: SCALE_BY_RULE };
  // A new object: fields the job does not know are left behind.
  return { valid: true, job: { by } };
}

/** The orchestration's output: the factor before and after. */
export interface ScaleSummary {
  readonly by: number;
  readonly previous: number;
  readonly factor: number;
}

/** Reads `settings/scale.json` and its ETag; no blob yet → factor 1 and no ETag. */
export async function readScaleSettings(): Promise<ScaleSnapshot> {
  try {
    const content = await readBlob(SETTINGS_CONTAINER, SCALE_BLOB);
    const settings = JSON.parse(content.bytes.toString('utf8')) as Partial<ScaleSettings>;
    if (typeof settings.factor !== 'number' || !Number.isFinite(settings.factor)) {
      throw new StorageError(500, `${SETTINGS_CONTAINER}/${SCALE_BLOB} has no numeric "factor".`);
    }
    const etag = (await blobService().getContainerClient(SETTINGS_CONTAINER).getBlobClient(SCALE_BLOB).getProperties())
      .etag;
    return { factor: settings.factor, etag: etag ?? null };
  } catch (error) {
    if (error instanceof StorageError && error.status === 404) return { ...DEFAULT_SCALE, etag: null };
    throw toStorageError(error, SETTINGS_CONTAINER, SCALE_BLOB);
  }
}

/** What a conditional write found: written, or the blob had changed since `etag` (HTTP 412/409). */
export type ConditionalWrite = { readonly written: true; readonly etag: string } | { readonly written: false };

/**
 * Writes `settings/scale.json`. With `ifMatch`, only if the blob still has that ETag; with
 * `ifMatch: null`, only if there is no blob yet; without it, unconditionally.
 */
export async function writeScaleSettings(
  settings: ScaleSettings,
  condition: { ifMatch?: string | null } = {},
): Promise<ConditionalWrite> {
  try {
    const containerClient = blobService().getContainerClient(SETTINGS_CONTAINER);
    await containerClient.createIfNotExists();
    const conditions =
      condition.ifMatch === undefined
        ? undefined
        : condition.ifMatch === null
          ? { ifNoneMatch: '*' }
          : { ifMatch: condition.ifMatch };
    const response = await containerClient
      .getBlockBlobClient(SCALE_BLOB)
      .uploadData(Buffer.from(`${JSON.stringify(settings)}\n`, 'utf8'), {
        blobHTTPHeaders: { blobContentType: 'application/json' },
        ...(conditions ? { conditions } : {}),
      });
    return { written: true, etag: response.etag ?? '' };
  } catch (error) {
    if (error instanceof RestError && (error.statusCode === 412 || error.statusCode === 409)) return { written: false };
    throw toStorageError(error, SETTINGS_CONTAINER, SCALE_BLOB);
  }
}

/** `?by=`: absent or blank → 2; otherwise a whole number from 2 to 10. */
export function parseScaleBy(
  value: string | undefined,
): { readonly ok: true; readonly by: number } | { readonly ok: false; readonly reason: string } {
  if (value === undefined || value.trim() === '') return { ok: true, by: 2 };
  const by = /^\d{1,2}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  return isScaleBy(by) ? { ok: true, by } : { ok: false, reason: SCALE_BY_RULE };
}
