/**
 * A review: "make a thumbnail of container/blob, and publish it once a reviewer approves it;
 * give up if nobody decides within 24 hours". What the client function, the orchestrator, the
 * activities and the reviewer hand to each other: plain data, written to the history as JSON.
 */
import { checkBlobName, checkContainerName } from './storage-names.ts';
import { MAX_WIDTH, MIN_WIDTH, THUMBNAIL_CONTAINER } from './thumbnail.ts';
import type { ThumbnailResult } from './thumbnail-job.ts';

/** The function names. */
export const REVIEW_ORCHESTRATOR = 'reviewOrchestrator';
export const PUBLISH_THUMBNAIL = 'publishThumbnail';

/**
 * The external event a reviewer raises: `POST …/raiseEvent/approval` (sendEventPostUri with
 * `{eventName}` replaced). Names are compared exactly: `Approval` is another event, which
 * nobody waits for.
 */
export const APPROVAL_EVENT = 'approval';

/** How long a review waits for a decision. */
export const REVIEW_DEADLINE_MS = 24 * 60 * 60 * 1000;

/** Where approved thumbnails go: the public container. */
export const PUBLISHED_CONTAINER = 'published';

/** What the client function starts a review with. */
export interface ReviewRequest {
  readonly container: string;
  readonly blob: string;
  readonly width: number;
}

/** A review's input, checked: the request, or what is wrong with it. */
export type ReviewRequestCheck =
  { readonly valid: true; readonly request: ReviewRequest } | { readonly valid: false; readonly reason: string };

/**
 * Checks a review, whoever started it. reviews.ts builds it from the query string, but the
 * durable management API (POST /runtime/webhooks/durabletask/orchestrators/{name}) starts the
 * orchestrator with any JSON at all. So both call this: one set of rules. Pure (no I/O, no
 * clock), so the orchestrator may call it.
 */
export function checkReviewRequest(input: unknown): ReviewRequestCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return invalidRequest(
      'The review must be a JSON object, such as {"container":"samples","blob":"photo.jpg","width":200}.',
    );
  }
  const { container, blob, width } = input as Record<string, unknown>;
  if (typeof container !== 'string' || typeof blob !== 'string') {
    return invalidRequest('The review must name its image: "container" and "blob" must be strings.');
  }
  for (const name of [checkContainerName(container), checkBlobName(blob)]) {
    if (!name.valid) return invalidRequest(name.reason);
  }
  if (container === THUMBNAIL_CONTAINER || container === PUBLISHED_CONTAINER) {
    return invalidRequest(
      `The container "${container}" holds thumbnails already. Pass the container of the original image.`,
    );
  }
  if (typeof width !== 'number' || !Number.isInteger(width) || width < MIN_WIDTH || width > MAX_WIDTH) {
    return invalidRequest(`The width must be a whole number from ${MIN_WIDTH} to ${MAX_WIDTH} (pixels).`);
  }
  // A new object: fields the review does not know are left behind.
  return { valid: true, request: { container, blob, width } };
}

function invalidRequest(reason: string): ReviewRequestCheck {
  return { valid: false, reason };
}

/** The approval event's payload, once checked: `{"approved":true,"reviewer":"ada"}`. */
export interface Approval {
  /** true publishes the thumbnail, false rejects it. */
  readonly approved: boolean;
  /** Who decided. */
  readonly reviewer: string;
  readonly comment?: string;
}

export const MAX_REVIEWER_LENGTH = 100;
export const MAX_COMMENT_LENGTH = 500;

/** An event's payload, checked: an approval, or why it is not one. */
export type ApprovalCheck =
  { readonly valid: true; readonly approval: Approval } | { readonly valid: false; readonly reason: string };

/** Control characters (CR, LF, ESC…) and the Unicode line separators: a name with them could forge log lines. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/**
 * Checks an approval event's payload. Anyone who can reach sendEventPostUri (or the dashboard's
 * Raise event) can send any JSON, or none: `"yes"`, `{"approved":"no"}`, `null`. Only a JSON
 * object with `approved` true or false and a `reviewer` is a decision; anything else is not,
 * and must neither approve nor crash the review. Pure, so the orchestrator may call it.
 */
export function checkApproval(payload: unknown): ApprovalCheck {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return invalidApproval('An approval must be a JSON object, such as {"approved":true,"reviewer":"ada"}.');
  }
  const { approved, reviewer, comment } = payload as Record<string, unknown>;
  if (typeof approved !== 'boolean') {
    return invalidApproval('"approved" must be true or false: a JSON boolean, without quotes.');
  }
  if (
    typeof reviewer !== 'string' ||
    reviewer.trim() === '' ||
    reviewer.length > MAX_REVIEWER_LENGTH ||
    CONTROL.test(reviewer)
  ) {
    return invalidApproval(
      `"reviewer" must say who decided: a name of 1 to ${MAX_REVIEWER_LENGTH} characters, on one line.`,
    );
  }
  if (comment !== undefined && (typeof comment !== 'string' || comment.length > MAX_COMMENT_LENGTH)) {
    return invalidApproval(
      `"comment", when there is one, must be a string of at most ${MAX_COMMENT_LENGTH} characters.`,
    );
  }
  // A new object: fields an approval does not know are left behind.
  return {
    valid: true,
    approval: { approved, reviewer: reviewer.trim(), ...(comment !== undefined ? { comment } : {}) },
  };
}

function invalidApproval(reason: string): ApprovalCheck {
  return { valid: false, reason };
}

/** The input of the activity publishThumbnail: the thumbnail's blob name in `thumbnails`. */
export interface PublishRequest {
  readonly thumbnail: string;
}

/** Where publishThumbnail put it. */
export interface PublishedThumbnail {
  readonly container: string;
  readonly blob: string;
}

/**
 * The custom status: where the review is, until when it waits, and which event it waits for,
 * so whoever reads the status knows what to send. Events that were not approvals are counted.
 */
export interface ReviewProgress {
  readonly phase: 'making-thumbnail' | 'awaiting-approval' | 'publishing' | 'done';
  readonly startedAt: string;
  readonly deadlineAt: string;
  /** The event the review waits for: `approval`. */
  readonly event: string;
  /** The thumbnail to look at, in the container `thumbnails`, once it is made. */
  readonly thumbnail?: string;
  /** How many `approval` events were not approvals (a wrong shape), and why the last one was not. */
  readonly ignored: number;
  readonly lastIgnored?: string;
}

/** The orchestration's output. `endedAt` is the orchestration's time when it decided. */
export type ReviewResult = {
  readonly container: string;
  readonly blob: string;
  readonly width: number;
  readonly startedAt: string;
  readonly deadlineAt: string;
  readonly endedAt: string;
  /** `approval` events that were not approvals. */
  readonly ignored: number;
} & (
  | {
      readonly outcome: 'published';
      readonly reviewer: string;
      readonly comment?: string;
      readonly thumbnail: ThumbnailResult;
      readonly published: PublishedThumbnail;
    }
  | { readonly outcome: 'rejected'; readonly reviewer: string; readonly comment?: string }
  /** Nobody decided before the deadline: nothing published. */
  | { readonly outcome: 'expired' }
  /** The blob is not an image we can shrink: nothing to review. */
  | { readonly outcome: 'no-thumbnail'; readonly reason: string }
);
