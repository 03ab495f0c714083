// Deleting a handled message whose lease was lost: Azure Queue storage answers 400
// PopReceiptMismatch (seen after Azurite restarted under a live host, in `npm run faults`
// experiments). The checkpoint is saved; the message comes back and is discarded as a
// duplicate. That is not a failed episode, and must not be reported as one.

import type { QueueClient } from '@azure/storage-queue';
import { describe, expect, it } from 'vitest';
import { UNREACHABLE_STORAGE } from '@workshop/azurite';
import { TaskHubStorage, type ReceivedMessage } from '../../src/durable/task-hub-storage.ts';

function messageWhoseDeleteFails(error: { statusCode: number; code: string }): ReceivedMessage {
  const queue = {
    deleteMessage: async () => {
      throw Object.assign(new Error(error.code), error);
    },
  } as unknown as QueueClient;
  return { queue, messageId: 'm1', popReceipt: 'old', dequeueCount: 1, data: {} as ReceivedMessage['data'], text: '' };
}

describe('TaskHubStorage.delete', () => {
  const storage = new TaskHubStorage(UNREACHABLE_STORAGE, 'DeleteTests');

  it('answers false for a message whose lease was lost (400 PopReceiptMismatch), and leaves it undeleted', async () => {
    const message = messageWhoseDeleteFails({ statusCode: 400, code: 'PopReceiptMismatch' });
    expect(await storage.delete(message)).toBe(false);
    expect(message.deleted).toBeFalsy();
  });

  it('answers true for a message already gone (404)', async () => {
    const message = messageWhoseDeleteFails({ statusCode: 404, code: 'MessageNotFound' });
    expect(await storage.delete(message)).toBe(true);
  });

  it('still throws what it cannot explain', async () => {
    await expect(storage.delete(messageWhoseDeleteFails({ statusCode: 500, code: 'InternalError' }))).rejects.toThrow(
      'InternalError',
    );
  });
});
