/**
 * A thumbnail job: what the client function, the orchestrator and the activities hand to each
 * other. All of it travels through queues and lands in the History table as JSON, so it is
 * plain data, and small: blob names, never image bytes.
 */
import { checkContainerName } from './storage-names.ts';
import { MAX_WIDTH, MIN_WIDTH, THUMBNAIL_CONTAINER } from './thumbnail.ts';

/** The function names. The orchestrator calls activities by name, so a typo is a runtime error: keep them here. */
export const ORCHESTRATOR = 'thumbnailOrchestrator';
export const LIST_IMAGES = 'listImages';
export const MAKE_THUMBNAIL = 'makeThumbnail';
export const WRITE_MANIFEST = 'writeManifest';

/** How many thumbnails one batch makes at once, unless the request says otherwise. */
export const DEFAULT_BATCH_SIZE = 10;
export const MAX_BATCH_SIZE = 100;

/** The orchestration's input: which container, how wide the thumbnails are, how many at once. */
export interface ThumbnailJob {
  readonly container: string;
  readonly width: number;
  readonly batchSize: number;
  /**
   * When the client function accepted the job (ISO 8601): a job that has not started within
   * JOB_EXPIRES_AFTER_MS expires.
   */
  readonly requestedAt: string;
}

/** A job that has not started within an hour of its request is stale: nobody waits for it any more. */
export const JOB_EXPIRES_AFTER_MS = 60 * 60 * 1000;

/** An orchestration's input, checked: the job, or the first thing wrong with it. */
export type ThumbnailJobCheck =
  { readonly valid: true; readonly job: ThumbnailJob } | { readonly valid: false; readonly reason: string };

/**
 * Checks a job, whoever sent it. thumbnail-jobs.ts builds its job from the query string, but
 * the durable management API (POST /runtime/webhooks/durabletask/orchestrators/{name}) starts
 * the orchestrator with any JSON at all, past every check of the client function. So both call
 * this: one set of rules. Pure (no I/O, no clock), so an orchestrator may call it.
 */
export function checkThumbnailJob(input: unknown): ThumbnailJobCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return invalidJob(
      'The job must be a JSON object, such as ' +
        '{"container":"samples","width":200,"batchSize":10,"requestedAt":"2026-11-27T09:30:00.000Z"}.',
    );
  }
  const { container, width, batchSize, requestedAt } = input as Record<string, unknown>;
  if (typeof container !== 'string') {
    return invalidJob('The job must name its container: "container" must be a string.');
  }
  const name = checkContainerName(container);
  if (!name.valid) return invalidJob(name.reason);
  if (container === THUMBNAIL_CONTAINER) {
    return invalidJob(
      `The container "${THUMBNAIL_CONTAINER}" holds the thumbnails themselves. Pass the container of the originals.`,
    );
  }
  if (typeof width !== 'number' || !Number.isInteger(width) || width < MIN_WIDTH || width > MAX_WIDTH) {
    return invalidJob(`The width must be a whole number from ${MIN_WIDTH} to ${MAX_WIDTH} (pixels).`);
  }
  // batchSize 0 would never get past the first batch: batches() would loop until memory runs out.
  if (!isBatchSize(batchSize)) return invalidJob(BATCH_SIZE_RULE);
  if (typeof requestedAt !== 'string' || Number.isNaN(Date.parse(requestedAt))) {
    return invalidJob(
      'The job must say when it was requested: "requestedAt" must be a date such as "2026-11-27T09:30:00.000Z".',
    );
  }
  // A new object: fields the job does not know are left behind.
  return { valid: true, job: { container, width, batchSize, requestedAt } };
}

function invalidJob(reason: string): ThumbnailJobCheck {
  return { valid: false, reason };
}

/** The input of the activity makeThumbnail: one image, by name. */
export interface ThumbnailRequest {
  readonly container: string;
  readonly blob: string;
  readonly width: number;
}

/** A thumbnail that was made: from which blob of the job's container, and where it is now. */
export interface ThumbnailResult {
  /** The image's blob name in the job's container, e.g. `photo.jpg`. */
  readonly source: string;
  /** The thumbnail's blob name in the container `thumbnails`, e.g. `samples/photo.jpg-w200.webp`. */
  readonly blob: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
}

