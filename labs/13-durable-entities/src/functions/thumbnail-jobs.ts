import {
  app,
  type HttpRequest,
  type HttpResponse,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import * as df from 'durable-functions';
import { containerExists, StorageError } from '../lib/blob-storage.ts';
import { nonBlank, queryParam } from '../lib/query.ts';
import { parseWidth } from '../lib/thumbnail.ts';
import { checkThumbnailJob, ORCHESTRATOR, parseBatchSize } from '../lib/thumbnail-job.ts';

/**
 * POST /api/thumbnail-jobs?container=…&width=…&batchSize=… — starts a job that makes a thumbnail
 * of every image in a container, and answers at once: the work happens in the background, in
 * the orchestration `thumbnailOrchestrator`.
 *
 *   ?container=samples&width=200 (&batchSize=10: how many thumbnails are made at once)
 *       → 202 JSON {"id":"…","statusQueryGetUri":"…","sendEventPostUri":"…","terminatePostUri":"…",
 *                   "purgeHistoryDeleteUri":"…", …}, with a Location header: poll it until the job is done
 *   container missing, blank, invalid, or "thumbnails"; width not 16–1024;
 *   batchSize not 1–100                                                  → 400 JSON {"error":"…"}
 *   no such container                                                    → 404 JSON
 *   storage unreachable                                                  → 503 JSON
 *
 * A client function: an ordinary HTTP function with one more input, the durable client, which
 * can start, query and stop orchestrations.
 */
export async function thumbnailJobs(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit | HttpResponse> {
  const container = nonBlank(queryParam(request.query, 'container'));
  if (container === undefined) {
    return { status: 400, jsonBody: { error: 'Please pass a container name on the query string.' } };
  }
  const width = parseWidth(queryParam(request.query, 'width'));
  if (!width.ok) return { status: 400, jsonBody: { error: width.reason } };
  const batchSize = parseBatchSize(queryParam(request.query, 'batchSize'));
  if (!batchSize.ok) return { status: 400, jsonBody: { error: batchSize.reason } };
  // The client may read the clock: it runs once per request, and the orchestrator gets the time as input.
  const requestedAt = new Date().toISOString();
  // The very check the orchestrator makes on its input (the container's name, and not
  // "thumbnails"; the width; the batch size): one set of rules, whoever starts a job.
  const check = checkThumbnailJob({ container, width: width.width, batchSize: batchSize.batchSize, requestedAt });
  if (!check.valid) return { status: 400, jsonBody: { error: check.reason } };
  const job = check.job;

  try {
    if (!(await containerExists(container))) {
      return { status: 404, jsonBody: { error: `The container "${container}" does not exist.` } };
    }
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
    return { status: error.status, jsonBody: { error: error.message } };
  }

  const client = df.getClient(context);
  const instanceId = await client.startNew(ORCHESTRATOR, { input: job });
  context.log(
    `Started ${ORCHESTRATOR} ${instanceId} for ${container} at width ${width.width}, ${batchSize.batchSize} at a time`,
  );
  return client.createCheckStatusResponse(request, instanceId);
}

app.http('thumbnailJobs', {
  methods: ['POST'],
  authLevel: 'anonymous',
  route: 'thumbnail-jobs',
  extraInputs: [df.input.durableClient()],
  handler: thumbnailJobs,
});
