import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../lib/manifest.ts';
import { portFreesWithin, portTakenAdvice } from '../lib/port-holder.ts';

function listenOnFreePort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address && typeof address === 'object') resolve({ server, port: address.port });
    });
  });
}

function serve(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'scripts/serve.ts'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm start when its port is taken', () => {
  let held: Server | undefined;
  afterEach(() => held?.close());

  it('names the process that holds it and the command for a free port, and starts nothing', async () => {
    const { server, port } = await listenOnFreePort();
    held = server;
    const result = await serve(['01', '--port', String(port)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Port ${port} is already in use by process ${process.pid} (`);
    expect(result.stderr).toMatch(/serve on another port: npm start -- 01 --port \d+/);
    // Neither Azurite nor the host was started, so no address to try and no "save to fix it".
    expect(result.stdout).not.toContain('Starting Azurite');
    expect(result.stdout + result.stderr).not.toContain('Try it');
    expect(result.stdout + result.stderr).not.toContain('Fix it and save');
  });
});

describe('a port that a stopping npm start still holds', () => {
  it('is waited for: npm start again right after Ctrl+C found it taken (newcomer walkthrough)', async () => {
    const { server, port } = await listenOnFreePort();
    // The host that is stopping lets its port go a moment later.
    setTimeout(() => server.close(), 300);
    expect(await portFreesWithin(port, 3000)).toBe(true);
  });

  it('is still taken when another program keeps it', async () => {
    const { server, port } = await listenOnFreePort();
    try {
      expect(await portFreesWithin(port, 300)).toBe(false);
    } finally {
      server.close();
    }
  });
});

describe("a port another npm start of the workshop serves on (the walkthrough's own npm start -- 03)", () => {
  it('names that npm start and its lab, and says to stop it with Ctrl+C', async () => {
    const { server, port } = await listenOnFreePort();
    server.close();
    // A listener whose command line is npm start's, as its host's parent's is.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `require('node:net').createServer().listen(${port}, '127.0.0.1', () => console.log('up'))`,
        'scripts/serve.ts',
        '03',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise((resolve) => holder.stdout.once('data', resolve));
      const lines = await portTakenAdvice(port, (free) => `npm start -- 04 --port ${free}`);
      expect(lines[0]).toBe(`Port ${port} is already in use by another npm start -- 03 (process ${holder.pid}).`);
      expect(lines[1]).toMatch(
        /^Stop it with Ctrl\+C in its terminal, or serve on another port: npm start -- 04 --port \d+$/,
      );
    } finally {
      holder.kill();
    }
  });
});
