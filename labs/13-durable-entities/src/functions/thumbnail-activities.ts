import { Buffer } from 'node:buffer';
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { listBlobNames, readBlob, StorageError, writeBlob } from '../lib/blob-storage.ts';
import { checkBlobName } from '../lib/storage-names.ts';
import { ImageError, makeThumbnail, THUMBNAIL_CONTAINER, thumbnailName } from '../lib/thumbnail.ts';
import {
  LIST_IMAGES,
  MAKE_THUMBNAIL,
  manifestName,
  WRITE_MANIFEST,
  type Manifest,
  type ThumbnailOutcome,
  type ThumbnailRequest,
} from '../lib/thumbnail-job.ts';

// Activities: the steps of the job that touch the outside world (storage, sharp). Each one is
// an ordinary async function. The orchestrator schedules them by name; the host runs them on
// any worker, and writes what they return into the orchestration's history.

/**
 * Activity `listImages`: every blob name in the container, sorted. It does not judge which
 * ones are images; makeThumbnail finds out.
 */
export async function listImages(container: string, context: InvocationContext): Promise<string[]> {
  const names = await listBlobNames(container);
  context.log(`Found ${names.length} blobs in ${container}`);
  return names;
}

/**
 * Activity `makeThumbnail`: lab 04's work for one image: read it, shrink it, save it as
 * `thumbnails/<container>/<blob>-w<width>.webp`. It gets names and returns numbers; the image
 * bytes never leave this function.
 *
 * This is the claim-check pattern: the bytes stay in Blob storage, and only the "ticket" (a
 * blob name) travels through the orchestration. What an activity gets and returns is written
 * to the History table and sent as a queue message (64 KB at most; bigger payloads are gzipped
 * into the task hub's large-message blobs and read back on every replay), so it stays a few
 * hundred bytes, whatever the size of the image.
 *
 * A bad image is an outcome, not a failure: it answers { ok: false, source, reason }, so the
 * orchestrator's Task.all gets every answer. What is not the image's fault (storage down, a
 * bug) still throws: that is worth failing the run for, or retrying.
 */
export async function makeThumbnailActivity(
  request: ThumbnailRequest,
  context: InvocationContext,
): Promise<ThumbnailOutcome> {
  const { container, blob, width } = request;
  try {
    const target = thumbnailName(container, blob, width);
    const targetCheck = checkBlobName(target);
    if (!targetCheck.valid) {
      throw new StorageError(400, `The blob name is too long to name its thumbnail. ${targetCheck.reason}`);
    }

    const source = await readBlob(container, blob);
    const thumbnail = await makeThumbnail(source.bytes, width);
    await writeBlob(THUMBNAIL_CONTAINER, target, thumbnail.bytes, thumbnail.contentType);
    context.log(`Saved ${THUMBNAIL_CONTAINER}/${target} (${thumbnail.width} × ${thumbnail.height})`);
    return {
      ok: true,
      source: blob,
      blob: target,
      width: thumbnail.width,
      height: thumbnail.height,
      bytes: thumbnail.bytes.length,
    };
  } catch (error) {
    if (!isTheImagesFault(error)) throw error;
    context.warn(`No thumbnail for ${container}/${blob}: ${error.message}`);
    return { ok: false, source: blob, reason: error.message };
  }
}

/**
 * Errors that belong to this one image: not an image, damaged, too many pixels (ImageError),
 * gone since it was listed, too big, a name too long (StorageError 4xx). Storage errors 5xx
 * (unreachable, busy) are not.
 */
function isTheImagesFault(error: unknown): error is ImageError | StorageError {
  return error instanceof ImageError || (error instanceof StorageError && error.status < 500);
}

/**
 * Activity `writeManifest`: saves the manifest as JSON in the container `thumbnails` and
 * returns its blob name. Named after the run's time and id, which come from the orchestration's
 * history, so running it again overwrites it.
 */
export async function writeManifest(manifest: Manifest, context: InvocationContext): Promise<string> {
  const blob = manifestName(manifest.createdAt, manifest.runId);
  const json = `${JSON.stringify(manifest, null, 2)}\n`;
  await writeBlob(THUMBNAIL_CONTAINER, blob, Buffer.from(json, 'utf8'), 'application/json');
  context.log(
    `Saved ${THUMBNAIL_CONTAINER}/${blob}: ${manifest.thumbnails.length} thumbnails, ${manifest.failed.length} failed`,
  );
  return blob;
}

df.app.activity(LIST_IMAGES, { handler: listImages });
df.app.activity(MAKE_THUMBNAIL, { handler: makeThumbnailActivity });
df.app.activity(WRITE_MANIFEST, { handler: writeManifest });
