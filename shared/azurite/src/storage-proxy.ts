// A pass-through HTTP proxy in front of one of Azurite's endpoints, for tools and tests that must
// see what a host asks of storage: each request as it arrives (to count it), and each exchange
// whole, request and answer bodies included, once it is answered. Hand the host `endpoint`
// instead of Azurite's.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StorageExchange {
  method: string;
  /** The path and query, as sent (still percent-encoded). */
  url: string;
  requestBody: Buffer;
  status: number;
  answerBody: Buffer;
}

export interface StorageWatchers {
  /** A request as it arrives, before Azurite answers it. */
  onRequest?: (method: string, url: string) => void;
  /** A request and its answer, once answered. */
  onExchange?: (exchange: StorageExchange) => void;
}

export interface StorageProxy {
  /** Azurite's endpoint, through the proxy: `http://127.0.0.1:<port>/<account>`. */
  endpoint: string;
  close(): Promise<void>;
}

export async function startStorageProxy(
  upstreamEndpoint: string,
  { onRequest, onExchange }: StorageWatchers,
): Promise<StorageProxy> {
  const target = new URL(upstreamEndpoint);
  const server = http.createServer((req, res) => {
    onRequest?.(req.method ?? 'GET', req.url ?? '');
    const sent: Buffer[] = [];
    if (onExchange) req.on('data', (chunk: Buffer) => sent.push(chunk));
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        // Nobody wants the bodies: stream the answer through as it comes.
        if (!onExchange) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const received: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => received.push(chunk));
        answer.on('end', () => {
          const answerBody = Buffer.concat(received);
          const status = answer.statusCode ?? 502;
          onExchange({
            method: req.method ?? 'GET',
            url: req.url ?? '',
            requestBody: Buffer.concat(sent),
            status,
            answerBody,
          });
          res.writeHead(status, answer.headers);
          res.end(answerBody);
        });
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}${target.pathname}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
