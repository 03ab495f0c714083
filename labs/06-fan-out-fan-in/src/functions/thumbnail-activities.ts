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
  type ThumbnailResult,
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
 * bytes never leave this function. Throws ImageError or StorageError when it cannot.
 */
export async function makeThumbnailActivity(
  request: ThumbnailRequest,
  context: InvocationContext,
): Promise<ThumbnailResult> {
  // TODO Step 3: a bad image must not fail a whole Task.all. Return an outcome instead of throwing:
  //   - declare the result as Promise<ThumbnailOutcome> (imported above);
  //   - wrap the work below in try/catch; success → return { ok: true, source: blob, blob: target, width,
  //     height, bytes };
  //   - in the catch, ImageError, or StorageError with status < 500 (gone, too big, bad name), is the
  //     image's fault → return { ok: false, source: blob, reason: error.message };
  //     anything else (storage down, a bug) → throw error;  — that should still fail the run.
  const { container, blob, width } = request;
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
    source: blob,
    blob: target,
    width: thumbnail.width,
    height: thumbnail.height,
    bytes: thumbnail.bytes.length,
  };
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
df.app.activity(MAKE_THUMBNAIL, { handler: makeThumbnailActivity });
df.app.activity(WRITE_MANIFEST, { handler: writeManifest });
