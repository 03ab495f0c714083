// The app runs in its own worker process, as in the real platform: whatever its code does —
// throw outside an invocation, exit, run out of memory, loop past functionTimeout — the host
// logs why, starts a new worker and keeps serving.

import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnHost, type SpawnedHost } from '../src/index.ts';
import { eventually, tempApp, type TempApp } from './helpers.ts';

const LANGUAGE_WORKER = fileURLToPath(new URL('../src/language-worker.ts', import.meta.url));

const apps: TempApp[] = [];
const hosts: SpawnedHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.stop()));
  for (const app of apps.splice(0)) app.remove();
});

/** An app with `ping` (who answers: its pid and parent pid) and `bad`, whose handler is `badHandler`. */
async function serve(
  badHandler: string,
  extra: { hostJson?: object; env?: Record<string, string> } = {},
): Promise<SpawnedHost> {
  const app = tempApp({
    'package.json': JSON.stringify({ name: 'x', type: 'module', main: 'src/*.ts' }),
    'host.json': JSON.stringify({ version: '2.0', ...extra.hostJson }),
    'src/a.ts': `import { app } from '@azure/functions';
app.http('ping', { methods: ['GET'], authLevel: 'anonymous', handler: async () => ({ jsonBody: { pid: process.pid, ppid: process.ppid } }) });
app.http('bad', { methods: ['GET'], authLevel: 'anonymous', handler: ${badHandler} });
`,
  });
  apps.push(app);
  const host = await spawnHost({ appDir: app.dir, port: 0, ...(extra.env ? { env: extra.env } : {}) });
  hosts.push(host);
  return host;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function ping(host: SpawnedHost): Promise<{ pid: number; ppid: number }> {
  const response = await fetch(`${host.url}/api/ping`);
  expect(response.status).toBe(200);
  return (await response.json()) as { pid: number; ppid: number };
}

describe('the Node worker process', () => {
  it('runs the app in a child of the host, never in the host itself', async () => {
    const host = await serve('async () => ({ body: "ok" })');
    const { pid, ppid } = await ping(host);
    expect(pid).not.toBe(host.child.pid);
    expect(ppid).toBe(host.child.pid);
    expect(await host.workerPid()).toBe(pid);
  });

  it('starts a new worker when its worker is killed, and serves from it', async () => {
    const host = await serve('async () => ({ body: "ok" })');
    const first = (await host.workerPid())!;
    process.kill(first, 'SIGKILL');
    await eventually(
      () => /Language Worker Process exited\. Pid=\d+\. node exited with signal SIGKILL\./.test(host.logs()),
      10_000,
      'the exit line',
    );
    const { pid } = await ping(host);
    expect(pid).not.toBe(first);
    expect(await host.workerPid()).toBe(pid);
  });

  it('ends like the Node worker on an uncaught exception, and the host starts a new one and keeps serving', async () => {
    const host = await serve(
      `async () => { setTimeout(() => { throw new Error('late boom'); }, 0); return { body: 'ok' }; }`,
    );
    const before = await ping(host);
    expect(await (await fetch(`${host.url}/api/bad`)).text()).toBe('ok');
    await eventually(
      () => /Language Worker Process exited\. Pid=\d+\. node exited with code 1\./.test(host.logs()),
      10_000,
      'the exit line',
    );
    expect(host.logs()).toMatch(/Worker uncaught exception \(learn more: [^)]+\): Error: late boom/);
    const after = await ping(host);
    expect(after.pid).not.toBe(before.pid);
    expect(host.child.exitCode).toBeNull();
  });

  it('fails the invocation that was running when the worker died, names it, and serves the next request', async () => {
    const host = await serve('async () => { process.exit(3); }');
    const response = await fetch(`${host.url}/api/bad`);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('');
    expect(host.logs()).toMatch(
      /Language Worker Process exited\. Pid=\d+\. node exited with code 3\. It was running Functions\.bad/,
    );
    await ping(host);
  });

  it('answers every one of many invocations in flight when its worker runs out of memory, and keeps serving', async () => {
    const host = await serve('async () => { const hog = []; for (;;) hog.push(new Array(1e5).fill(Math.random())); }', {
      env: { languageWorkers__node__arguments: '--max-old-space-size=64' },
    });
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => fetch(`${host.url}/api/bad`).then((r) => r.status)),
    );
    expect(new Set(answers)).toEqual(new Set([500]));
    await ping(host);
    expect(host.child.exitCode).toBeNull();
  });

  it('survives a worker that runs out of memory; the heap limit comes from languageWorkers__node__arguments', async () => {
    const host = await serve('async () => { const hog = []; for (;;) hog.push(new Array(1e5).fill(Math.random())); }', {
      env: { languageWorkers__node__arguments: '--max-old-space-size=64' },
    });
    const response = await fetch(`${host.url}/api/bad`);
    expect(response.status).toBe(500);
    expect(host.logs()).toMatch(
      /Language Worker Process exited\. Pid=\d+\. node exited with (signal SIGABRT|code \d+)\. It was running Functions\.bad/,
    );
    await ping(host);
  });

  it('sends an invocation the worker never started (it waited behind a loop) to the next worker, instead of failing it', async () => {
    const host = await serve(
      `async () => { console.log('blocking now'); const hog = []; for (;;) hog.push(new Array(1e5).fill(Math.random())); }`,
      {
        env: { languageWorkers__node__arguments: '--max-old-space-size=64' },
      },
    );
    const before = await ping(host);
    const blocked = fetch(`${host.url}/api/bad`);
    await eventually(() => host.logs().includes('blocking now'), 10_000, 'the worker to block');
    const after = await ping(host);
    expect(after.pid).not.toBe(before.pid);
    expect((await blocked).status).toBe(500);
    expect(host.logs()).toMatch(
      /Language Worker Process exited\. Pid=\d+\. node exited with (signal SIGABRT|code \d+)\. It was running Functions\.bad:/,
    );
  });

  it('ends a worker stuck in a loop when its host is killed, so no orphan keeps a core busy', async () => {
    const host = await serve('async () => { console.log("spinning"); for (;;) {} }');
    const pid = (await host.workerPid())!;
    void fetch(`${host.url}/api/bad`).catch(() => undefined);
    await eventually(() => host.logs().includes('spinning'), 10_000, 'the worker to spin');
    host.kill('SIGKILL');
    await eventually(() => !isAlive(pid), 10_000, 'the stuck worker to end');
  });

  // On a busy machine the worker's watch can start after its host was killed, when its parent
  // is already the reaper. Here the host spawns the worker as the host does, then exits at once;
  // no IPC channel, so only the watch can end the worker. The host's way (setpriv's parent-death
  // signal on Linux, with a check at the worker's start), and the watch thread of other systems.
  for (const [way, spawnIt] of [
    ['as the host starts it', 'const { command, args } = workerSpawn(dir, undefined, process.env);'],
    [
      'watched by its thread',
      'const command = process.execPath; const args = workerCommand(dir, undefined, process.env);',
    ],
  ] as const) {
    it(`ends a worker stuck in a loop even when its host was gone before the worker began to watch it (${way})`, async () => {
      const app = tempApp({
        'package.json': JSON.stringify({ name: 'x', type: 'module', main: 'src/*.js' }),
        'src/a.js': `import { writeFileSync } from 'node:fs'; writeFileSync('spinning', ''); for (;;) {}`,
      });
      apps.push(app);
      const host = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { spawn } from 'node:child_process';
           import { workerCommand, workerSpawn } from ${JSON.stringify(pathToFileURL(LANGUAGE_WORKER).href)};
           const dir = process.argv[1];
           ${spawnIt}
           const worker = spawn(command, args, { cwd: dir, stdio: 'ignore', detached: true });
           process.stdout.write(String(worker.pid));
           process.exit(0);`,
          app.dir,
        ],
        { encoding: 'utf8' },
      );
      expect(host.status, host.stderr).toBe(0);
      const pid = Number(host.stdout);
      try {
        // Started after its host was gone, the worker may end before it loads the app at all.
        await eventually(() => !isAlive(pid), 10_000, 'the stuck worker to end');
      } finally {
        // A failure here must not leave the orphan spinning for the rest of the run.
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      }
    });
  }

  it('says an invocation cut short by the host stopping was cancelled, not that it threw (the walkthrough: Ctrl+C printed "Exception")', async () => {
    const host = await serve(
      'async () => { console.log("waiting"); await new Promise((r) => setTimeout(r, 60_000)); }',
    );
    void fetch(`${host.url}/api/bad`).catch(() => undefined);
    await eventually(() => host.logs().includes('waiting'), 10_000, 'the function to start');
    await host.stop();
    expect(host.logs()).toMatch(/Executed 'Functions\.bad' \(Cancelled, Id=[^,]+, Duration=\d+ms\)/);
    expect(host.logs()).toContain('The host is stopping: Functions.bad was cut short');
    expect(host.logs()).not.toContain('Exception while executing function: Functions.bad');
  });

  it('stops whole on a second SIGINT (Ctrl+C reaches the host from the terminal and again from npm start)', async () => {
    const host = await serve(
      'async () => { console.log("waiting"); await new Promise((r) => setTimeout(r, 60_000)); }',
    );
    void fetch(`${host.url}/api/bad`).catch(() => undefined);
    await eventually(() => host.logs().includes('waiting'), 10_000, 'the function to start');
    const exit = new Promise<[number | null, string | null]>((resolve) =>
      host.child.once('exit', (code, signal) => resolve([code, signal])),
    );
    host.child.kill('SIGINT');
    await eventually(() => host.logs().includes('SIGINT received; stopping the host.'), 10_000, 'the stop to begin');
    host.child.kill('SIGINT');
    // Not ended by the second signal: it finishes its stop (and hands back what it holds).
    expect(await exit, host.logs()).toEqual([0, null]);
  });

  it('stops a worker stuck in a loop when its host stops, within the time spawnHost gives the host', async () => {
    const host = await serve('async () => { console.log("spinning"); for (;;) {} }');
    const pid = (await host.workerPid())!;
    void fetch(`${host.url}/api/bad`).catch(() => undefined);
    await eventually(() => host.logs().includes('spinning'), 10_000, 'the worker to spin');
    const exit = new Promise<number | null>((resolve) => host.child.once('exit', (code) => resolve(code)));
    await host.stop();
    expect(await exit).toBe(0);
    expect(isAlive(pid)).toBe(false);
  });

  it('on Ctrl+C (SIGINT to the whole process group) leaves the worker to the host, which stops it without calling it a crash', async () => {
    const host = await serve('async () => ({ body: "ok" })');
    const pid = (await host.workerPid())!;
    process.kill(pid, 'SIGINT');
    expect((await ping(host)).pid, 'the same worker answers after its SIGINT').toBe(pid);
    const exit = new Promise<number | null>((resolve) => host.child.once('exit', (code) => resolve(code)));
    host.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(isAlive(pid)).toBe(false);
    expect(host.logs()).not.toMatch(/Language Worker Process exited|Starting a new Node worker/);
  });

  it("restarts a worker whose function runs past host.json's functionTimeout, with the real host's messages", async () => {
    const host = await serve('async () => { for (;;) {} }', { hostJson: { functionTimeout: '00:00:01' } });
    const response = await fetch(`${host.url}/api/bad`);
    expect(response.status).toBe(500);
    expect(host.logs()).toMatch(
      /Timeout value of 00:00:01 exceeded by function 'Functions\.bad' \(Id: '[0-9a-f-]+'\)\. Initiating cancellation\./,
    );
    expect(host.logs()).toMatch(
      /A function timeout has occurred\. Restarting worker process executing invocationId '[0-9a-f-]+'\./,
    );
    await ping(host);
  });

  it('starts a new worker for the next invocation after workers die while loading the app, however often', async () => {
    // While the marker file exists, loading the app hangs: a worker killed then dies before it has loaded.
    const marker = join(tmpdir(), `workshop-hang-${process.pid}-${Date.now()}`);
    const app = tempApp({
      'package.json': JSON.stringify({ name: 'x', type: 'module', main: 'src/*.ts' }),
      'host.json': JSON.stringify({ version: '2.0' }),
      'src/a.ts': `import { existsSync } from 'node:fs';
import { app } from '@azure/functions';
if (existsSync(${JSON.stringify(marker)})) await new Promise((resolve) => setTimeout(resolve, 600_000));
app.http('ping', { methods: ['GET'], authLevel: 'anonymous', handler: async () => ({ jsonBody: { pid: process.pid, ppid: process.ppid } }) });
`,
    });
    apps.push(app);
    const host = await spawnHost({ appDir: app.dir, port: 0 });
    hosts.push(host);
    try {
      const seen = new Set<number>();
      /** Waits for a worker the test has not seen yet (the host asked over IPC), and kills it. */
      const killNextWorker = async () => {
        const deadline = Date.now() + 10_000;
        let pid = await host.workerPid();
        while (pid === undefined || seen.has(pid)) {
          if (Date.now() > deadline) throw new Error('Timed out waiting for a new worker');
          await new Promise((resolve) => setTimeout(resolve, 20));
          pid = await host.workerPid();
        }
        seen.add(pid);
        process.kill(pid, 'SIGKILL');
      };
      writeFileSync(marker, '');
      await killNextWorker(); // the loaded worker: the host restarts it, and the new one hangs loading
      await killNextWorker(); // that one dies before it has loaded
      await eventually(
        () => host.logs().includes('The new Node worker could not load the app'),
        10_000,
        'the failed restart',
      );
      // No worker now: the next invocation launches one, and it dies loading too.
      const during = fetch(`${host.url}/api/ping`);
      await killNextWorker();
      expect((await during).status, 'the invocation whose worker died loading fails').not.toBe(200);
      rmSync(marker);
      // The host must not keep that failure for every invocation after it: a new worker loads and answers.
      const { pid } = await ping(host);
      expect(seen.has(pid), 'a worker that loaded the app answers').toBe(false);
    } finally {
      rmSync(marker, { force: true });
    }
  });

  it('refuses a functionTimeout that is not a time span, as the host does', async () => {
    const error = (await serve('async () => ({})', { hostJson: { functionTimeout: 'soon' } }).catch(
      (e: Error) => e,
    )) as Error;
    expect(error.message).toMatch(/functionTimeout must be a time span such as "00:05:00"/);
  });
});
