/**
 * Reading and writing blobs with the Azure Storage SDK (@azure/storage-blob).
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
  if (client !== undefined) return client;
  const connectionString = process.env[STORAGE_SETTING];
  if (connectionString === undefined || connectionString.trim() === '') {
    throw new StorageError(
      500,
      `The app setting ${STORAGE_SETTING} is missing. Set it in local.settings.json, or in the ` +
        `Function App's environment variables on Azure.`,
    );
  }
  try {
    client = BlobServiceClient.fromConnectionString(connectionString, CLIENT_OPTIONS);
  } catch (error) {
    throw new StorageError(500, `The app setting ${STORAGE_SETTING} is not a valid storage connection string.`, {
      cause: error,
    });
  }
  return client;
}

/** Downloads a whole blob, with the content type stored in its properties. */
export async function readBlob(container: string, blob: string): Promise<BlobContent> {
  try {
    const response = await blobService().getContainerClient(container).getBlobClient(blob).download();
    const bytes = await readAll(response.readableStreamBody, response.contentLength);
    return { bytes, contentType: response.contentType || 'application/octet-stream' };
  } catch (error) {
    throw toStorageError(error, container, blob);
  }
}

/**
 * Uploads `bytes` as `container/blob` with a content type, creating the container when it is
 * missing. An existing blob is overwritten, so running this twice leaves one blob, not two.
 * `created` tells whether the blob is new.
 */
export async function writeBlob(
  container: string,
  blob: string,
  bytes: Buffer,
  contentType: string,
): Promise<{ created: boolean }> {
  try {
    const containerClient = blobService().getContainerClient(container);
    await containerClient.createIfNotExists();
    const target = containerClient.getBlockBlobClient(blob);
    const headers = { blobHTTPHeaders: { blobContentType: contentType } };
    try {
      // "If none matches *": write only if the blob does not exist yet, so we learn whether it is new.
      await target.uploadData(bytes, { ...headers, conditions: { ifNoneMatch: '*' } });
      return { created: true };
    } catch (error) {
      const exists = error instanceof RestError && (error.statusCode === 409 || error.statusCode === 412);
      if (!exists) throw error;
    }
    await target.uploadData(bytes, headers);
    return { created: false };
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

  const code = error.code ?? '';
  if (error.statusCode === undefined) {
    // No HTTP answer at all: connection refused, unknown host, reset, timeout.
    return new StorageError(
      503,
      `Storage is not reachable. Is Azurite running? Check the ${STORAGE_SETTING} setting. (${code || error.message})`,
      { cause: error },
    );
  }
  if (error.statusCode === 404 && code === 'ContainerNotFound') {
    return new StorageError(404, `The container "${container}" does not exist.`, { cause: error });
  }
  if (error.statusCode === 404 && blob !== undefined) {
    return new StorageError(404, `The blob "${blob}" does not exist in the container "${container}".`, {
      cause: error,
    });
  }
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
