// A host that stops while a poll is in flight (found with npm start: after Ctrl+C, 2 of 4 jobs
// waited 10 s, a whole lease, when npm start ran again). The stop aborted the poll after Azurite
// had handed out its message: leased, with nobody left to hand it back. Here a proxy in front
// of Azurite's queues holds back every receive that brings a message, for less than the time a
// stopping host gives its polls, and the host is stopped meanwhile.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionStringFor } from '@workshop/azurite';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import { EventType, newEvent } from '../../src/durable/history.ts';
import { controlMessage, TaskHubStorage } from '../../src/durable/task-hub-storage.ts';
import { startAzurite, startDurableHost, type TestAzurite } from './durable-helpers.ts';

const HUB = 'WorkshopTests';
const HELD_BACK_MS = 300;

let azurite: TestAzurite;
let proxy: http.Server;
let host: SpawnedHost | undefined;
/** Resolves when the proxy holds back a receive that brings a message. */
let holding: Promise<void>;
let onHolding: () => void;

beforeAll(async () => {
  azurite = await startAzurite();
  const target = new URL(azurite.queueEndpoint);
  holding = new Promise((resolve) => (onHolding = resolve));
  proxy = http.createServer((req, res) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          const send = () => {
            res.writeHead(answer.statusCode ?? 500, answer.headers);
            res.end(body);
          };
          if (req.method === 'GET' && body.includes('<QueueMessage>')) {
            onHolding();
            setTimeout(send, HELD_BACK_MS);
          } else send();
        });
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  host?.kill('SIGKILL');
  await new Promise((resolve) => proxy?.close(resolve));
  await azurite?.stop();
});

describe('a durable host stopped while a poll is in flight', () => {
  it('lets the poll finish and hands its message back, instead of leaving it leased for a whole lease', async () => {
    const queueEndpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${new URL(azurite.queueEndpoint).pathname}`;
    const connectionString = connectionStringFor({ ...azurite, queueEndpoint });
    host = await startDurableHost(azurite, {
      env: { AzureWebJobsStorage: connectionString, WORKSHOP_DURABLE_LEASE_MS: '30000' },
    });
    const storage = new TaskHubStorage(azurite.connectionString, HUB);
    const target = { InstanceId: 'stopped-mid-poll', ExecutionId: 'e1' };
    const queue = storage.controlQueueFor(target.InstanceId);
    await storage.send(queue, controlMessage(target, newEvent(EventType.EventRaised, new Date(), { Name: 'x' }), 1));
    await holding;
    await host.stop(5000);
    expect(host.child.exitCode, host.logs()).toBe(0);
    // Visible again at once: not after the 30 s lease the poll took it for.
    const seen = await queue.peekMessages({ numberOfMessages: 1 });
    expect(seen.peekedMessageItems, 'the message, visible in its queue after the host stopped').toHaveLength(1);
  });
});
