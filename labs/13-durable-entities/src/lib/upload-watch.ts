/**
 * An upload watch: "make a thumbnail of container/blob as soon as it is uploaded; check every
 * 5 minutes, give up after an hour". What the client function, the orchestrator and the
 * activity hand to each other: plain data, written to the history as JSON.
 */
import type { BlobInfo } from './blob-storage.ts';
import { checkBlobName, checkContainerName } from './storage-names.ts';
import { MAX_WIDTH, MIN_WIDTH, THUMBNAIL_CONTAINER } from './thumbnail.ts';
import type { ThumbnailResult } from './thumbnail-job.ts';

/** The function names. */
export const WATCH_ORCHESTRATOR = 'uploadWatchOrchestrator';
export const FIND_UPLOAD = 'findUpload';

/** How often the watch looks for the blob. */
export const CHECK_EVERY_MS = 5 * 60 * 1000;
/** How long after it started the watch gives up. */
export const GIVE_UP_AFTER_MS = 60 * 60 * 1000;
/** How long the thumbnail may take once the blob is there. */
export const RESIZE_TIMEOUT_MS = 2 * 60 * 1000;

/** What the client function starts a watch with. */
export interface UploadWatch {
  readonly container: string;
  readonly blob: string;
  readonly width: number;
}

/**
 * What one execution of the orchestrator hands the next through continueAsNew. The start and
 * the deadline are fixed once, by the first execution, from context.df.currentUtcDateTime:
 * every later execution starts from scratch, and a deadline computed there again would move an
 * interval further every time.
 */
export interface WatchState extends UploadWatch {
  /** When the first execution ran (ISO 8601, the orchestration's clock). */
  readonly startedAt: string;
  /** startedAt + GIVE_UP_AFTER_MS (ISO 8601). */
  readonly giveUpAt: string;
  /** How many times the blob has been looked for so far. */
  readonly checks: number;
}

/** The orchestrator's input: a new watch from the client, or the state of the previous execution. */
export type WatchInput = UploadWatch | WatchState;

/** An orchestration's input, checked: a new watch or a later execution's state, or what is wrong with it. */
export type WatchInputCheck =
  { readonly valid: true; readonly input: WatchInput } | { readonly valid: false; readonly reason: string };

/**
 * Checks a watch, whoever started it. upload-watches.ts builds it from the query string, but
 * the durable management API (POST /runtime/webhooks/durabletask/orchestrators/{name}) starts
 * the orchestrator with any JSON at all, past every check of the client function. So both call
 * this: one set of rules. Pure (no I/O, no clock), so the orchestrator may call it on every
 * execution, continueAsNew's state included.
 */
export function checkWatchInput(input: unknown): WatchInputCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return invalidWatch(
      'The watch must be a JSON object, such as {"container":"uploads","blob":"cat.jpg","width":200}.',
    );
  }
  const { container, blob, width, startedAt, giveUpAt, checks } = input as Record<string, unknown>;
  if (typeof container !== 'string' || typeof blob !== 'string') {
    return invalidWatch('The watch must name the blob it waits for: "container" and "blob" must be strings.');
  }
  for (const name of [checkContainerName(container), checkBlobName(blob)]) {
    if (!name.valid) return invalidWatch(name.reason);
  }
  if (container === THUMBNAIL_CONTAINER) {
    return invalidWatch(
      `The container "${THUMBNAIL_CONTAINER}" holds the thumbnails themselves. Watch the container of the originals.`,
    );
  }
  if (typeof width !== 'number' || !Number.isInteger(width) || width < MIN_WIDTH || width > MAX_WIDTH) {
    return invalidWatch(`The width must be a whole number from ${MIN_WIDTH} to ${MAX_WIDTH} (pixels).`);
  }
  // A new object each time: fields the watch does not know are left behind.
  const watch: UploadWatch = { container, blob, width };
  if (giveUpAt === undefined) return { valid: true, input: watch };

  // The state an earlier execution handed on: its deadline may not be further than the
  // watch's own, or a watch could be made to run for ever.
  const start = typeof startedAt === 'string' ? Date.parse(startedAt) : Number.NaN;
  const end = typeof giveUpAt === 'string' ? Date.parse(giveUpAt) : Number.NaN;
  if (typeof startedAt !== 'string' || typeof giveUpAt !== 'string' || Number.isNaN(start) || Number.isNaN(end)) {
    return invalidWatch(
      'A watch that goes on must carry "startedAt" and "giveUpAt" as dates, such as "2026-11-27T09:30:00.000Z".',
    );
  }
  if (end < start || end - start > GIVE_UP_AFTER_MS) {
    return invalidWatch(`"giveUpAt" must be at most ${GIVE_UP_AFTER_MS / 60_000} minutes after "startedAt".`);
  }
  if (typeof checks !== 'number' || !Number.isInteger(checks) || checks < 0) {
    return invalidWatch(
      'A watch that goes on must carry "checks", the number of times it looked: a whole number from 0.',
    );
  }
  return { valid: true, input: { ...watch, startedAt, giveUpAt, checks } };
}

function invalidWatch(reason: string): WatchInputCheck {
  return { valid: false, reason };
}

/** The input of the activity findUpload. */
export interface UploadRef {
  readonly container: string;
  readonly blob: string;
}

/** What findUpload answers: the blob's properties, or null while it is not there. */
export type FoundUpload = BlobInfo | null;

/**
 * The custom status: what the watch is doing, how many times it looked, and when it looks
 * next. Set on every run of the orchestrator, so the status endpoint always shows the latest.
 */
export interface WatchProgress {
  readonly phase: 'looking' | 'resizing' | 'waiting' | 'done';
  readonly checks: number;
  readonly startedAt: string;
  readonly giveUpAt: string;
  /** While waiting: when the durable timer fires and the watch looks again. */
  readonly nextCheckAt?: string;
}

/** The orchestration's output. `endedAt` is the orchestration's time when it decided. */
export type WatchResult = {
  readonly container: string;
  readonly blob: string;
  readonly width: number;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly checks: number;
} & (
  | { readonly outcome: 'thumbnail'; readonly thumbnail: ThumbnailResult }
  /** The blob came, but is not an image we can shrink. */
  | { readonly outcome: 'no-thumbnail'; readonly reason: string }
  /** The blob came, but the thumbnail took longer than RESIZE_TIMEOUT_MS. */
  | { readonly outcome: 'resize-timed-out' }
  /** The blob did not come within GIVE_UP_AFTER_MS. */
  | { readonly outcome: 'gave-up' }
);

/** The first execution's state: start now, give up GIVE_UP_AFTER_MS later. */
export function startWatch(watch: UploadWatch, now: Date): WatchState {
  return {
    container: watch.container,
    blob: watch.blob,
    width: watch.width,
    startedAt: now.toISOString(),
    giveUpAt: new Date(now.getTime() + GIVE_UP_AFTER_MS).toISOString(),
    checks: 0,
  };
}

export function isWatchState(input: WatchInput): input is WatchState {
  return 'giveUpAt' in input;
}
