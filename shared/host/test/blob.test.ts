// Blob input and output bindings against a real (in-memory) Azurite.

import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type RunningAzurite } from '@workshop/azurite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHost, type SpawnedHost } from '../src/index.ts';
import { eventually, fixture } from './helpers.ts';

let azurite: RunningAzurite;
let host: SpawnedHost;
let blobs: BlobServiceClient;
const lines: string[] = [];

beforeAll(async () => {
  azurite = await startAzurite();
  blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
  const samples = blobs.getContainerClient('samples');
  await samples.create();
  await samples.getBlockBlobClient('bytes.bin').uploadData(Buffer.from([0, 1, 2, 250, 255]));
  await samples.getBlockBlobClient('note.txt').uploadData(Buffer.from('plain text note'));
  await samples.getBlockBlobClient('data.json').uploadData(Buffer.from('{"answer":42}'));
  host = await spawnHost({
    appDir: fixture('blob-app'),
    port: 0,
    env: { AzureWebJobsStorage: azurite.connectionString },
    onOutput: (line) => lines.push(line),
  });
});

afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
});

const call = (path: string, init?: RequestInit) => fetch(new URL(path, host.url), init);

async function blobNames(container: string): Promise<string[]> {
  const names: string[] = [];
  for await (const item of blobs.getContainerClient(container).listBlobsFlat()) names.push(item.name);
  return names;
}

describe('blob input', () => {
  it('passes the blob as bytes, with the path taken from {Query.name}', async () => {
    const res = await call('/api/blobs/bytes?name=bytes.bin');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ isBuffer: true, base64: Buffer.from([0, 1, 2, 250, 255]).toString('base64') });
  });

  it('passes no value for a missing blob', async () => {
    const res = await call('/api/blobs/bytes?name=nope.bin');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ missing: true, value: 'undefined' });
  });

  it('passes a string with dataType string, resolving {name} from the query', async () => {
    expect(await (await call('/api/blobs/text?name=note.txt')).json()).toEqual({
      type: 'string',
      content: 'plain text note',
    });
  });

  it('resolves {name} from a JSON body property, case-insensitively', async () => {
    const res = await call('/api/blobs/text', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"NAME":"note.txt"}',
    });
    expect(await res.json()).toEqual({ type: 'string', content: 'plain text note' });
  });

  it('lets the library parse JSON text of a string blob, as it does in Azure', async () => {
    expect(await (await call('/api/blobs/text?name=data.json')).json()).toEqual({
      type: 'object',
      content: { answer: 42 },
    });
  });

  it('fails the invocation with 500 and a clear log when an expression cannot be resolved', async () => {
    const res = await call('/api/blobs/bad-expression');
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('');
    await eventually(
      () =>
        lines.some((l) =>
          /Exception binding parameter 'blobInput[0-9a-f]+'\. Error while accessing 'nope': property doesn't exist\./.test(
            l,
          ),
        ),
      5000,
      'the binding error in the log',
    );
  });

  it('fails with 500 and names the missing connection setting, never a connection string', async () => {
    const res = await call('/api/blobs/missing-connection');
    expect(res.status).toBe(500);
    await eventually(
      () =>
        lines.some((l) =>
          l.includes(
            "Storage account connection string 'NoSuchStorageSetting' does not exist. Make sure that it is a defined App Setting.",
          ),
        ),
      5000,
      'the connection error',
    );
    expect(host.logs()).not.toContain('AccountKey=');
    expect(host.logs()).not.toContain(azurite.connectionString);
  });
});

describe('blob output', () => {
  it('writes the output to {container}/{rand-guid}.txt, creating the container', async () => {
    const res = await call('/api/blobs/write/uploads', { method: 'POST', body: 'uploaded text' });
    expect(res.status).toBe(201);
    const names = await blobNames('uploads');
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.txt$/);
    const content = await blobs.getContainerClient('uploads').getBlobClient(names[0]!).downloadToBuffer();
    expect(content.toString()).toBe('uploaded text');
  });

  it('writes a new blob per invocation', async () => {
    await call('/api/blobs/write/many', { method: 'POST', body: 'one' });
    await call('/api/blobs/write/many', { method: 'POST', body: 'two' });
    expect(await blobNames('many')).toHaveLength(2);
  });

  it('writes objects as JSON to a path with {Query.id} and {DateTime:yyyy}', async () => {
    const res = await call('/api/blobs/json?id=r1', { method: 'POST' });
    expect(res.status).toBe(202);
    const year = new Date().getUTCFullYear();
    const content = await blobs.getContainerClient('reports').getBlobClient(`r1/${year}.json`).downloadToBuffer();
    expect(JSON.parse(content.toString())).toEqual({ ok: true, n: 42 });
  });
});