/** An image that got no thumbnail, and why. */
export interface ThumbnailFailure {
  readonly source: string;
  readonly reason: string;
}

/**
 * What the activity makeThumbnail returns: a thumbnail, or why there is none. A bad image is
 * an answer, not an exception, so one bad image cannot fail a whole Task.all.
 */
export type ThumbnailOutcome = ({ readonly ok: true } & ThumbnailResult) | ({ readonly ok: false } & ThumbnailFailure);

/**
 * The orchestration's custom status while it runs: the status endpoint shows it as
 * `customStatus`. The orchestrator can only change it when its code runs, so between batches.
 */
export type JobProgress =
  | { readonly phase: 'listing' }
  | {
      readonly phase: 'resizing' | 'writing-manifest' | 'done';
      /** Blobs in the container. */
      readonly total: number;
      /** Blobs handled so far, with or without a thumbnail. */
      readonly done: number;
      /** Blobs handled so far that got no thumbnail. */
      readonly failed: number;
    };

/** The manifest blob: everything one run made, and everything it could not. */
export interface Manifest {
  readonly instanceId: string;
  /** This run's id, from context.df.newGuid(…) (never crypto.randomUUID()): part of the manifest's name. */
  readonly runId: string;
  readonly container: string;
  readonly width: number;
  /** When the orchestration wrote it, from context.df.currentUtcDateTime (never new Date()). */
  readonly createdAt: string;
  /** Where the thumbnails are: the container `thumbnails`. */
  readonly thumbnailContainer: string;
  readonly thumbnails: readonly ThumbnailResult[];
  readonly failed: readonly ThumbnailFailure[];
}

/** The orchestration's output: what the status endpoint shows once the run is over. Counts, not lists. */
export interface JobSummary {
  readonly container: string;
  readonly width: number;
  readonly images: number;
  readonly thumbnails: number;
  readonly failed: number;
  /** True when the job expired before it started (JOB_EXPIRES_AFTER_MS): no thumbnails, no manifest. */
  readonly expired: boolean;
  /** Where the manifest is; null for an expired job. */
  readonly manifest: { readonly container: string; readonly blob: string } | null;
}

/**
 * The manifest's blob name in the container `thumbnails`: by day, then by run, e.g.
 * `manifests/2026-11-27/2026-11-27T09-30-00.000Z-<runId>.json`, so a listing sorts them by time.
 * Both parts come from the orchestration (currentUtcDateTime, newGuid), so every replay and a
 * writeManifest that runs twice name the same blob.
 */
export function manifestName(createdAt: string, runId: string): string {
  return `manifests/${createdAt.slice(0, 10)}/${createdAt.replace(/:/g, '-')}-${runId}.json`;
}

/**
 * Splits `items` into batches of at most `size`, in order: batches([a, b, c, d, e], 2) →
 * [[a, b], [c, d], [e]]. No items, no batches.
 */
export function batches<T>(items: readonly T[], size: number): T[][] {
  // With a size below 1 (or not a whole number) the loop below would never end.
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`The batch size must be a whole number of at least 1, not ${size}.`);
  }
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

export type BatchSizeResult =
  { readonly ok: true; readonly batchSize: number } | { readonly ok: false; readonly reason: string };

const BATCH_SIZE_RULE = `The batch size must be a whole number from 1 to ${MAX_BATCH_SIZE}.`;

/** The batch size rule, for ?batchSize= and for the orchestration's input alike. */
function isBatchSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_BATCH_SIZE;
}

/** `?batchSize=`: absent or blank → 10; otherwise a whole number from 1 to 100. */
export function parseBatchSize(value: string | undefined): BatchSizeResult {
  if (value === undefined || value.trim() === '') return { ok: true, batchSize: DEFAULT_BATCH_SIZE };
  const batchSize = /^\d{1,4}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  return isBatchSize(batchSize) ? { ok: true, batchSize } : { ok: false, reason: BATCH_SIZE_RULE };
}
