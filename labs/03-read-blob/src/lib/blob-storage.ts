/**
 * Reading blobs with the Azure Storage SDK (@azure/storage-blob).
 *
 * - One BlobServiceClient per process, created on first use: it keeps its HTTP connections open
 *   between invocations. Never create one per request.
 * - Failures become a StorageError that carries the HTTP status to answer with and a message
 *   a caller can act on. Anything else is a bug and is left to throw (the host answers 500).
 */
import { Buffer } from 'node:buffer';
import { BlobServiceClient, RestError, type StoragePipelineOptions } from '@azure/storage-blob';

/** The app setting with the storage connection string. */
export const STORAGE_SETTING = 'AzureWebJobsStorage';

/** Blobs larger than this are refused, so one request cannot fill the app's memory. */
export const MAX_BLOB_BYTES = 64 * 1024 * 1024;

/**
 * An HTTP caller is waiting: fail fast. Two tries, a short pause between them, and a time limit
 * per try (the SDK's defaults are 4 tries with backoff and no per-try limit).
 */
const CLIENT_OPTIONS: StoragePipelineOptions = {
  retryOptions: { maxTries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1_000, tryTimeoutInMs: 15_000 },
};

/** A storage failure, with the HTTP status and message the API should answer with. */
export class StorageError extends Error {
  override name = 'StorageError';
  readonly status: number;

  constructor(status: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

export interface BlobContent {
  readonly bytes: Buffer;
  /** From the blob's properties; `application/octet-stream` when the blob has none. */
  readonly contentType: string;
}

let client: BlobServiceClient | undefined;

/** The process's one BlobServiceClient, built from the `AzureWebJobsStorage` app setting. */
export function blobService(): BlobServiceClient {
  // TODO Step 3: create the client once per process, and keep it in `client`:
  //   - if `client` is already set, return it;
  //   - read the connection string from process.env[STORAGE_SETTING] (app settings are environment variables);
  //     missing or blank → throw new StorageError(500, `The app setting ${STORAGE_SETTING} is missing. …`);
  //   - client = BlobServiceClient.fromConnectionString(connectionString, CLIENT_OPTIONS).
  throw new StorageError(501, 'Not implemented yet: blobService() in src/lib/blob-storage.ts (lab 03, Step 3).');
}

/** Downloads a whole blob, with the content type stored in its properties. */
export async function readBlob(container: string, blob: string): Promise<BlobContent> {
  try {
    // TODO Step 4: download the blob:
    //   - blobService().getContainerClient(container).getBlobClient(blob).download()
    //   - collect the response's readableStreamBody with readAll(stream, response.contentLength)
    //   - return { bytes, contentType: response.contentType || 'application/octet-stream' }
    throw new StorageError(501, 'Not implemented yet: readBlob() in src/lib/blob-storage.ts (lab 03, Step 4).');
  } catch (error) {
    throw toStorageError(error, container, blob);
  }
}

/** Collects a download stream into one Buffer, refusing more than MAX_BLOB_BYTES. */
async function readAll(stream: NodeJS.ReadableStream | undefined, declaredLength: number | undefined): Promise<Buffer> {
  if ((declaredLength ?? 0) > MAX_BLOB_BYTES) throw tooLarge(declaredLength ?? 0);
  if (stream === undefined) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += buffer.length;
    if (total > MAX_BLOB_BYTES) throw tooLarge(total); // leaving the loop destroys the stream
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(bytes: number): StorageError {
  return new StorageError(413, `The blob is too large (${bytes} bytes or more). The limit is ${MAX_BLOB_BYTES} bytes.`);
}

/** Turns what the SDK threw into a StorageError when we know what it means. */
export function toStorageError(error: unknown, container: string, blob?: string): unknown {
  if (error instanceof StorageError) return error;
  if (error instanceof Error && error.name === 'AbortError') {
    return new StorageError(503, 'Storage did not answer in time. Try again in a moment.', { cause: error });
  }
  if (!(error instanceof RestError)) return error;

  // TODO Step 5: no HTTP answer at all (error.statusCode is undefined: connection refused,
  //              unknown host) → new StorageError(503, 'Storage is not reachable. Is Azurite running? …', {
  //                cause: error })
  // TODO Step 5: a 404 → StorageError(404, …) saying which one is missing: error.code is
  //              'ContainerNotFound' when the container does not exist, 'BlobNotFound' when the blob does not.
  if (error.statusCode === 403) {
    return new StorageError(500, `Storage refused the app's credentials. Check the ${STORAGE_SETTING} setting.`, {
      cause: error,
    });
  }
  if ((error.statusCode ?? 0) >= 500) {
    return new StorageError(
      503,
      `Storage is not available right now (HTTP ${error.statusCode}). Try again in a moment.`,
      {
        cause: error,
      },
    );
  }
  return error;
}
