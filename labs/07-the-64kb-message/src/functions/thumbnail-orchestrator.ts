import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { THUMBNAIL_CONTAINER, thumbnailName } from '../lib/thumbnail.ts';
import {
  batches,
  checkThumbnailJob,
  LIST_IMAGES,
  MAKE_THUMBNAIL,
  ORCHESTRATOR,
  READ_IMAGE,
  WRITE_MANIFEST,
  WRITE_THUMBNAIL,
  type ImageOutcome,
  type ImageRequest,
  type JobProgress,
  type JobSummary,
  type Manifest,
  type ResizeOutcome,
  type ResizeRequest,
  type ThumbnailFailure,
  type ThumbnailResult,
  type WriteThumbnailRequest,
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

  // 2. Fan out, one batch at a time, in three steps per batch: read the images, resize them,
  //    save the thumbnails. Every step is its own Task.all, and every image travels through
  //    here: readImage's result, makeThumbnail's input and result, writeThumbnail's input.
  //    TODO (Step 3): the claim check. One Task.all per batch of makeThumbnail with a
  //    ThumbnailRequest ({ container, blob, width }): names in, names and numbers out, as in lab 06.
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
    const read: ImageOutcome[] = yield context.df.Task.all(
      batch.map((blob) => {
        const request: ImageRequest = { container: job.container, blob };
        return context.df.callActivity(READ_IMAGE, request);
      }),
    );
    const readable = read.filter((image) => image.ok);
    const resized: ResizeOutcome[] =
      readable.length === 0
        ? []
        : yield context.df.Task.all(
            readable.map((image) => {
              const request: ResizeRequest = { source: image.source, base64: image.base64, width: job.width };
              return context.df.callActivity(MAKE_THUMBNAIL, request);
            }),
          );
    const made = resized.filter((thumbnail) => thumbnail.ok);
    const written: string[] =
      made.length === 0
        ? []
        : yield context.df.Task.all(
            made.map((thumbnail) => {
              const request: WriteThumbnailRequest = {
                blob: thumbnailName(job.container, thumbnail.source, job.width),
                base64: thumbnail.base64,
                contentType: thumbnail.contentType,
              };
              return context.df.callActivity(WRITE_THUMBNAIL, request);
            }),
          );

    // Back in the order of the batch: a thumbnail, or why there is none.
    for (const blob of batch) {
      const failure = [...read, ...resized].find((outcome) => !outcome.ok && outcome.source === blob);
      if (failure && !failure.ok) {
        failed.push({ source: blob, reason: failure.reason });
        continue;
      }
      const index = made.findIndex((thumbnail) => thumbnail.source === blob);
      const thumbnail = made[index];
      if (thumbnail === undefined || !thumbnail.ok) continue;
      const bytes = Math.floor((thumbnail.base64.length * 3) / 4) - (thumbnail.base64.match(/=*$/)?.[0].length ?? 0);
      thumbnails.push({ source: blob, blob: written[index]!, width: thumbnail.width, height: thumbnail.height, bytes });
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
