// cli.ts starts the app's worker before the host has loaded its own modules, so the two load
// side by side (issue #14). The host's first launch adopts that worker: what it said before
// anyone listened still counts, and a worker that died meanwhile is replaced by one that says why.

import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { discardPrestartedWorker, LanguageWorker, prestartWorker } from '../src/language-worker.ts';
import type { WorkerToHost } from '../src/worker-protocol.ts';
import { fixture, tempApp, type TempApp } from './helpers.ts';

const workers: LanguageWorker[] = [];
const apps: TempApp[] = [];
afterEach(async () => {
  discardPrestartedWorker();
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  for (const app of apps.splice(0)) app.remove();
});

function languageWorker(appDir: string, logs: string[] = []): LanguageWorker {
  const worker = new LanguageWorker({
    appDir,
    onLog: (entry) => logs.push(entry.message),
    onOutput: (line) => logs.push(line),
    onHostLog: (_level, message) => logs.push(message),
  });
  workers.push(worker);
  return worker;
}

/** Resolves once the worker has sent a message of this type (whoever else listens). */
function said(child: ChildProcess, type: WorkerToHost['type']): Promise<void> {
  return new Promise((resolve) => {
    const listener = (message: WorkerToHost) => {
      if (message?.type !== type) return;
      child.off('message', listener);
      resolve();
    };
    child.on('message', listener);
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

describe('a worker started before the host has loaded', () => {
  it('is the one the host adopts, and the index it sent before the host listened is not lost', async () => {
    const appDir = fixture('http-app');
    const child = prestartWorker(appDir, 'source', { ...process.env });
    await said(child, 'indexed');
    const worker = languageWorker(appDir);
    const functions = await worker.start();
    expect(functions.map((fn) => fn.name)).toContain('hello');
    expect(worker.pid, 'the worker process').toBe(child.pid);
  });

  it('is replaced when it died before the host adopted it, and the new one says why the app does not load', async () => {
    const app = tempApp({
      'package.json': JSON.stringify({ name: 'x', type: 'module', main: 'src/*.ts' }),
      'host.json': JSON.stringify({ version: '2.0' }),
      'src/a.ts': `throw new Error('the app refuses to load');\n`,
    });
    apps.push(app);
    const child = prestartWorker(app.dir, 'source', { ...process.env });
    await exited(child);
    const worker = languageWorker(app.dir);
    // Adopted, the dead worker's exit would never reach the host, and the start would hang.
    await expect(worker.start()).rejects.toThrow(/the app refuses to load/);
  });

  it('is not adopted by a host of another app, and ends', async () => {
    const child = prestartWorker(fixture('blob-app'), 'source', { ...process.env });
    const worker = languageWorker(fixture('http-app'));
    await worker.start();
    expect(worker.pid).not.toBe(child.pid);
    await exited(child);
  });
});
