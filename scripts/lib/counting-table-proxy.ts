// A pass-through proxy in front of Azurite's table endpoint that counts the reads of each
// instance's row in the task hub's Instances table. The start route's wait
// (`?timeout=&pollingInterval=`) reads that row on every poll, so the count shows how often the
// host polls, and whether it stops when the client goes: far steadier than the host's CPU time,
// where 10 polls a second hide in the noise.

import { startStorageProxy } from '@workshop/azurite';

export interface CountingTableProxy {
  /** The table endpoint to hand the hosts, e.g. `http://127.0.0.1:40123/devstoreaccount1`. */
  endpoint: string;
  /** GETs of the instance's row so far (`{Hub}Instances(PartitionKey='<id>',RowKey='')`). */
  reads(instanceId: string): number;
  close(): Promise<void>;
}

export async function startCountingTableProxy(tableEndpoint: string): Promise<CountingTableProxy> {
  const reads = new Map<string, number>();
  const proxy = await startStorageProxy(tableEndpoint, {
    onRequest: (method, url) => {
      const row = method === 'GET' ? instanceRowOf(url) : undefined;
      if (row !== undefined) reads.set(row, (reads.get(row) ?? 0) + 1);
    },
  });
  return {
    endpoint: proxy.endpoint,
    reads: (instanceId) => reads.get(instanceId) ?? 0,
    close: () => proxy.close(),
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
