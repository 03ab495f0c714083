import { Buffer } from 'node:buffer';
import { app, input, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { blobResponse, contentTypeFor } from '../lib/blob-response.ts';
import { checkBlobName } from '../lib/storage-names.ts';

/**
 * A Blob input binding: before the function runs, the host reads `samples/{name}` — `{name}`
 * being the route parameter of the same name — and hands over the bytes. No SDK code here.
 */
const sampleBlob = input.storageBlob({
  path: 'samples/{name}',
  connection: 'AzureWebJobsStorage',
});

/**
 * GET /api/samples/{name} — a blob from the `samples` container, read by a Blob input binding.
 *
 *   /api/samples/photo.jpg     → 200, the bytes, Content-Type guessed from the extension
 *   /api/samples/missing.jpg   → 404 JSON {"error":"The blob \"missing.jpg\" does not exist in the container
 *     \"samples\"."}
 *   /api/samples/a\b, /api/samples/photo.   → 404 from the host: the route's constraint keeps out names the
 *     binding would refuse
 *
 * The binding reads the blob before this code runs, so storage failures (such as storage being
 * unreachable) fail the invocation in the host: the caller gets a 500 and the log says why.
 */
export async function samples(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const name = request.params['name'] ?? '';
  const check = checkBlobName(name);
  if (!check.valid) return { status: 400, jsonBody: { error: check.reason } };

  const content = context.extraInputs.get(sampleBlob);
  const bytes = toBuffer(content);
  if (bytes === undefined) {
    return { status: 404, jsonBody: { error: `The blob "${name}" does not exist in the container "samples".` } };
  }

  context.log(`Read samples/${name} through the binding: ${bytes.length} bytes`);
  return blobResponse(bytes, contentTypeFor(name));
}

/** The binding gives a Buffer (a string with `dataType: 'string'`); nothing when the blob is missing. */
function toBuffer(content: unknown): Buffer | undefined {
  if (Buffer.isBuffer(content)) return content;
  if (content instanceof Uint8Array) return Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  if (content instanceof ArrayBuffer) return Buffer.from(content);
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  return undefined;
}

app.http('samples', {
  methods: ['GET'],
  authLevel: 'anonymous',
  // Only names the binding can read: one with a backslash, a dot at the end or over 1,024
  // characters would fail the binding — and so the invocation, with a 500 — before this code
  // could answer 400. Such a name does not match the route: the host answers 404.
  route: 'samples/{name:maxlength(1024):regex(^[^\\\\]*[^.\\\\]$)}',
  extraInputs: [sampleBlob],
  handler: samples,
});
