// A server on a socket that only this machine's processes reach: a Unix socket in the temp
// folder, or a named pipe on Windows, named after this process. What `npm run lab -- --watch`
// offers the checks of its runs (hosts in standby, a warm ESLint); it keeps no process alive.
// Both sides speak one JSON value per line.

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

/** Sends one value as a line of JSON (queued until the socket connects). */
export function writeJsonLine(socket: net.Socket, value: unknown): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(value)}\n`);
}

/**
 * Calls `onValue` with each line of JSON the socket receives. A line that is not JSON ends the
 * connection: whoever sent it is not one of ours.
 */
export function onJsonLines(socket: net.Socket, onValue: (value: unknown) => void): void {
  socket.setEncoding('utf8');
  let buffered = '';
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while (!socket.destroyed && (newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        socket.destroy();
        return;
      }
      onValue(value);
    }
  });
}
