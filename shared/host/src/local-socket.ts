// A server on a socket that only this machine's processes reach: a Unix socket in the temp
// folder, or a named pipe on Windows, named after this process. What `npm run lab -- --watch`
// offers the checks of its runs (hosts in standby, a warm ESLint); it keeps no process alive.

import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface LocalServer {
  /** Where to connect (`net.connect(path)`). */
  path: string;
  close(): Promise<void>;
}

export async function listenLocally(name: string, onConnection: (socket: net.Socket) => void): Promise<LocalServer> {
  const unique = `workshop-${name}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const socketPath = process.platform === 'win32' ? `\\\\.\\pipe\\${unique}` : path.join(tmpdir(), `${unique}.sock`);
  const server = net.createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  server.unref();
  return {
    path: socketPath,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (process.platform !== 'win32') rmSync(socketPath, { force: true });
    },
  };
}
