// Finds the storage account of a binding's `connection`, as the Storage extension does: the
// value names an app setting holding a connection string (default AzureWebJobsStorage; a name
// that is not found is retried with the `AzureWebJobs` prefix). Clients are cached per
// connection string. Connection strings are secrets: messages name the setting, never its value.

import type { BlobServiceClient } from '@azure/storage-blob';
import { getSetting } from '../settings.ts';

export const DEFAULT_CONNECTION = 'AzureWebJobsStorage';

export class StorageConnectionError extends Error {
  override name = 'StorageConnectionError';
}

/** The connection string of `connection` (an app-setting name), or an error naming the setting. */
export function resolveConnectionString(connection: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const name = connection && connection.trim() !== '' ? connection.trim() : DEFAULT_CONNECTION;
  const value =
    getSetting(name, env) ??
    (name.toLowerCase().startsWith('azurewebjobs') ? undefined : getSetting(`AzureWebJobs${name}`, env));
  if (value !== undefined && value.trim() !== '') return value.trim();
  const identityBased = ['__serviceUri', '__blobServiceUri', '__accountName'].some(
    (suffix) => getSetting(`${name}${suffix}`, env) !== undefined,
  );
  if (identityBased) {
    throw new StorageConnectionError(
      `Storage connection '${name}' is identity-based (${name}__...); this local host supports connection strings only. ` +
        `Set ${name} to a connection string, e.g. UseDevelopmentStorage=true for Azurite.`,
    );
  }
  throw new StorageConnectionError(
    `Storage account connection string '${name}' does not exist. Make sure that it is a defined App Setting.`,
  );
}

const clients = new Map<string, BlobServiceClient>();

/** The client of a connection string; the storage SDK loads on first use, as most apps' hosts never bind a blob. */
export async function blobServiceClient(connectionString: string): Promise<BlobServiceClient> {
  let client = clients.get(connectionString);
  if (!client) {
    const { BlobServiceClient } = await import('@azure/storage-blob');
    try {
      client = BlobServiceClient.fromConnectionString(connectionString);
    } catch (err) {
      throw new StorageConnectionError(
        `The connection string is not valid: ${redact((err as Error).message, connectionString)}`,
      );
    }
    clients.set(connectionString, client);
  }
  return client;
}

/** Removes the connection string and its key/SAS parts from a message before it is shown. */
export function redact(message: string, connectionString: string): string {
  let out = message.replaceAll(connectionString, '<connection string>');
  for (const part of connectionString.split(';')) {
    const [key, ...rest] = part.split('=');
    const value = rest.join('=');
    if (value && /^(AccountKey|SharedAccessSignature|SharedAccessKey)$/i.test(key?.trim() ?? '')) {
      out = out.replaceAll(value, '<redacted>');
    }
  }
  return out;
}
