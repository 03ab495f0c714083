// A host that is stopping still answers the requests that arrive on connections it already has
// (a dashboard page's next poll, a keep-alive client), as before: it answered them 500, with a
// TypeError in the log, once its listening socket had closed.

import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { FunctionExecutor } from '../src/executor.ts';
import { startHttpServer } from '../src/http/http-server.ts';
import { eventually } from './helpers.ts';

describe('the HTTP server while it closes', () => {
  it('answers a request on a connection opened before closing began, as it did before', async () => {
    const logged: string[] = [];
    const server = await startHttpServer({
      port: 0,
      routePrefix: 'api',
      maxRequestBodySize: 1024,
      routes: [],
      executor: undefined as unknown as FunctionExecutor,
      log: (_level, message) => logged.push(message),
      preRoute: async (_req, res) => {
        res.writeHead(200, { 'content-length': '2' }).end('ok');
        return true;
      },
    });
    // Connected, and the request written only once the server has begun to close.
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    await eventually(() => server.openConnections() === 1, 15_000, 'the server to accept the connection');
    const closed = server.close(5000);
    const answer = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
    });
    socket.write(`GET /dashboard/api/clock HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`);
    expect(await answer).toBe('HTTP/1.1 200 OK');
    await closed;
    expect(logged).toEqual([]);
  });
});
