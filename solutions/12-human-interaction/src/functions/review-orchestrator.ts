import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import {
  APPROVAL_EVENT,
  checkApproval,
  checkReviewRequest,
  PUBLISH_THUMBNAIL,
  REVIEW_DEADLINE_MS,
  REVIEW_ORCHESTRATOR,
  type Approval,
  type PublishedThumbnail,
  type PublishRequest,
  type ReviewProgress,
  type ReviewResult,
} from '../lib/review.ts';
import { MAKE_THUMBNAIL, type ThumbnailOutcome, type ThumbnailRequest } from '../lib/thumbnail-job.ts';

/**
 * The orchestrator `reviewOrchestrator`, human interaction: make the thumbnail, wait for a
 * reviewer's decision (the external event `approval`), publish it if approved; give up when
 * nobody decides within 24 hours.
 *
 * Waiting costs nothing: the orchestrator is not running while a person thinks it over. The
 * event is a message on the instance's queue; the host runs the orchestrator again when it
 * comes, or when the deadline's durable timer fires, whichever is first.
 */
export const reviewOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  // The management API can start this orchestrator with any JSON, past the client function's
  // checks: thrown here, the error ends the instance Failed, with its message as the output.
  const check = checkReviewRequest(context.df.getInput());
  if (!check.valid) throw new Error(`The review's input is not valid: ${check.reason}`);
  const review = check.request;

  // The deadline comes from the orchestration's clock, once: the same on every replay.
  const startedAt = context.df.currentUtcDateTime;
  const deadlineAt = new Date(startedAt.getTime() + REVIEW_DEADLINE_MS);
  let ignored = 0;
  let lastIgnored: string | undefined;
  const progress = (phase: ReviewProgress['phase'], thumbnail?: string): ReviewProgress => ({
    phase,
    startedAt: startedAt.toISOString(),
    deadlineAt: deadlineAt.toISOString(),
    event: APPROVAL_EVENT,
    ...(thumbnail !== undefined ? { thumbnail } : {}),
    ignored,
    ...(lastIgnored !== undefined ? { lastIgnored } : {}),
  });
  const ended = () => {
    context.df.setCustomStatus(progress('done'));
    return {
      container: review.container,
      blob: review.blob,
      width: review.width,
      startedAt: startedAt.toISOString(),
      deadlineAt: deadlineAt.toISOString(),
      endedAt: context.df.currentUtcDateTime.toISOString(),
      ignored,
    };
  };

  // 1. The thumbnail to review. An approval raised meanwhile is not lost: the host keeps it
  //    in the history, and the first waitForExternalEvent('approval') below gets it at once.
  context.df.setCustomStatus(progress('making-thumbnail'));
  const request: ThumbnailRequest = { container: review.container, blob: review.blob, width: review.width };
  const made: ThumbnailOutcome = yield context.df.callActivity(MAKE_THUMBNAIL, request);
  if (!made.ok) {
    const nothing: ReviewResult = { ...ended(), outcome: 'no-thumbnail', reason: made.reason };
    return nothing;
  }

  // 2. Wait for a decision or the deadline, whichever comes first. An event that is not an
  //    approval (a wrong shape) is counted and ignored, and the review waits on, until the
  //    same deadline: each round has its timer, cancelled when the event wins it.
  let decision: Approval | undefined;
  while (decision === undefined) {
    context.df.setCustomStatus(progress('awaiting-approval', made.blob));
    const deadline = context.df.createTimer(deadlineAt);
    const event = context.df.waitForExternalEvent(APPROVAL_EVENT);
    const winner = yield context.df.Task.any([event, deadline]);
    if (winner === deadline) {
      if (!context.df.isReplaying)
        context.log(`${review.container}/${review.blob}: no decision by ${deadlineAt.toISOString()}; giving up`);
      // Nothing more is waited for: a later approval finds the instance Completed (410 Gone).
      const expired: ReviewResult = { ...ended(), outcome: 'expired' };
      return expired;
    }
    // The event won. The timer is still pending, and an orchestration is not Completed while
    // a timer is pending: cancel it, or the review stays Running until the deadline.
    deadline.cancel();
    const approval = checkApproval(event.result);
    if (approval.valid) {
      decision = approval.approval;
    } else {
      ignored += 1;
      lastIgnored = approval.reason;
      if (!context.df.isReplaying)
        context.warn(
          `${review.container}/${review.blob}: an '${APPROVAL_EVENT}' event that is not a decision, ` +
            `ignored: ${approval.reason}`,
        );
    }
  }

  // 3. One decision, taken once. More approval events may come (a double click, a retry):
  //    nothing waits for them any more, so they change nothing.
  const decided = {
    reviewer: decision.reviewer,
    ...(decision.comment !== undefined ? { comment: decision.comment } : {}),
  };
  if (!decision.approved) {
    if (!context.df.isReplaying) context.log(`${review.container}/${review.blob}: rejected by ${decision.reviewer}`);
    const rejected: ReviewResult = { ...ended(), outcome: 'rejected', ...decided };
    return rejected;
  }
  context.df.setCustomStatus(progress('publishing', made.blob));
  const publish: PublishRequest = { thumbnail: made.blob };
  const published: PublishedThumbnail = yield context.df.callActivity(PUBLISH_THUMBNAIL, publish);
  const result: ReviewResult = {
    ...ended(),
    outcome: 'published',
    ...decided,
    thumbnail: { source: made.source, blob: made.blob, width: made.width, height: made.height, bytes: made.bytes },
    published,
  };
  return result;
};

df.app.orchestration(REVIEW_ORCHESTRATOR, reviewOrchestrator);
