import {
  app,
  type HttpRequest,
  type HttpResponse,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import * as df from 'durable-functions';
import { nonBlank, queryParam } from '../lib/query.ts';
import { parseWidth } from '../lib/thumbnail.ts';
import { CHECK_EVERY_MS, checkWatchInput, GIVE_UP_AFTER_MS, WATCH_ORCHESTRATOR } from '../lib/upload-watch.ts';

/**
 * POST /api/upload-watches?container=…&blob=…&width=… — watches for a blob that is not uploaded
 * yet, and makes its thumbnail as soon as it is there. It answers at once; the watch runs in
 * the orchestration `uploadWatchOrchestrator`, which looks every 5 minutes and gives up after
 * an hour.
 *
 *   ?container=uploads&blob=cat.jpg&width=200
 *       → 202 JSON {"id":"…","statusQueryGetUri":"…", …}: its customStatus says when it looks next
 *   container or blob missing, blank or invalid; container "thumbnails"; width not 16–1024
 *                                                                         → 400 JSON {"error":"…"}
 *
 * The container need not exist yet: it may be created with the upload.
 */
export async function uploadWatches(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit | HttpResponse> {
  const container = nonBlank(queryParam(request.query, 'container'));
  const blob = nonBlank(queryParam(request.query, 'blob'));
  if (container === undefined || blob === undefined) {
    return {
      status: 400,
      jsonBody: { error: 'Please pass a container and blob names on the query string: the blob to watch for.' },
    };
  }
  const width = parseWidth(queryParam(request.query, 'width'));
  if (!width.ok) return { status: 400, jsonBody: { error: width.reason } };
  // The very check the orchestrator makes on its input (the names, and not "thumbnails"; the
  // width): one set of rules, whoever starts a watch.
  const check = checkWatchInput({ container, blob, width: width.width });
  if (!check.valid) return { status: 400, jsonBody: { error: check.reason } };
  const watch = check.input;
  const client = df.getClient(context);
  const instanceId = await client.startNew(WATCH_ORCHESTRATOR, { input: watch });
  context.log(
    `Started ${WATCH_ORCHESTRATOR} ${instanceId}: watching for ${container}/${blob}, every ` +
      `${CHECK_EVERY_MS / 60_000} min for ${GIVE_UP_AFTER_MS / 60_000} min`,
  );
  return client.createCheckStatusResponse(request, instanceId);
}

app.http('uploadWatches', {
  methods: ['POST'],
  authLevel: 'anonymous',
  route: 'upload-watches',
  extraInputs: [df.input.durableClient()],
  handler: uploadWatches,
});
