import {
  app,
  type HttpRequest,
  type HttpResponse,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import * as df from 'durable-functions';
import { nonBlank, queryParam } from '../lib/query.ts';
import { parseScaleBy, SCALE_ORCHESTRATOR, type ScaleJob } from '../lib/scale-settings.ts';

/**
 * POST /api/scale-jobs?by=2 — starts the orchestration `scaleOrchestrator`, which multiplies
 * the factor in `settings/scale.json` by `by` (default 2), and answers 202 with the management
 * URLs, like POST /api/thumbnail-jobs. `by` not 2–10 → 400 JSON.
 */
export async function scaleJobs(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit | HttpResponse> {
  const by = parseScaleBy(nonBlank(queryParam(request.query, 'by')));
  if (!by.ok) return { status: 400, jsonBody: { error: by.reason } };
  const job: ScaleJob = { by: by.by };
  const client = df.getClient(context);
  const instanceId = await client.startNew(SCALE_ORCHESTRATOR, { input: job });
  context.log(`Started ${SCALE_ORCHESTRATOR} ${instanceId}: multiply the scale factor by ${by.by}`);
  return client.createCheckStatusResponse(request, instanceId);
}

app.http('scaleJobs', {
  methods: ['POST'],
  authLevel: 'anonymous',
  route: 'scale-jobs',
  extraInputs: [df.input.durableClient()],
  handler: scaleJobs,
});
