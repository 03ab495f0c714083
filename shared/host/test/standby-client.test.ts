// spawnHost's side of a host in standby (standby-client.ts), against a stand-in for the watching
// process that writes its frames as the socket may deliver them: several in one chunk.

import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listenLocally, onJsonLines, type LocalServer } from '../src/local-socket.ts';
import { spawnHost } from '../src/spawn-host.ts';
import { STANDBY_HOSTS_ENV, type StandbyFrame } from '../src/standby-hosts.ts';

let server: LocalServer | undefined;
const saved = process.env[STANDBY_HOSTS_ENV];
afterEach(async () => {
  if (saved === undefined) delete process.env[STANDBY_HOSTS_ENV];
  else process.env[STANDBY_HOSTS_ENV] = saved;
  await server?.close();
  server = undefined;
});

/** A watching process whose host says all it has to say at once, in one write. */
async function standbyThatAnswersInOneChunk(frames: StandbyFrame[]): Promise<void> {
  server = await listenLocally('standby-test', (socket: net.Socket) => {
    onJsonLines(socket, (value) => {
      const command = value as { t?: string; signal?: NodeJS.Signals };
      if (command.t === 'kill') {
        socket.end(
          `${JSON.stringify({ t: 'exit', code: null, signal: command.signal ?? null } satisfies StandbyFrame)}\n`,
        );
        return;
      }
      if (command.t !== undefined) return;
      const chunk = frames.map((f) => `${JSON.stringify(f)}\n`).join('');
      // After an exit the watching process ends the connection, as standby-hosts.ts does.
      if (frames.some((f) => f.t === 'exit')) socket.end(chunk);
      else socket.write(chunk);
    });
  });
  process.env[STANDBY_HOSTS_ENV] = server.path;
}

describe('a host taken from standby', () => {
  it('is ready when its ready message comes in the same chunk as its adoption (a busy process reads both at once)', async () => {
    await standbyThatAnswersInOneChunk([
      { t: 'adopted', pid: process.pid },
      { t: 'out', stream: 'stdout', text: 'Functions:\n' },
      { t: 'message', message: { type: 'ready', url: 'http://127.0.0.1:1', port: 1, functions: [] } },
    ]);
    const host = await spawnHost({ appDir: '.', port: 0, startTimeoutMs: 3000 });
    expect(host.url).toBe('http://127.0.0.1:1');
    expect(host.logs()).toContain('Functions:');
    await host.stop();
  });

  it('reports a load error and its exit that come in the same chunk as its adoption, at once', async () => {
    await standbyThatAnswersInOneChunk([
      { t: 'adopted', pid: process.pid },
      { t: 'message', message: { type: 'load-error', message: 'src/functions/hello.ts: SyntaxError' } },
      { t: 'exit', code: 1, signal: null },
    ]);
    await expect(spawnHost({ appDir: '.', port: 0, startTimeoutMs: 3000 })).rejects.toThrow(
      'src/functions/hello.ts: SyntaxError',
    );
  });
});
