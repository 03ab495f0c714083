import { Buffer } from 'node:buffer';
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { listBlobNames, readBlob, StorageError, writeBlob } from '../lib/blob-storage.ts';
import { ImageError, makeThumbnail, THUMBNAIL_CONTAINER } from '../lib/thumbnail.ts';
import {
  LIST_IMAGES,
  MAKE_THUMBNAIL,
  manifestName,
  READ_IMAGE,
  WRITE_MANIFEST,
  WRITE_THUMBNAIL,
  type ImageOutcome,
  type ImageRequest,
  type Manifest,
  type ResizeOutcome,
  type ResizeRequest,
  type WriteThumbnailRequest,
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
 * Activity `readImage`: one blob's bytes, as base64 (an activity's result is JSON).
 *
 * TODO (Step 3): this is the activity that hands the image to the orchestrator. With the claim
 * check, nobody needs it: makeThumbnail reads the image itself, by name. Delete it (and its
 * registration at the bottom).
 */
export async function readImage(request: ImageRequest, context: InvocationContext): Promise<ImageOutcome> {
  const { container, blob } = request;
  try {
    const image = await readBlob(container, blob);
    context.log(`Read ${container}/${blob} (${image.bytes.length} bytes)`);
    return { ok: true, source: blob, contentType: image.contentType, base64: image.bytes.toString('base64') };
  } catch (error) {
    if (!isTheImagesFault(error)) throw error;
    context.warn(`Could not read ${container}/${blob}: ${error.message}`);
    return { ok: false, source: blob, reason: error.message };
  }
}

/**
 * Activity `makeThumbnail`: gets the image as base64, answers the thumbnail as base64. Pure
 * computation, no storage: easy to test, but every byte goes through the orchestration twice.
 *
 * TODO (Step 3): make it take a ThumbnailRequest ({ container, blob, width }) and answer a
 * ThumbnailOutcome, as in lab 06: read the image with readBlob, check the thumbnail's name,
 * makeThumbnail, writeBlob, and return the thumbnail's blob name and numbers, never its bytes.
 */
export async function makeThumbnailActivity(
  request: ResizeRequest,
  context: InvocationContext,
): Promise<ResizeOutcome> {
  const { source, base64, width } = request;
  try {
    const thumbnail = await makeThumbnail(Buffer.from(base64, 'base64'), width);
    context.log(`Made the thumbnail of ${source} (${thumbnail.width} × ${thumbnail.height})`);
    return {
      ok: true,
      source,
      base64: thumbnail.bytes.toString('base64'),
      contentType: thumbnail.contentType,
      width: thumbnail.width,
      height: thumbnail.height,
    };
  } catch (error) {
    if (!isTheImagesFault(error)) throw error;
    context.warn(`No thumbnail for ${source}: ${error.message}`);
    return { ok: false, source, reason: error.message };
  }
}

/**
 * Activity `writeThumbnail`: saves the thumbnail's bytes (base64) as `thumbnails/<blob>`.
 *
 * TODO (Step 3): with the claim check, makeThumbnail writes its own thumbnail. Delete this one
 * (and its registration at the bottom).
 */
export async function writeThumbnail(request: WriteThumbnailRequest, context: InvocationContext): Promise<string> {
  const bytes = Buffer.from(request.base64, 'base64');
  await writeBlob(THUMBNAIL_CONTAINER, request.blob, bytes, request.contentType);
  context.log(`Saved ${THUMBNAIL_CONTAINER}/${request.blob} (${bytes.length} bytes)`);
  return request.blob;
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
 * returns its blob name. Named after the instance, so running it again overwrites it.
 */
export async function writeManifest(manifest: Manifest, context: InvocationContext): Promise<string> {
  const blob = manifestName(manifest.instanceId);
  const json = `${JSON.stringify(manifest, null, 2)}\n`;
  await writeBlob(THUMBNAIL_CONTAINER, blob, Buffer.from(json, 'utf8'), 'application/json');
  context.log(
    `Saved ${THUMBNAIL_CONTAINER}/${blob}: ${manifest.thumbnails.length} thumbnails, ${manifest.failed.length} failed`,
  );
  return blob;
}

df.app.activity(LIST_IMAGES, { handler: listImages });
df.app.activity(READ_IMAGE, { handler: readImage });
df.app.activity(MAKE_THUMBNAIL, { handler: makeThumbnailActivity });
df.app.activity(WRITE_THUMBNAIL, { handler: writeThumbnail });
df.app.activity(WRITE_MANIFEST, { handler: writeManifest });
