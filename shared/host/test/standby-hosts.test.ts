// Hosts in standby (Azure's placeholder mode), which `npm run lab -- --watch` keeps for the next
// run of the checks: spawnHost takes one when it fits, and it behaves as a host it spawned
// itself (output, IPC, kill, exit), with the environment it was asked for, in its worker too.

import { spawn } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnHost, type SpawnedHost } from '../src/spawn-host.ts';
import { STANDBY_HOSTS_ENV, startStandbyHosts, type StandbyHosts } from '../src/standby-hosts.ts';
import { eventually, tempAppWith, type TempApp } from './helpers.ts';
import { startAzurite, type TestAzurite } from './durable/durable-helpers.ts';

let azurite: TestAzurite;
let app: TempApp;
let standby: StandbyHosts;
const hosts: SpawnedHost[] = [];

beforeAll(async () => {
  azurite = await startAzurite();
  app = tempAppWith({
    dependencies: ['@azure/functions', '@azure/storage-blob', 'durable-functions'],
    app: `import { app } from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import * as df from 'durable-functions';

// Read when the app loads, as an app reads its settings.
const loadedWith = process.env.STANDBY_TEST_SETTING ?? null;
df.app.activity('noop', { handler: () => null });
app.http('who', {
  authLevel: 'anonymous',
  handler: async () => ({
    jsonBody: { loadedWith, pid: process.pid, ppid: process.ppid, blobs: typeof BlobServiceClient },
  }),
});
`,
  });
  standby = await startStandbyHosts({ appDir: app.dir });
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.stop()));
});
afterAll(async () => {
  await standby?.stop();
  await azurite?.stop();
  app?.remove();
});

/** spawnHost, pointed at the hosts in standby, as the checks of a watched lab are. */
async function start(env: Record<string, string> = {}, from: StandbyHosts = standby): Promise<SpawnedHost> {
  const before = process.env[STANDBY_HOSTS_ENV];
  process.env[STANDBY_HOSTS_ENV] = from.env[STANDBY_HOSTS_ENV];
  try {
    const host = await spawnHost({
      appDir: app.dir,
      port: 0,
      clock: 'virtual',
      env: { AzureWebJobsStorage: azurite.connectionString, ...env },
    });
    hosts.push(host);
    return host;
  } finally {
    if (before === undefined) delete process.env[STANDBY_HOSTS_ENV];
    else process.env[STANDBY_HOSTS_ENV] = before;
  }
}

/** The children of a process, from the kernel (Linux, as the rest of the suite). */
function childrenOf(pid: number): number[] {
  const text = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(/\s+/).map(Number);
}

async function standbyHost(): Promise<{ pid: number; worker: number }> {
  standby.refill(1);
  await standby.listening();
  const [pid] = standby.waiting();
  const worker = await eventually(() => childrenOf(pid!)[0], 10_000, 'the worker of the host in standby');
  return { pid: pid!, worker };
}

