import { connect } from 'node:net';

function canConnect(url: string): Promise<boolean> {
  const { hostname, port, protocol } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || (protocol === 'https:' ? 443 : 80)) });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Waits until every storage endpoint accepts connections. Storage may start after the host
 * (Azurite in another terminal, or started side by side in a check); without this wait the
 * storage SDK's own exponential retries would stall the host's start for seconds.
 */
export async function waitForStorage(
  endpoints: string[],
  options: { timeoutMs: number; onWaiting: () => void; signal?: AbortSignal },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let warned = false;
  const started = Date.now();
  for (;;) {
    options.signal?.throwIfAborted();
    const results = await Promise.all(endpoints.map(canConnect));
    if (results.every(Boolean)) return;
    if (Date.now() > deadline) {
      throw new Error(
        `Storage is not reachable at ${endpoints.map((e) => new URL(e).origin).join(', ')}. Is Azurite running?`,
      );
    }
    if (!warned && Date.now() - started > 2_000) {
      warned = true;
      options.onWaiting();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
