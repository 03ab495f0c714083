import {
  app,
  type HttpRequest,
  type HttpResponse,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import * as df from 'durable-functions';
import { nonBlank, queryParam } from '../lib/query.ts';
import { checkContainerName } from '../lib/storage-names.ts';
import { THUMBNAIL_CONTAINER } from '../lib/thumbnail.ts';
import { checkUsageState, parseQuota, usageEntityId, usageReport, USAGE_ENTITY } from '../lib/usage.ts';

/** What GET /api/usage says about how fresh its numbers are. */
export const STALE_READ_NOTE =
  "The entity's last saved state: operations still in its queue (a job that has just reported) are not counted yet.";

/**
 * GET /api/usage?container=… — what the thumbnail jobs did in a container, and what is left
 * of its quota: the state of the entity `containerUsage` for that container.
 *
 *   ?container=samples → 200 JSON {"container":"samples","entityExists":true,
 *                                  "usage":{"jobs":1,"thumbnails":5,"failed":2,"bytes":12345,"reserved":0,
 *                                           "lastJobAt":"…","quota":1000,"remaining":993},"note":"…"}
 *                        (a container no job has used: entityExists false, every count 0)
 *   container missing, blank, invalid, or "thumbnails"             → 400 JSON {"error":"…"}
 *   the task hub unreachable                                        → 503 JSON {"error":"…"}
 *
 * A client reads the entity's **saved** state; it does not run an operation. An operation
 * signalled a moment ago may still wait in the entity's queue, so the answer can be a little
 * behind: `note` says so. An orchestration that must decide on the count calls the entity
 * (`reserve`), which answers after every earlier operation has run.
 */
export async function usage(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit | HttpResponse> {
  const container = nonBlank(queryParam(request.query, 'container'));
  if (container === undefined) {
    return { status: 400, jsonBody: { error: 'Please pass a container name on the query string.' } };
  }
  const name = checkContainerName(container);
  if (!name.valid) return { status: 400, jsonBody: { error: name.reason } };
  if (container === THUMBNAIL_CONTAINER) {
    return {
      status: 400,
      jsonBody: {
        error:
          `The container "${THUMBNAIL_CONTAINER}" holds the thumbnails themselves. Pass the ` +
          `container of the originals.`,
      },
    };
  }
  const quota = parseQuota(process.env['THUMBNAIL_QUOTA']);
  if (!quota.valid) return { status: 500, jsonBody: { error: quota.reason } };

  const client = df.getClient(context);
  let state: { entityExists: boolean; entityState?: unknown };
  try {
    state = await client.readEntityState<unknown>(usageEntityId(container));
  } catch (error) {
    context.warn(`Could not read the entity ${USAGE_ENTITY}@${container}: ${String(error)}`);
    return { status: 503, jsonBody: { error: 'The task hub is unreachable; try again in a moment.' } };
  }
  return {
    status: 200,
    jsonBody: {
      container,
      entityExists: state.entityExists,
      usage: usageReport(checkUsageState(state.entityState), quota.value),
      note: STALE_READ_NOTE,
    },
  };
}

app.http('usage', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'usage',
  extraInputs: [df.input.durableClient()],
  handler: usage,
});
