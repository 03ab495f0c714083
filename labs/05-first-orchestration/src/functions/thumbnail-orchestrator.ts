import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { THUMBNAIL_CONTAINER } from '../lib/thumbnail.ts';
import {
  checkThumbnailJob,
  failureReason,
  LIST_IMAGES,
  MAKE_THUMBNAIL,
  ORCHESTRATOR,
  WRITE_MANIFEST,
  type JobSummary,
  type Manifest,
  type ThumbnailFailure,
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

  // TODO Step 3: chain the activities. Every call is `yield context.df.callActivity(name, input)`:
  //   1. const images: string[] = yield context.df.callActivity(LIST_IMAGES, job.container);
  //   2. const thumbnails: ThumbnailResult[] = [];  const failed: ThumbnailFailure[] = [];
  //      then for each blob of images, one after another:
  //        const request: ThumbnailRequest = { container: job.container, blob, width: job.width };
  //        try {
  //          const thumbnail: ThumbnailResult = yield context.df.callActivity(MAKE_THUMBNAIL, request);
  //          thumbnails.push(thumbnail);
  //        } catch (error) {
  //          failed.push({ source: blob, reason: failureReason(error) });   ← an activity that threw
  //        }
  //   3. build the Manifest (instanceId: context.df.instanceId,
  //      createdAt: context.df.currentUtcDateTime.toISOString(), thumbnailContainer: THUMBNAIL_CONTAINER, …)
  //      and const manifestBlob: string = yield context.df.callActivity(WRITE_MANIFEST, manifest);
  //   4. return a JobSummary: { container, width, images: <count>, thumbnails: <count>, failed: <count>,
  //      manifest: { container: THUMBNAIL_CONTAINER, blob: manifestBlob } }
  //   No `await` and no I/O in here: only yields of context.df tasks.
  throw new Error(
    `Not implemented yet: thumbnailOrchestrator in src/functions/thumbnail-orchestrator.ts (lab 05, ` +
      `Step 3). Its input was ${JSON.stringify(job)}.`,
  );
};

df.app.orchestration(ORCHESTRATOR, thumbnailOrchestrator);
