import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { findBlob } from '../lib/blob-storage.ts';
import { FIND_UPLOAD, type FoundUpload, type UploadRef } from '../lib/upload-watch.ts';

/**
 * Activity `findUpload`: the blob's properties, or null while it is not there (nor its
 * container). Reading storage is I/O, so it happens here and not in the orchestrator, which
 * only decides what to do with the answer. Reading twice is harmless: it changes nothing.
 */
export async function findUpload(ref: UploadRef, context: InvocationContext): Promise<FoundUpload> {
  const found = await findBlob(ref.container, ref.blob);
  context.log(
    found
      ? `${ref.container}/${ref.blob} is there (${found.bytes} bytes)`
      : `${ref.container}/${ref.blob} is not there yet`,
  );
  return found;
}

df.app.activity(FIND_UPLOAD, { handler: findUpload });
