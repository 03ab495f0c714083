import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountsSetting,
  claimSharedAccount,
  claimSharedAccountNow,
  SHARED_ACCOUNTS,
  sharedAccountNames,
  startSharedAzurite,
  type SharedAccount,
  type SharedAzurite,
} from '../src/index.ts';

async function write(account: SharedAccount): Promise<void> {
  const blobs = BlobServiceClient.fromConnectionString(account.connectionString).getContainerClient('samples');
  await blobs.createIfNotExists();
  await blobs.uploadBlockBlob(`${account.account}.txt`, 'x', 1);
  const queue = QueueServiceClient.fromConnectionString(account.connectionString).getQueueClient('work');
  await queue.createIfNotExists();
  await queue.sendMessage(account.account);
  const table = TableClient.fromConnectionString(account.connectionString, 'History', {
    allowInsecureConnection: true,
  });
  await table.createTable();
  await table.createEntity({ partitionKey: 'p', rowKey: account.account });
}

async function read(account: SharedAccount): Promise<unknown> {
  const blobs: string[] = [];
  const container = BlobServiceClient.fromConnectionString(account.connectionString).getContainerClient('samples');
  for await (const blob of container.listBlobsFlat()) blobs.push(blob.name);
  const queue = QueueServiceClient.fromConnectionString(account.connectionString).getQueueClient('work');
  const messages = (await queue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems.map((m) => m.messageText);
  const rows: string[] = [];
  const table = TableClient.fromConnectionString(account.connectionString, 'History', {
    allowInsecureConnection: true,
  });
  for await (const row of table.listEntities()) rows.push(row.rowKey!);
  return { blobs, messages, rows };
}

describe('a shared Azurite', () => {
  it('declares its accounts in one variable that Windows accepts (32,767 characters at most)', () => {
    expect(accountsSetting(sharedAccountNames(SHARED_ACCOUNTS)).length).toBeLessThan(32_767);
  });

  let shared: SharedAzurite;
  beforeAll(async () => {
    shared = startSharedAzurite({ accounts: 3 });
  });
  afterAll(async () => {
    await shared?.stop();
  });

  it('gives each claim an account nobody had, and none once all are taken', async () => {
    // Claimed at once, before Azurite is up: each claim waits for it.
    const names = (await Promise.all([1, 2, 3].map(() => claimSharedAccount(shared.env)))).map((a) => a?.account);
    expect(new Set(names).size).toBe(3);
    expect(names.every((name) => name !== undefined)).toBe(true);
    expect(await claimSharedAccount(shared.env)).toBeUndefined();
    expect(await claimSharedAccount({})).toBeUndefined();
  });

  it('answers undefined, for a start of its own, when the shared Azurite could not start', async () => {
    const taken = startSharedAzurite({ accounts: 1 });
    const port = Number(new URL((await taken.ready).blobEndpoint).port);
    // Two Azurites cannot listen on one port: the second fails, and its claims say so.
    const failing = startSharedAzurite({ accounts: 1, blobPort: port });
    await expect(failing.ready).rejects.toThrow(/already in use/);
    expect(await claimSharedAccount(failing.env)).toBeUndefined();
    await Promise.all([taken.stop(), failing.stop()]);
  });

  it('gives an account at once, before Azurite is up, for a host to start beside it; `up` says when storage answers', async () => {
    const early = startSharedAzurite({ accounts: 2 });
    try {
      let up = false;
      void early.ready.then(() => (up = true));
      const account = await claimSharedAccountNow(early.env);
      expect(account?.account, 'an account').toBe('run0');
      expect(up, 'Azurite up when the account was given').toBe(false);
      await account!.up;
      await write(account!);
      expect(await read(account!)).toEqual({ blobs: ['run0.txt'], messages: ['run0'], rows: ['run0'] });
    } finally {
      await early.stop();
    }
  });

  it('says why in `up` when the shared Azurite could not start, and gives no account after that', async () => {
    const taken = startSharedAzurite({ accounts: 1 });
    const port = Number(new URL((await taken.ready).blobEndpoint).port);
    const failing = startSharedAzurite({ accounts: 2, blobPort: port });
    try {
      const account = await claimSharedAccountNow(failing.env);
      await expect(account?.up).rejects.toThrow(/already in use/);
      expect(await claimSharedAccountNow(failing.env)).toBeUndefined();
    } finally {
      await Promise.all([taken.stop(), failing.stop()]);
    }
  });

  it("keeps each account's blobs, queues and tables apart, as two storage accounts are", async () => {
    const other = startSharedAzurite({ accounts: 2 });
    try {
      const [a, b] = [(await claimSharedAccount(other.env))!, (await claimSharedAccount(other.env))!];
      await write(a);
      await write(b);
      expect(await read(a)).toEqual({ blobs: [`${a.account}.txt`], messages: [a.account], rows: [a.account] });
      expect(await read(b)).toEqual({ blobs: [`${b.account}.txt`], messages: [b.account], rows: [b.account] });
    } finally {
      await other.stop();
    }
  });
});
