import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { blobResponse } from '../lib/blob-response.ts';
import { readBlob, StorageError } from '../lib/blob-storage.ts';
import { nonBlank, queryParam } from '../lib/query.ts';
import { checkBlobName, checkContainerName } from '../lib/storage-names.ts';

/**
 * GET /api/images?container=…&blob=… — answers with the blob itself, read with the Storage SDK.
 *
 *   ?container=samples&blob=photo.jpg   → 200, the blob's bytes, Content-Type from the blob's properties
 *   a name missing or blank              → 400 JSON {"error":"Please pass a container and blob names on the
 *     query string."}
 *   a name Azure Storage would reject    → 400 JSON {"error":"<the rule it breaks>"}
 *   no such container / no such blob     → 404 JSON {"error":"The container \"…\" does not exist."} /
 *     {"error":"The blob \"…\" does not exist in …"}
 *   storage unreachable                  → 503 JSON {"error":"Storage is not reachable. Is Azurite running? …"}
 *
 * Parameter names match case-insensitively: ?Container=samples&BLOB=photo.jpg works too.
 */
export async function images(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const container = nonBlank(queryParam(request.query, 'container'));
  const blob = nonBlank(queryParam(request.query, 'blob'));
  if (container === undefined || blob === undefined) {
    return { status: 400, jsonBody: { error: 'Please pass a container and blob names on the query string.' } };
  }

  for (const check of [checkContainerName(container), checkBlobName(blob)]) {
    if (!check.valid) return { status: 400, jsonBody: { error: check.reason } };
  }

  try {
    const { bytes, contentType } = await readBlob(container, blob);
    context.log(`Read ${container}/${blob}: ${bytes.length} bytes, ${contentType}`);
    return blobResponse(bytes, contentType);
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
    context.warn(`Could not read ${container}/${blob}: ${error.message}`);
    return { status: error.status, jsonBody: { error: error.message } };
  }
}

app.http('images', {
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: images,
});
