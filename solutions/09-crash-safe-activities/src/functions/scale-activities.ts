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

/** The input of applyScale: everything it needs, fixed by the orchestration before it runs. */
export interface ApplyScaleRequest {
  readonly by: number;
  /** The factor readScale found: the new one is computed from it, never from the blob as it is now. */
  readonly from: number;
  /** The ETag readScale found (null: there was no blob): the write happens only if the blob has not changed since. */
  readonly etag: string | null;
}

/**
 * Activity `applyScale`, idempotent: runs twice, writes once.
 *
 * - The new factor is computed from the input (`from × by`), an immutable fact of the
 *   history, not from the blob, which the first run may have changed already.
 * - The write is conditional: If-Match the ETag readScale saw (If-None-Match * when there was
 *   no blob). A second run finds another ETag, the first run's write: 412, nothing written.
 * - On 412 it looks: the blob already holds `from × by` → the first run wrote it, the result
 *   is the same; anything else → someone else changed the settings meanwhile: fail loudly.
 */
export async function applyScale(request: ApplyScaleRequest, context: InvocationContext): Promise<ScaleSummary> {
  const { by, from, etag } = request;
  const factor = from * by;
  const write = await writeScaleSettings({ factor }, { ifMatch: etag });
  if (write.written) {
    context.log(`${SETTINGS_CONTAINER}/${SCALE_BLOB}: factor ${from} × ${by} = ${factor}`);
    return { by, previous: from, factor };
  }
  const now = await readScaleSettings();
  if (now.factor === factor) {
    context.log(
      `${SETTINGS_CONTAINER}/${SCALE_BLOB}: factor ${factor} is there already (an earlier run of ` +
        `this activity wrote it); nothing to do`,
    );
    return { by, previous: from, factor };
  }
  throw new Error(
    `${SETTINGS_CONTAINER}/${SCALE_BLOB} changed since it was read: factor ${now.factor}, expected ` +
      `${from} (or ${factor} written by an earlier run). Start the job again.`,
  );
}

df.app.activity(READ_SCALE, { handler: readScale });
df.app.activity(APPLY_SCALE, { handler: applyScale });
