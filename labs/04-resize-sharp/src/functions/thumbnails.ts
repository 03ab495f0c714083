import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { readBlob, StorageError, writeBlob } from '../lib/blob-storage.ts';
import { nonBlank, queryParam } from '../lib/query.ts';
import { checkBlobName, checkContainerName } from '../lib/storage-names.ts';
import { ImageError, makeThumbnail, parseWidth, THUMBNAIL_CONTAINER, thumbnailName } from '../lib/thumbnail.ts';

/**
 * GET or POST /api/thumbnails?container=…&blob=…&width=… — makes a WebP thumbnail of an image
 * blob and saves it in the container `thumbnails`.
 *
 *   ?container=samples&blob=photo.jpg&width=200
 *       → 201 (new) or 200 (overwritten) JSON
 *         {"container":"thumbnails","blob":"samples/photo.jpg-w200.webp",
 *          "width":200,"height":133,"bytes":…,"contentType":"image/webp"}
 *   names missing, blank or invalid; width not 16–1024     → 400 JSON {"error":"…"}
 *   no such container or blob                              → 404 JSON
 *   not an image, or a format we do not read               → 415 JSON
 *   too many pixels (over 40 megapixels), or damaged image → 422 JSON
 *   storage unreachable                                    → 503 JSON
 */
export async function thumbnails(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const container = nonBlank(queryParam(request.query, 'container'));
  const blob = nonBlank(queryParam(request.query, 'blob'));
  if (container === undefined || blob === undefined) {
    return { status: 400, jsonBody: { error: 'Please pass a container and blob names on the query string.' } };
  }
  for (const check of [checkContainerName(container), checkBlobName(blob)]) {
    if (!check.valid) return { status: 400, jsonBody: { error: check.reason } };
  }
  const width = parseWidth(queryParam(request.query, 'width'));
  if (!width.ok) return { status: 400, jsonBody: { error: width.reason } };

  const target = thumbnailName(container, blob, width.width);
  const targetCheck = checkBlobName(target);
  if (!targetCheck.valid) {
    return {
      status: 400,
      jsonBody: { error: `The blob name is too long to name its thumbnail. ${targetCheck.reason}` },
    };
  }

  // TODO Step 6: read the source, make the thumbnail, save it, and answer:
  //   const source = await readBlob(container, blob);
  //   const thumbnail = await makeThumbnail(source.bytes, width.width);
  //   const { created } = await writeBlob(THUMBNAIL_CONTAINER, target, thumbnail.bytes, thumbnail.contentType);
  //   → status 201 when created, 200 when replaced, with the JSON body
  //     { container: THUMBNAIL_CONTAINER, blob: target, width, height, bytes: <thumbnail size in bytes>, contentType }
  //   Catch StorageError and ImageError: answer { status: error.status, jsonBody: { error: error.message } }.
  context.log(`${request.method} ${request.url} → ${THUMBNAIL_CONTAINER}/${target}`);
  return {
    status: 501,
    jsonBody: { error: 'Not implemented yet: the handler in src/functions/thumbnails.ts (lab 04, Step 6).' },
  };
}

app.http('thumbnails', {
  methods: ['GET', 'POST'],
  authLevel: 'anonymous',
  handler: thumbnails,
});
