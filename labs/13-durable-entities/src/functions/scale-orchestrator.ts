import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import {
  APPLY_SCALE,
  checkScaleJob,
  READ_SCALE,
  SCALE_ORCHESTRATOR,
  type ScaleSnapshot,
  type ScaleSummary,
} from '../lib/scale-settings.ts';
import type { ApplyScaleRequest } from './scale-activities.ts';

/**
 * The orchestrator `scaleOrchestrator`: multiply the scale factor in settings/scale.json by
 * `by`, exactly once, even when the host dies in the middle.
 *
 * The read and the write are two activities. What readScale found (the factor and the blob's
 * ETag) is in the history, so it is the same on every replay and for every run of applyScale:
 * applyScale computes the new factor from it and writes only if the blob is still the one
 * that was read.
 */
export const scaleOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  // Check the input first: the management API can start this orchestrator with any JSON,
  // past the checks of scale-jobs.ts. Thrown here, the error ends the instance Failed.
  const check = checkScaleJob(context.df.getInput());
  if (!check.valid) throw new Error(`The job's input is not valid: ${check.reason}`);
  const job = check.job;
  const current: ScaleSnapshot = yield context.df.callActivity(READ_SCALE);
  const request: ApplyScaleRequest = { by: job.by, from: current.factor, etag: current.etag };
  const summary: ScaleSummary = yield context.df.callActivity(APPLY_SCALE, request);
  return summary;
};

df.app.orchestration(SCALE_ORCHESTRATOR, scaleOrchestrator);
