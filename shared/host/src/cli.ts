// `node shared/host/src/cli.ts serve <appDir> [--port 7071]` — the local stand-in for
// `func start`: starts the host on the app and prints the function list like Core Tools.
// When started with an IPC channel (by spawnHost), it reports `{ type: 'ready', ... }` or
// `{ type: 'load-error', message }` to the parent, and exits when the parent goes away.
// `cli.ts standby <appDir> [--built]` is the same host in Azure's placeholder mode (below).

import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatLogLine, timestamp } from './console-log.ts';
import type { ExtraRouteHandler, ExtraRoutes, FunctionInfo, RunningHost } from './host.ts';
import { writeJsonError } from './http/http-response.ts';
import { DASHBOARD_PATH } from '@workshop/dashboard/path';
import { dependsOnDurableFunctions } from './durable-functions-version.ts';
import { discardPrestartedWorker, prestartWorker } from './language-worker.ts';
import { applySettings, replaceEnvironment } from './settings.ts';
import type { AppCode } from './worker/app-loader.ts';
import { VirtualClock, type ClockMode } from './durable/clock.ts';

const usage = `Usage: node shared/host/src/cli.ts serve <appDir> [--port 7071] [--clock real|virtual|auto] [--built]
  Runs an Azure Functions (Node.js v4 model) app folder like \`func start\`.
  --port, -p   HTTP port (0 picks a free one; default: local.settings.json Host.LocalHttpPort or 7071)
  --clock      Durable Functions time: real (default); virtual (stands still until advanced over
               IPC); auto (virtual, and jumps to the next durable timer whenever the host is idle)
  --built      Serve exactly the built JavaScript that package.json "main" names (run npm run build
               first), as func start does; without it, the TypeScript sources are served`;

export type HostMessage =
  | { type: 'ready'; url: string; port: number; functions: FunctionInfo[] }
  | { type: 'load-error'; message: string }
  | { type: 'clock'; now: string; id?: number; error?: string }
  | { type: 'worker'; pid: number | null; id?: number }
  /** The answer to `idle`, once the task hub has nothing left to do. */
  | { type: 'idle'; id?: number }
  /** A host in standby is listening for `specialize`. */
  | { type: 'standby' };

/** What the parent (spawnHost) may send: clock controls. */
export type ParentMessage =
  | { type: 'clock'; action: 'advance'; ms: number; id?: number }
  | { type: 'clock'; action: 'now'; id?: number }
  /** The Node worker's process id, for tools that crash it on purpose (npm run faults). */
  | { type: 'worker'; id?: number }
  /** Answered once the app has nothing left to do (the durable engine's whenIdle; at once without one). */
  | { type: 'idle'; id?: number }
  /** To a host in standby: the arguments and the environment it would have been started with. */
  | { type: 'specialize'; argv: string[]; env: Record<string, string> };

