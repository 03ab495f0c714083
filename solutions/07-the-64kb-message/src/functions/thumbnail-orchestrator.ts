import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import { THUMBNAIL_CONTAINER } from '../lib/thumbnail.ts';
import {
  batches,
  checkThumbnailJob,
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
 * The orchestrator `thumbnailOrchestrator`: list the container, make the thumbnails in
 * parallel batches (fan-out/fan-in), write a manifest, return a summary. Its custom status
 * says how far it got.
 *
 * It decides, it never does: no storage, no sharp, no clock, no randomness. Each `yield`
 * hands tasks to the host and ends this run of the code (a checkpoint); the host runs the
 * function again from the top when results arrive, and replays what the history already knows.
 */
export const thumbnailOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  // Check the input first: the management API can start this orchestrator with any JSON,
  // past the client function's checks. Thrown here, the error ends the instance Failed, with
  // its message as the output; nothing has been scheduled yet.
  const check = checkThumbnailJob(context.df.getInput());
  if (!check.valid) throw new Error(`The job's input is not valid: ${check.reason}`);
  const job = check.job;
  const report = (progress: JobProgress) => context.df.setCustomStatus(progress);

  // 1. Which blobs? The status is saved with the next yield, so it shows while listImages runs.
  report({ phase: 'listing' });
  const images: string[] = yield context.df.callActivity(LIST_IMAGES, job.container);

  // 2. Fan out, one batch at a time. Inside a batch, every callActivity is scheduled by the
  //    same yield, so all of them are on the work-item queue at once and any free worker can
  //    take one. Task.all fans back in: its yield resumes when the last one has answered,
  //    with their outcomes in the order of the batch.
  //    makeThumbnail answers { ok: false } for a bad image instead of throwing: Task.all
  //    throws on the first activity that fails, and the other results would be lost.
  //    No images, no batches: Task.all([]) would throw.
  //    Names in, names and numbers out (the claim check): no image byte passes through here, so
  //    the history stays small and every replay stays cheap.
  const thumbnails: ThumbnailResult[] = [];
  const failed: ThumbnailFailure[] = [];
  const progress = (phase: 'resizing' | 'writing-manifest' | 'done'): JobProgress => ({
    phase,
    total: images.length,
    done: thumbnails.length + failed.length,
    failed: failed.length,
  });
  for (const batch of batches(images, job.batchSize)) {
    report(progress('resizing'));
    const tasks: Task[] = batch.map((blob) => {
      const request: ThumbnailRequest = { container: job.container, blob, width: job.width };
      return context.df.callActivity(MAKE_THUMBNAIL, request);
    });
    const outcomes: ThumbnailOutcome[] = yield context.df.Task.all(tasks);
    for (const outcome of outcomes) {
      if (outcome.ok) {
        const { source, blob, width, height, bytes } = outcome;
        thumbnails.push({ source, blob, width, height, bytes });
      } else {
        failed.push({ source: outcome.source, reason: outcome.reason });
      }
    }
  }

  // 3. The manifest. Its time comes from the history (currentUtcDateTime), not from the clock,
  //    so every replay builds the very same manifest.
  report(progress('writing-manifest'));
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

  report(progress('done'));
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
