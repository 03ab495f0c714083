import { createServer } from 'node:net';

/**
 * Asks the system for free loopback ports. Used to learn Azurite's ports before it starts, so
 * the host can start at the same time; the tiny window in which another program could take a
 * port is covered by `startAzurite` failing loudly with EADDRINUSE.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === 'string') throw new Error('Could not read a free port.');
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
