import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { APPLY_SCALE, checkScaleJob, SCALE_ORCHESTRATOR, type ScaleSummary } from '../lib/scale-settings.ts';
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
  // Check the input first: the management API can start this orchestrator with any JSON,
  // past the checks of scale-jobs.ts. Thrown here, the error ends the instance Failed.
  const check = checkScaleJob(context.df.getInput());
  if (!check.valid) throw new Error(`The job's input is not valid: ${check.reason}`);
  const job = check.job;
  const request: ApplyScaleRequest = { by: job.by };
  const summary: ScaleSummary = yield context.df.callActivity(APPLY_SCALE, request);
  return summary;
};

df.app.orchestration(SCALE_ORCHESTRATOR, scaleOrchestrator);
