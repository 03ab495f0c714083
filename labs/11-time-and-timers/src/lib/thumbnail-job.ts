/**
 * A thumbnail job: what the client function, the orchestrator and the activities hand to each
 * other. All of it travels through queues and lands in the History table as JSON, so it is
 * plain data, and small: blob names, never image bytes.
 */

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
  /** When the client function accepted the job (ISO 8601): a job that has not started within JOB_EXPIRES_AFTER_MS expires. */
  readonly requestedAt: string;
}

/** A job that has not started within an hour of its request is stale: nobody waits for it any more. */
export const JOB_EXPIRES_AFTER_MS = 60 * 60 * 1000;

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
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

export type BatchSizeResult = { readonly ok: true; readonly batchSize: number } | { readonly ok: false; readonly reason: string };

/** `?batchSize=`: absent or blank → 10; otherwise a whole number from 1 to 100. */
export function parseBatchSize(value: string | undefined): BatchSizeResult {
  if (value === undefined || value.trim() === '') return { ok: true, batchSize: DEFAULT_BATCH_SIZE };
  const batchSize = /^\d{1,4}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    return { ok: false, reason: `The batch size must be a whole number from 1 to ${MAX_BATCH_SIZE}.` };
  }
  return { ok: true, batchSize };
}
