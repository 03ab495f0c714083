import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { readBlob, writeBlob } from '../lib/blob-storage.ts';
import { PUBLISH_THUMBNAIL, PUBLISHED_CONTAINER, type PublishedThumbnail, type PublishRequest } from '../lib/review.ts';
import { THUMBNAIL_CONTAINER } from '../lib/thumbnail.ts';

/**
 * Activity `publishThumbnail`: copies an approved thumbnail from `thumbnails` to the public
 * container `published`, under the same name. Like every activity it may run more than once
 * (a crash after the write, before the checkpoint): the copy overwrites the same blob with
 * the same bytes, so a second run changes nothing.
 */
export async function publishThumbnail(
  request: PublishRequest,
  context: InvocationContext,
): Promise<PublishedThumbnail> {
  const thumbnail = await readBlob(THUMBNAIL_CONTAINER, request.thumbnail);
  await writeBlob(PUBLISHED_CONTAINER, request.thumbnail, thumbnail.bytes, thumbnail.contentType);
  context.log(`Published ${THUMBNAIL_CONTAINER}/${request.thumbnail} as ${PUBLISHED_CONTAINER}/${request.thumbnail}`);
  return { container: PUBLISHED_CONTAINER, blob: request.thumbnail };
}

df.app.activity(PUBLISH_THUMBNAIL, { handler: publishThumbnail });
