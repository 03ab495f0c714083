import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import { THUMBNAIL_CONTAINER } from '../lib/thumbnail.ts';
import {
  batches,
  checkThumbnailJob,
  failureReason,
  LIST_IMAGES,
  MAKE_THUMBNAIL,
  ORCHESTRATOR,
  WRITE_MANIFEST,
  type JobProgress,
  type JobSummary,
  type Manifest,
  type ThumbnailFailure,
  type ThumbnailOutcome,
  type ThumbnailRequest,
  type ThumbnailResult,
} from '../lib/thumbnail-job.ts';

/**
 * The orchestrator `thumbnailOrchestrator`: list the container, make one thumbnail after
 * another, write a manifest, return a summary.
 *
 * It decides, it never does: no storage, no sharp, no clock, no randomness. Each `yield`
 * hands a task to the host and ends this run of the code (a checkpoint). When the task's
 * result is in the history, the host runs this function again from the top, and every
 * `yield` whose result is already in the history gets it back at once (replay). So the code
 * must take the same path every time, and it does, because it only looks at its input and
 * at what its yields return.
 */
export const thumbnailOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  // Check the input first: the management API can start this orchestrator with any JSON,
  // past the client function's checks. Thrown here, the error ends the instance Failed, with
  // its message as the output; nothing has been scheduled yet.
  const check = checkThumbnailJob(context.df.getInput());
  if (!check.valid) throw new Error(`The job's input is not valid: ${check.reason}`);
  const job = check.job;

  // 1. Which blobs? (An activity: listing is I/O.)
  const images: string[] = yield context.df.callActivity(LIST_IMAGES, job.container);

  // 2. One thumbnail after another: each yield waits for its image before the loop goes on.
  //    A failed activity throws here, at its yield, with the activity's message; catch it to
  //    carry on with the next image. On replay the same failure is read from the history and
  //    thrown again, so the catch takes the same path every time.
  //
  // TODO Step 2: fan out. Replace this loop (try/catch included): create every task first, then
  //   yield them all at once, with one yield:
  //     const tasks: Task[] = images.map((blob) => context.df.callActivity(MAKE_THUMBNAIL, <its ThumbnailRequest>));
  //     const results: ThumbnailResult[] = yield context.df.Task.all(tasks);
  //   Task.all([]) throws: skip it when there are no images.
  // TODO Step 3: with makeThumbnail answering outcomes, type them as ThumbnailOutcome[] and sort
  //   them: outcome.ok → thumbnails (without `ok`), otherwise → failed ({ source, reason }).
  // TODO Step 4: report progress: context.df.setCustomStatus(progress) with a JobProgress:
  //   { phase: 'listing' } before listImages; { phase: 'resizing', total, done, failed } before the
  //   fan-out; 'writing-manifest' before writeManifest; 'done' before the return.
  // TODO Step 5: fan out in batches: for (const batch of batches(images, job.batchSize)) { … }, one
  //   Task.all per batch, and the 'resizing' status set again before each batch.
  const thumbnails: ThumbnailResult[] = [];
  const failed: ThumbnailFailure[] = [];
  for (const blob of images) {
    const request: ThumbnailRequest = { container: job.container, blob, width: job.width };
    try {
      const thumbnail: ThumbnailResult = yield context.df.callActivity(MAKE_THUMBNAIL, request);
      thumbnails.push(thumbnail);
    } catch (error) {
      failed.push({ source: blob, reason: failureReason(error) });
    }
  }

  // 3. The manifest. Its time comes from the history (currentUtcDateTime), not from the clock,
  //    so every replay builds the very same manifest.
  const manifest: Manifest = {
    instanceId: context.df.instanceId,
    container: job.container,
    width: job.width,
    createdAt: context.df.currentUtcDateTime.toISOString(),
    thumbnailContainer: THUMBNAIL_CONTAINER,
    thumbnails,
    failed,
  };
  const manifestBlob: string = yield context.df.callActivity(WRITE_MANIFEST, manifest);

  // Replays run this line too; log only on the first run through.
  if (!context.df.isReplaying) {
    context.log(
      `${job.container}: ${thumbnails.length} thumbnails, ${failed.length} failed, manifest ` +
        `${THUMBNAIL_CONTAINER}/${manifestBlob}`,
    );
  }

  const summary: JobSummary = {
    container: job.container,
    width: job.width,
    images: images.length,
    thumbnails: thumbnails.length,
    failed: failed.length,
    manifest: { container: THUMBNAIL_CONTAINER, blob: manifestBlob },
  };
  return summary;
};

df.app.orchestration(ORCHESTRATOR, thumbnailOrchestrator);
