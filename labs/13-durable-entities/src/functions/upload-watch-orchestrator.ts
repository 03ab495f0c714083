import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { MAKE_THUMBNAIL, type ThumbnailOutcome, type ThumbnailRequest } from '../lib/thumbnail-job.ts';
import {
  CHECK_EVERY_MS,
  checkWatchInput,
  FIND_UPLOAD,
  isWatchState,
  RESIZE_TIMEOUT_MS,
  startWatch,
  WATCH_ORCHESTRATOR,
  type FoundUpload,
  type UploadRef,
  type WatchProgress,
  type WatchResult,
} from '../lib/upload-watch.ts';

/** A blob that is not there yet: look again a little later; the storage account may be busy too. */
const FIND_RETRY = new df.RetryOptions(5_000, 3);

/**
 * The orchestrator `uploadWatchOrchestrator`, a monitor: look for the blob; if it is there,
 * make its thumbnail within RESIZE_TIMEOUT_MS; if not, sleep on a durable timer until the next
 * check, and start over as a new execution (continueAsNew); give up at the deadline.
 *
 * Time in an orchestrator is context.df.currentUtcDateTime: the time of the current episode,
 * written in the history, so a replay sees the very same value. The wall clock (Date.now(),
 * new Date()) says something else on every replay, and keeps running while a virtual clock
 * skips an hour in a test.
 */
export const uploadWatchOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  // Check the input first, on every execution: the management API can start this orchestrator
  // with any JSON, past the client function's checks. Thrown here, the error ends the instance
  // Failed, with its message as the output.
  const check = checkWatchInput(context.df.getInput());
  if (!check.valid) throw new Error(`The watch's input is not valid: ${check.reason}`);
  const input = check.input;

  // The first execution fixes the start and the deadline; continueAsNew hands them on. An
  // execution that computed them itself would move the deadline 5 minutes on at every check.
  const watch = isWatchState(input) ? input : startWatch(input, context.df.currentUtcDateTime);
  const ref: UploadRef = { container: watch.container, blob: watch.blob };
  const progress = (phase: WatchProgress['phase'], checks: number, nextCheckAt?: Date): WatchProgress => ({
    phase,
    checks,
    startedAt: watch.startedAt,
    giveUpAt: watch.giveUpAt,
    ...(nextCheckAt ? { nextCheckAt: nextCheckAt.toISOString() } : {}),
  });

  context.df.setCustomStatus(progress('looking', watch.checks));
  const upload: FoundUpload = yield context.df.callActivityWithRetry(FIND_UPLOAD, FIND_RETRY, ref);
  const checks = watch.checks + 1;
  // The activity's answer came in a later episode: the clock moved on with it.
  const now = context.df.currentUtcDateTime;
  // The end: the status says "done" rather than what the watch was doing last.
  const ended = (): Pick<WatchResult, 'container' | 'blob' | 'width' | 'startedAt' | 'endedAt' | 'checks'> => {
    context.df.setCustomStatus(progress('done', checks));
    return {
      container: watch.container,
      blob: watch.blob,
      width: watch.width,
      startedAt: watch.startedAt,
      endedAt: context.df.currentUtcDateTime.toISOString(),
      checks,
    };
  };

  if (upload !== null) {
    if (!context.df.isReplaying)
      context.log(
        `Found ${watch.container}/${watch.blob} (${upload.bytes} bytes) at check ${checks}: making its thumbnail`,
      );
    // A timeout: race the activity against a durable timer. Task.any resumes with whichever
    // finishes first. The loser keeps going: an activity cannot be stopped, and a timer that
    // is not cancelled keeps the orchestration Running until it fires.
    context.df.setCustomStatus(progress('resizing', checks));
    const request: ThumbnailRequest = { container: watch.container, blob: watch.blob, width: watch.width };
    const resize = context.df.callActivity(MAKE_THUMBNAIL, request);
    const timeout = context.df.createTimer(new Date(now.getTime() + RESIZE_TIMEOUT_MS));
    const winner = yield context.df.Task.any([resize, timeout]);
    if (winner !== resize) {
      if (!context.df.isReplaying)
        context.warn(
          `${watch.container}/${watch.blob}: no thumbnail after ${RESIZE_TIMEOUT_MS / 60_000} minutes; giving up`,
        );
      const timedOut: WatchResult = { ...ended(), outcome: 'resize-timed-out' };
      return timedOut;
    }
    timeout.cancel();
    // Yielding a finished task gives its result at once, or throws its error: a resize that
    // failed (storage down) fails the watch, with the activity's message.
    const outcome: ThumbnailOutcome = yield resize;
    const result: WatchResult = outcome.ok
      ? {
          ...ended(),
          outcome: 'thumbnail',
          thumbnail: {
            source: outcome.source,
            blob: outcome.blob,
            width: outcome.width,
            height: outcome.height,
            bytes: outcome.bytes,
          },
        }
      : { ...ended(), outcome: 'no-thumbnail', reason: outcome.reason };
    return result;
  }

  const giveUpAt = Date.parse(watch.giveUpAt);
  if (now.getTime() >= giveUpAt) {
    if (!context.df.isReplaying)
      context.log(`${watch.container}/${watch.blob} did not come in ${checks} checks; giving up`);
    const gaveUp: WatchResult = { ...ended(), outcome: 'gave-up' };
    return gaveUp;
  }

  // A durable timer, never setTimeout: the orchestrator is not running while it waits. The
  // timer is a message the host delivers at nextCheckAt, even after a restart, and the code
  // carries on from the history then.
  const nextCheckAt = new Date(Math.min(now.getTime() + CHECK_EVERY_MS, giveUpAt));
  context.df.setCustomStatus(progress('waiting', checks, nextCheckAt));
  yield context.df.createTimer(nextCheckAt);

  // Start over with a fresh, empty history: a loop inside one execution would grow its history
  // (and the cost of every replay) with each check.
  context.df.continueAsNew({ ...watch, checks });
  return undefined;
};

df.app.orchestration(WATCH_ORCHESTRATOR, uploadWatchOrchestrator);
