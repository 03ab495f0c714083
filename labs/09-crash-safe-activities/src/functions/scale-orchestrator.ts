import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { APPLY_SCALE, SCALE_ORCHESTRATOR, type ScaleJob, type ScaleSummary } from '../lib/scale-settings.ts';
import type { ApplyScaleRequest } from './scale-activities.ts';

/**
 * The orchestrator `scaleOrchestrator`: multiply the scale factor in settings/scale.json by
 * `by`, exactly once, even when the host dies in the middle.
 *
 * TODO (lab 09): read first, in the activity readScale (READ_SCALE): what it returns, the factor
 * and the blob's ETag, is kept in the history, the same on every replay. Then hand both to
 * applyScale, so that it computes the new factor from them instead of from the blob.
 */
export const scaleOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  const job = context.df.getInput<ScaleJob>();
  const request: ApplyScaleRequest = { by: job.by };
  const summary: ScaleSummary = yield context.df.callActivity(APPLY_SCALE, request);
  return summary;
};

df.app.orchestration(SCALE_ORCHESTRATOR, scaleOrchestrator);
