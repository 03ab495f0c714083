/**
 * A thumbnail job: what the client function, the orchestrator and the activities hand to each
 * other. All of it travels through queues and lands in the History table as JSON, so it is
 * plain data, and small: blob names, never image bytes.
 */
import * as df from 'durable-functions';
import { checkContainerName } from './storage-names.ts';
import { MAX_WIDTH, MIN_WIDTH, THUMBNAIL_CONTAINER } from './thumbnail.ts';

/** The function names. The orchestrator calls activities by name, so a typo is a runtime error: keep them here. */
export const ORCHESTRATOR = 'thumbnailOrchestrator';
export const LIST_IMAGES = 'listImages';
export const MAKE_THUMBNAIL = 'makeThumbnail';
export const WRITE_MANIFEST = 'writeManifest';

/** The orchestration's input: which container, and how wide the thumbnails are. */
export interface ThumbnailJob {
  readonly container: string;
  readonly width: number;
}

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
    return invalidJob('The job must be a JSON object, such as {"container":"samples","width":200}.');
  }
  const { container, width } = input as Record<string, unknown>;
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
  // A new object: fields the job does not know are left behind.
  return { valid: true, job: { container, width } };
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

/** The manifest blob: everything one run made, and everything it could not. */
export interface Manifest {
  readonly instanceId: string;
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
  /** Where the manifest is. */
  readonly manifest: { readonly container: string; readonly blob: string };
}

/**
 * The manifest's blob name in the container `thumbnails`: one per run, named after the
 * instance, so an activity that runs twice overwrites its own manifest and nobody else's.
 */
export function manifestName(instanceId: string): string {
  return `manifests/${instanceId}.json`;
}

/**
 * Why an activity failed, in one line. The error an orchestrator catches is not the one the
 * activity threw: it crossed a queue as text, so its class (ImageError…) is gone and only
 * its message (and the host's wording around it) is left.
 */
export function failureReason(error: unknown): string {
  const message =
    error instanceof df.TaskFailedError
      ? error.failureDetails.errorMessage
      : error instanceof Error
        ? error.message
        : String(error);
  const firstLine = message
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '');
  return firstLine ?? 'The activity failed without saying why.';
}
