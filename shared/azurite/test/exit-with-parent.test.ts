// Azurite stops when the process that started it is gone, however it went: `npm start` killed
// (not Ctrl+C) used to leave an emulator holding its ports, and the next start found them busy.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const INDEX = fileURLToPath(new URL('../src/index.ts', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `pid` is gone; rejects after `ms`. */
async function gone(pid: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} is still running ${ms} ms later`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('an Azurite whose parent is killed', () => {
  it('stops too (SIGKILL of the parent: no handler of the parent runs)', async () => {
    const parent = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { startAzurite } = await import(${JSON.stringify(INDEX)});
         const azurite = await startAzurite();
         console.log(azurite.process.pid);
         setInterval(() => undefined, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const pid = await new Promise<number>((resolve, reject) => {
      parent.stdout.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim())));
      parent.once('exit', (code) => reject(new Error(`the parent exited (${code}) before Azurite started`)));
    });
    expect(alive(pid)).toBe(true);
    parent.kill('SIGKILL');
    await gone(pid, 10_000);
  });
});

describe('an Azurite stopped by its parent', () => {
  it('ends: the channel that watches the parent does not keep it alive', async () => {
    const { startAzurite } = (await import(INDEX)) as typeof import('../src/index.ts');
    const azurite = await startAzurite();
    const pid = azurite.process.pid!;
    await azurite.stop();
    expect(alive(pid)).toBe(false);
  });
});

describe('an Azurite in a process group of its own (npm start)', () => {
  it('is not stopped by Ctrl+C, which its parent answers by stopping the host first, then it; and still ends with its parent', async () => {
    // The parent leads a group, as npm start does in a terminal, and ignores SIGINT, as npm
    // start does while it stops. Ctrl+C is a SIGINT to every process of the foreground group.
    const parent = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `process.on('SIGINT', () => undefined);
         const { startAzurite } = await import(${JSON.stringify(INDEX)});
         const own = await startAzurite({ ownProcessGroup: true });
         const shared = await startAzurite();
         console.log(own.process.pid + ' ' + shared.process.pid);
         setInterval(() => undefined, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
    );
    const [own, shared] = await new Promise<number[]>((resolve, reject) => {
      parent.stdout.once('data', (chunk: Buffer) => resolve(String(chunk).trim().split(' ').map(Number)));
      parent.once('exit', (code) => reject(new Error(`the parent exited (${code}) before Azurite started`)));
    });
    try {
      process.kill(-parent.pid!, 'SIGINT');
      // The Azurite in the terminal's group goes; the one in its own group stays.
      await gone(shared!, 10_000);
      expect(alive(own!)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
    await gone(own!, 10_000);
  });
});