function send(message: HostMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/** The "Functions:" block of `func start`. */
export function formatFunctionList(functions: FunctionInfo[]): string {
  const lines = ['', 'Functions:', ''];
  for (const fn of functions) {
    if (fn.url) {
      const methods = fn.methods && fn.methods.length > 0 ? ` [${fn.methods.join(',')}]` : '';
      lines.push(`        ${fn.name}:${methods} ${fn.url}`);
    } else {
      lines.push(`        ${fn.name}: ${fn.trigger}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/**
 * The app's worker starts first, with the environment the host will have once it has applied
 * the app's settings; the host's own modules (the durable engine, the storage clients, the
 * dashboard) load meanwhile, in this process. When the settings do not apply, no worker
 * starts ahead: startHost says what is wrong with them.
 */
function prestart(appDir: string, appCode: AppCode): void {
  const env = { ...process.env };
  try {
    applySettings(appDir, {}, env);
  } catch {
    return;
  }
  prestartWorker(appDir, appCode, env);
}

/**
 * /dashboard/ of an app without durable functions: a browser would show a blank page (the host's
 * empty 404 for a route nobody takes), so the answer says why. Not when the app's routes have no
 * prefix (host.json routePrefix ""): one of them may be /dashboard.
 */
const noTaskHub: ExtraRouteHandler['handle'] = async (_req, res, url) => {
  if (url.pathname !== DASHBOARD_PATH && !url.pathname.startsWith(`${DASHBOARD_PATH}/`)) return false;
  writeJsonError(
    res,
    404,
    'This app has no durable functions (orchestrations, activities or entities), so it has no task hub for the dashboard to show.',
  );
  return true;
};

async function serve(appDir: string, port: number | undefined, clock: ClockMode, appCode: AppCode): Promise<void> {
  const started = performance.now();
  prestart(appDir, appCode);
  // The dashboard reads a task hub: loaded beside the host for an app that depends on
  // durable-functions, on first use for any other app that turns out to have durable functions.
  const dashboardLoading = dependsOnDurableFunctions(appDir) ? import('@workshop/dashboard') : undefined;
  dashboardLoading?.catch(() => undefined);
  const dashboard: ExtraRoutes = (context) => {
    if (!context.durable) return { handle: context.routePrefix === '' ? async () => false : noTaskHub };
    const handler = (dashboardLoading ?? import('@workshop/dashboard')).then(({ hostDashboard }) =>
      hostDashboard(context),
    );
    return {
      handle: async (...request) => (await handler).handle(...request),
      close: () => void handler.then((loaded) => loaded.close?.()),
    };
  };
  const { startHost } = await import('./host.ts');
  let host: RunningHost;
  const lease = Number(process.env.WORKSHOP_DURABLE_LEASE_MS);
  const slowEpisode = Number(process.env.WORKSHOP_DURABLE_SLOW_EPISODE_MS);
  try {
    host = await startHost({
      appDir,
      port,
      clock,
      appCode,
      extraRoutes: [dashboard],
      ...(lease > 0 ? { durableLeaseMs: lease } : {}),
      ...(slowEpisode > 0 ? { durableSlowEpisodeMs: slowEpisode } : {}),
    });
  } catch (err) {
    discardPrestartedWorker();
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(formatLogLine(message));
    await send({ type: 'load-error', message });
    process.exit(1);
  }
  process.stdout.write(formatFunctionList(host.functions) + '\n');
  if (host.durable) process.stdout.write(`Task hub dashboard: ${host.url}${DASHBOARD_PATH}/\n\n`);
  process.stdout.write(`${timestamp()} Host started (${Math.round(performance.now() - started)}ms)\n`);
  process.stdout.write(`${timestamp()} Job host started\n`);

  let stopping = false;
  const shutdown = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${timestamp()} ${reason}; stopping the host.\n`);
    await host.stop();
    process.exit(0);
  };
  // `on`, not `once`: Ctrl+C reaches the host from the terminal and again from npm start, and a
  // second signal without a listener would end the host at once, holding its queue messages.
  process.on('SIGINT', () => void shutdown('SIGINT received'));
  process.on('SIGTERM', () => void shutdown('SIGTERM received'));
  if (process.send) process.once('disconnect', () => void shutdown('The parent process went away'));
  process.on('message', (message: ParentMessage) => {
    if (message?.type === 'worker')
      return void send({
        type: 'worker',
        pid: host.worker.pid ?? null,
        ...(message.id !== undefined ? { id: message.id } : {}),
      });
    if (message?.type === 'idle') {
      const reply = () => void send({ type: 'idle', ...(message.id !== undefined ? { id: message.id } : {}) });
      return void (host.durable ? host.durable.engine.whenIdle().then(reply) : reply());
    }
    if (message?.type !== 'clock') return;
    const reply = (extra: { error?: string } = {}) =>
      void send({
        type: 'clock',
        now: host.clock.now().toISOString(),
        ...(message.id !== undefined ? { id: message.id } : {}),
        ...extra,
      });
    if (message.action === 'now') return reply();
    if (message.action === 'advance') {
      if (!(host.clock instanceof VirtualClock))
        return reply({
          error: 'The host runs on the real clock; start it with --clock virtual or auto to advance time.',
        });
      try {
        host.clock.advance(Number(message.ms));
        host.durable?.engine.wake();
        return reply();
      } catch (err) {
        return reply({ error: (err as Error).message });
      }
    }
  });

  await send({ type: 'ready', url: host.url, port: host.port, functions: host.functions });
}

/**
 * `standby <appDir> [--built]`: Azure's placeholder mode, which `npm run lab -- --watch` keeps
 * ready for the next run of the checks (standby-hosts.ts). The host loads its modules and starts
 * the app's worker in standby (the app's packages imported, the app not yet), then waits for
 * `specialize`: the arguments and the environment it would have been started with. From then on
 * it is `serve`, and its worker is the one in standby when nothing asks for another.
 */
async function standby(appDir: string, appCode: AppCode): Promise<void> {
  prestartWorker(appDir, appCode, process.env, { standby: true });
  const leave = () => {
    discardPrestartedWorker();
    process.exit(0);
  };
  process.once('disconnect', leave);
  const specialization = new Promise<Extract<ParentMessage, { type: 'specialize' }>>((resolve) => {
    const onMessage = (message: ParentMessage) => {
      if (message?.type !== 'specialize') return;
      process.off('message', onMessage);
      resolve(message);
    };
    process.on('message', onMessage);
  });
  // From now on a `specialize` is heard: the one who started it may hand it over.
  process.send!({ type: 'standby' });
  const durable = dependsOnDurableFunctions(appDir);
  await Promise.all([
    import('./host.ts').then((host) => (durable ? host.preloadDurableModules() : undefined)),
    durable ? import('@workshop/dashboard') : undefined,
  ]);
  const { argv, env } = await specialization;
  process.off('disconnect', leave);
  replaceEnvironment(env);
  await main(argv);
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', short: 'p' },
      clock: { type: 'string', default: 'real' },
      built: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, appDir] = positionals;
  if (command === 'standby' && appDir && !values.help && process.send)
    return standby(path.resolve(appDir), values.built ? 'built' : 'source');
  if (values.help || command !== 'serve' || !appDir) {
    (values.help ? process.stdout : process.stderr).write(usage + '\n');
    process.exit(values.help ? 0 : 2);
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      process.stderr.write(`--port must be a port number (0-65535), not "${values.port}".\n`);
      process.exit(2);
    }
  }
  const clock = values.clock as ClockMode;
  if (!['real', 'virtual', 'auto'].includes(clock)) {
    process.stderr.write(`--clock must be real, virtual or auto, not "${values.clock}".\n`);
    process.exit(2);
  }
  await serve(path.resolve(appDir), port, clock, values.built ? 'built' : 'source');
}

if (import.meta.main) {
  main(process.argv.slice(2)).catch(async (err: unknown) => {
    discardPrestartedWorker();
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(formatLogLine(message));
    await send({ type: 'load-error', message });
    process.exit(1);
  });
}
