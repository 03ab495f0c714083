import {
  app,
  type HttpRequest,
  type HttpResponse,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import * as df from 'durable-functions';
import { findBlob, StorageError } from '../lib/blob-storage.ts';
import { nonBlank, queryParam } from '../lib/query.ts';
import { APPROVAL_EVENT, checkReviewRequest, REVIEW_DEADLINE_MS, REVIEW_ORCHESTRATOR } from '../lib/review.ts';
import { parseWidth } from '../lib/thumbnail.ts';

/**
 * POST /api/reviews?container=…&blob=…&width=… — makes a thumbnail and waits for a reviewer to
 * approve it before it is published; after 24 hours without a decision, it gives up. It
 * answers at once; the review runs in the orchestration `reviewOrchestrator`.
 *
 *   ?container=samples&blob=photo.jpg&width=200
 *       → 202 JSON {"id":"…","statusQueryGetUri":"…","sendEventPostUri":"…", …}: the reviewer
 *         approves with POST sendEventPostUri ({eventName} → approval) and the JSON body
 *         {"approved":true,"reviewer":"ada"}
 *   container or blob missing, blank or invalid; container "thumbnails" or "published";
 *   width not 16–1024                                                     → 400 JSON {"error":"…"}
 *   no such blob                                                           → 404 JSON
 *   storage unreachable                                                    → 503 JSON
 */
export async function reviews(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit | HttpResponse> {
  const container = nonBlank(queryParam(request.query, 'container'));
  const blob = nonBlank(queryParam(request.query, 'blob'));
  if (container === undefined || blob === undefined) {
    return {
      status: 400,
      jsonBody: { error: 'Please pass a container and blob names on the query string: the image to review.' },
    };
  }
  const width = parseWidth(queryParam(request.query, 'width'));
  if (!width.ok) return { status: 400, jsonBody: { error: width.reason } };
  // The very check the orchestrator makes on its input: one set of rules, whoever starts a review.
  const check = checkReviewRequest({ container, blob, width: width.width });
  if (!check.valid) return { status: 400, jsonBody: { error: check.reason } };
  const review = check.request;

  try {
    if ((await findBlob(container, blob)) === null) {
      return {
        status: 404,
        jsonBody: { error: `The blob "${blob}" does not exist in the container "${container}".` },
      };
    }
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
    return { status: error.status, jsonBody: { error: error.message } };
  }

  const client = df.getClient(context);
  const instanceId = await client.startNew(REVIEW_ORCHESTRATOR, { input: review });
  context.log(
    `Started ${REVIEW_ORCHESTRATOR} ${instanceId} for ${container}/${blob}: it waits ` +
      `${REVIEW_DEADLINE_MS / 3_600_000} h for the event '${APPROVAL_EVENT}'`,
  );
  return client.createCheckStatusResponse(request, instanceId);
}

app.http('reviews', {
  methods: ['POST'],
  authLevel: 'anonymous',
  route: 'reviews',
  extraInputs: [df.input.durableClient()],
  handler: reviews,
});
