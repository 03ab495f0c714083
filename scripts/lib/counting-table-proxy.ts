// A pass-through proxy in front of Azurite's table endpoint that counts the reads of each
// instance's row in the task hub's Instances table. The start route's wait
// (`?timeout=&pollingInterval=`) reads that row on every poll, so the count shows how often the
// host polls, and whether it stops when the client goes: far steadier than the host's CPU time,
// where 10 polls a second hide in the noise.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingTableProxy {
  /** The table endpoint to hand the hosts, e.g. `http://127.0.0.1:40123/devstoreaccount1`. */
  endpoint: string;
  /** GETs of the instance's row so far (`{Hub}Instances(PartitionKey='<id>',RowKey='')`). */
  reads(instanceId: string): number;
  close(): Promise<void>;
}

export async function startCountingTableProxy(tableEndpoint: string): Promise<CountingTableProxy> {
  const target = new URL(tableEndpoint);
  const reads = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const row = req.method === 'GET' ? instanceRowOf(req.url ?? '') : undefined;
    if (row !== undefined) reads.set(row, (reads.get(row) ?? 0) + 1);
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}${target.pathname}`,
    reads: (instanceId) => reads.get(instanceId) ?? 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The instance id of a point read of an Instances row (keys are escaped ids: ours are plain). */
function instanceRowOf(url: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(url.split('?')[0]!);
  } catch {
    return undefined;
  }
  return /Instances\(PartitionKey='((?:[^']|'')*)',RowKey=''\)$/.exec(path)?.[1]?.replaceAll("''", "'");
}
