// Blob input and output bindings (`type: 'blob'`), against the storage account named by the
// binding's `connection`. Input: the blob's content is sent to the worker as bytes (or as a
// string when `dataType: 'string'`), a missing blob as no value (the function sees
// undefined/null). Output: after the invocation, the value is uploaded to the resolved path;
// like the Storage extension, the container is created when it does not exist.

import type { RpcTypedData } from '../core-types.ts';
import { getSetting } from '../settings.ts';
import { resolveBindingExpression } from './binding-expressions.ts';
import type { BindingContext, BindingProvider, OutputWriter } from './binding-provider.ts';
import { blobServiceClient, redact, resolveConnectionString } from './storage-connection.ts';

export interface BlobPath {
  container: string;
  blobName: string;
}

/**
 * `container/name/with/slashes` → parts, validated like the Storage extension's BlobPath does
 * before it touches storage (same messages): an invalid name fails the binding, and so the
 * invocation, before the function runs.
 */
export function parseBlobPath(resolved: string): BlobPath {
  const slash = resolved.indexOf('/');
  if (slash <= 0 || slash === resolved.length - 1) {
    throw new Error(
      `Invalid blob path specified : '${resolved}'. Blob identifiers must be in the format 'container/blob'.`,
    );
  }
  const path = { container: resolved.slice(0, slash), blobName: resolved.slice(slash + 1) };
  if (!isValidContainerName(path.container)) throw new Error(`Invalid container name: ${path.container}`);
  const problem = blobNameProblem(path.blobName);
  if (problem) throw new Error(problem);
  return path;
}

/** 3–63 lower-case letters, digits and dashes, starting and ending with a letter or digit ($root too). */
export function isValidContainerName(name: string): boolean {
  return name === '$root' || /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name);
}

/** The extension's blob name rules: 1–1024 characters, no trailing dot or slash, no backslash. */
export function blobNameProblem(name: string): string | undefined {
  const range = 'A blob name must be at least one character long and cannot be more than 1,024 characters long.';
  if (name.length === 0) return `The given blob name '${name}' is too short. ${range}`;
  if (name.length > 1024) return `The given blob name '${name}' is too long. ${range}`;
  if (name.endsWith('.') || name.endsWith('/')) {
    return `The given blob name '${name}' has an invalid suffix. Avoid blob names that end with a dot ('.'), a forward slash ('/'), or a sequence or combination of the two.`;
  }
  if (name.includes('\\')) {
    return `The given blob name '${name}' contain illegal characters. A blob name cannot the following character(s): '\\'.`;
  }
  return undefined;
}

function resolvePath(context: BindingContext): BlobPath {
  const template = context.binding.path;
  if (typeof template !== 'string' || template.trim() === '') {
    throw new Error(`The blob binding '${context.bindingName}' has no "path".`);
  }
  return parseBlobPath(resolveBindingExpression(template, context.bindingData, (name) => getSetting(name)));
}

function connectionOf(context: BindingContext): string {
  const connection = context.binding.connection;
  return resolveConnectionString(typeof connection === 'string' ? connection : undefined);
}

/** The storage SDK's RestError for a missing blob (told by its status, so the SDK need not be loaded to ask). */
function isNotFound(err: unknown): boolean {
  return err instanceof Error && err.name === 'RestError' && (err as { statusCode?: number }).statusCode === 404;
}

/** Keeps storage errors readable without leaking the connection string. */
function storageError(err: unknown, connectionString: string, what: string): Error {
  const message = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
  return new Error(`${what}: ${redact(message, connectionString)}`, { cause: err });
}

/** The bytes the worker sent for an output binding, as the host would write them. */
export function outputBytes(value: RpcTypedData): Buffer | undefined {
  if (value.bytes != null) return Buffer.from(value.bytes);
  if (value.stream != null) return Buffer.from(value.stream);
  if (value.string != null) return Buffer.from(value.string, 'utf8');
  if (value.json != null) return Buffer.from(value.json, 'utf8');
  if (value.int != null) return Buffer.from(String(value.int), 'utf8');
  if (value.double != null) return Buffer.from(String(value.double), 'utf8');
  return undefined;
}

export const blobBindingProvider: BindingProvider = {
  type: 'blob',

  async bindInput(context) {
    const path = resolvePath(context);
    const connectionString = connectionOf(context);
    const blob = (await blobServiceClient(connectionString))
      .getContainerClient(path.container)
      .getBlobClient(path.blobName);
    let content: Buffer;
    try {
      content = await blob.downloadToBuffer();
    } catch (err) {
      if (isNotFound(err)) return null;
      throw storageError(err, connectionString, `Could not read blob '${path.container}/${path.blobName}'`);
    }
    return context.binding.dataType === 'string' ? { string: content.toString('utf8') } : { bytes: content };
  },

  async prepareOutput(context): Promise<OutputWriter> {
    const path = resolvePath(context);
    const connectionString = connectionOf(context);
    return async (value) => {
      const bytes = outputBytes(value);
      if (bytes === undefined) return;
      const container = (await blobServiceClient(connectionString)).getContainerClient(path.container);
      try {
        await container.createIfNotExists();
        await container.getBlockBlobClient(path.blobName).uploadData(bytes);
      } catch (err) {
        throw storageError(err, connectionString, `Could not write blob '${path.container}/${path.blobName}'`);
      }
    };
  },
};
