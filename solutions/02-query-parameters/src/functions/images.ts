import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { nonBlank, queryParam } from '../lib/query.ts';
import { checkBlobName, checkContainerName } from '../lib/storage-names.ts';

/**
 * GET /api/images?container=…&blob=… — names one blob.
 *
 *   ?container=samples&blob=photo.jpg   → 200 JSON
 *     {"container":"samples","blob":"photo.jpg","path":"samples/photo.jpg"}
 *   a name missing or blank              → 400 JSON {"error":"Please pass a container and blob names on the
 *     query string."}
 *   a name Azure Storage would reject    → 400 JSON {"error":"The container name must be 3 to 63 characters
 *     long."} (the rule it breaks)
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

  context.log(`Image requested: ${container}/${blob}`);
  return { status: 200, jsonBody: { container, blob, path: `${container}/${blob}` } };
}

app.http('images', {
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: images,
});