describe('a host in standby', () => {
  it('becomes the host asked for: its worker loads the app with the environment asked for, and IPC and output come through', async () => {
    const waiting = await standbyHost();
    const host = await start({ STANDBY_TEST_SETTING: 'from the check' });
    expect(host.child.pid, 'the host in standby was taken').toBe(waiting.pid);
    expect(await (await fetch(`${host.url}/api/who`)).json()).toEqual({
      loadedWith: 'from the check',
      pid: waiting.worker,
      ppid: waiting.pid,
      blobs: 'function',
    });
    expect(await host.workerPid()).toBe(waiting.worker);
    const now = await host.now();
    expect((await host.advanceClock(60_000)).getTime() - now.getTime()).toBe(60_000);
    expect(host.logs()).toMatch(/Host started \(\d+ms\)/);
    expect(standby.waiting(), 'taken, so no longer waiting').not.toContain(waiting.pid);
  });

  it('reports its exit as a spawned host does, with the signal that ended it', async () => {
    const waiting = await standbyHost();
    const host = await start();
    expect(host.child.pid).toBe(waiting.pid);
    const exit = new Promise((resolve) => host.child.once('exit', (code, signal) => resolve({ code, signal })));
    host.kill('SIGKILL');
    expect(await exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(() => process.kill(waiting.pid, 0)).toThrow();
  });

  it('is not taken when the host must start with other Node options, or its worker with other Node arguments', async () => {
    const waiting = await standbyHost();
    const host = await start({ NODE_OPTIONS: '--max-http-header-size=16384' });
    expect(host.child.pid).not.toBe(waiting.pid);
    expect(standby.waiting()).toContain(waiting.pid);

    const other = await start({ languageWorkers__node__arguments: '--max-old-space-size=300' });
    expect(other.child.pid, 'the host in standby was taken').toBe(waiting.pid);
    expect(await other.workerPid(), 'but not its worker, which runs with other arguments').not.toBe(waiting.worker);
    expect(await (await fetch(`${other.url}/api/who`)).json()).toMatchObject({ ppid: waiting.pid });
  });

  it('answers a connection that sends something other than a request by closing it, and goes on serving', async () => {
    const socket = net.connect(standby.env[STANDBY_HOSTS_ENV]!);
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write('not a request\n');
    await closed;
    const waiting = await standbyHost();
    expect((await start()).child.pid).toBe(waiting.pid);
  });

  it('stops when the process that took it goes away, as a spawned host stops with its parent', async () => {
    const waiting = await standbyHost();
    const taker = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { spawnHost } from ${JSON.stringify(path.resolve(import.meta.dirname, '../src/spawn-host.ts'))};
         const host = await spawnHost({ appDir: ${JSON.stringify(app.dir)}, port: 0, env: { AzureWebJobsStorage: ${JSON.stringify(azurite.connectionString)} } });
         process.stdout.write(String(host.child.pid) + '\\n');`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...standby.env } },
    );
    const pid = await new Promise<number>((resolve) => taker.stdout.once('data', (d: Buffer) => resolve(Number(d))));
    expect(pid).toBe(waiting.pid);
    taker.kill('SIGKILL');
    await eventually(
      () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      10_000,
      'the host to stop',
    );
  });

  it('gives the app the packages its worker imported in standby, not a second build of them', async () => {
    // @azure/storage-blob ships an ESM and a CommonJS build: the app's import takes the ESM one.
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'standby-modules-'));
    const recording = { NODE_OPTIONS: `--import ${recorder}`, RECORD_MODULES_DIR: out };
    const before = { ...process.env };
    Object.assign(process.env, recording);
    let recorded: StandbyHosts;
    try {
      recorded = await startStandbyHosts({ appDir: app.dir });
    } finally {
      for (const name of Object.keys(recording)) delete process.env[name];
      Object.assign(process.env, before);
    }
    try {
      recorded.refill(1);
      await recorded.listening();
      const [pid] = recorded.waiting();
      const host = await start(recording, recorded);
      expect(host.child.pid).toBe(pid);
      expect(await (await fetch(`${host.url}/api/who`)).json()).toMatchObject({ blobs: 'function' });
      await host.stop();
    } finally {
      await recorded.stop();
    }
    const worker = fs
      .readdirSync(out)
      .map((file) => JSON.parse(fs.readFileSync(path.join(out, file), 'utf8')) as { argv: string[]; loaded: string[] })
      .find((record) => record.argv.some((arg) => arg.endsWith('worker-main.ts')));
    const builds = new Set(
      worker!.loaded.flatMap((url) => /\/@azure\/storage-blob\/dist\/([^/]+)\//.exec(url)?.[1] ?? []),
    );
    expect([...builds]).toEqual(['esm']);
    fs.rmSync(out, { recursive: true, force: true });
  });
});

const recorder = fileURLToPath(new URL('./fixtures/record-modules.mjs', import.meta.url));
