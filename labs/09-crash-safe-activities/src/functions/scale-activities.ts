import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import {
  APPLY_SCALE,
  READ_SCALE,
  readScaleSettings,
  SCALE_BLOB,
  SETTINGS_CONTAINER,
  writeScaleSettings,
  type ScaleSnapshot,
  type ScaleSummary,
} from '../lib/scale-settings.ts';

// Activities run at least once. The engine runs one, then sends its result to the
// orchestration, then deletes the work item: a host that dies in between (scale-in, a
// deployment, a timeout) leaves the work item in the queue, and the activity runs again on
// another worker. Whatever it does to the world must come out the same the second time.

/** Activity `readScale`: the factor in settings/scale.json and the blob's ETag; the history keeps both. */
export async function readScale(_input: unknown, context: InvocationContext): Promise<ScaleSnapshot> {
  const snapshot = await readScaleSettings();
  context.log(
    `${SETTINGS_CONTAINER}/${SCALE_BLOB}: factor ${snapshot.factor} (ETag ${snapshot.etag ?? 'none, no blob yet'})`,
  );
  return snapshot;
}

/** The input of applyScale. */
export interface ApplyScaleRequest {
  readonly by: number;
  // TODO (lab 09): add what makes a second run harmless: the factor readScale found (`from`)
  // and the blob's ETag then (`etag`, null when there was no blob).
}

/**
 * Activity `applyScale`: multiplies the factor in settings/scale.json by `by`, in place.
 *
 * TODO (lab 09): this is not crash-safe. Read → multiply → write: when the host dies after the
 * write and before the result reaches the orchestration, the activity runs again, reads the
 * factor it has just written, and multiplies it a second time (1 → 2 → 4). Make it idempotent:
 * compute the factor from the input (from × by), write with writeScaleSettings(…, { ifMatch: etag })
 * and, when that finds the blob changed ({ written: false }), check whether it already holds
 * from × by (an earlier run wrote it: return the same summary) or throw.
 */
export async function applyScale(request: ApplyScaleRequest, context: InvocationContext): Promise<ScaleSummary> {
  const { by } = request;
  const current = await readScaleSettings();
  const factor = current.factor * by;
  await writeScaleSettings({ factor });
  context.log(`${SETTINGS_CONTAINER}/${SCALE_BLOB}: factor ${current.factor} × ${by} = ${factor}`);
  return { by, previous: current.factor, factor };
}

df.app.activity(READ_SCALE, { handler: readScale });
df.app.activity(APPLY_SCALE, { handler: applyScale });
