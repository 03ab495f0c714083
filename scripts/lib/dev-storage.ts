import { statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { KeepRunning, startAzurite, type KeepRunningEvent, type RunningAzurite } from '@workshop/azurite';
import { repoRoot } from './manifest.ts';
import { dim, green, red } from './style.ts';

/** The ports `UseDevelopmentStorage=true` and Storage Explorer expect. */
export const DEV_PORTS = { blobPort: 10000, queuePort: 10001, tablePort: 10002 } as const;
export const dataDir = join(repoRoot, '.workshop', 'azurite');

const PORTS = `Blob ${DEV_PORTS.blobPort}, Queue ${DEV_PORTS.queuePort}, Table ${DEV_PORTS.tablePort}`;
const DATA = relative(repoRoot, dataDir);
const STARTUP_LINE = /^Azurite (Blob|Queue|Table) service is (starting|successfully listening) at /;
/** Above this, saving the tables before each answer makes jobs noticeably slower (about 5 ms a MB a write). */
const LARGE_TABLES_MB = 5;
/** How often an Azurite someone else started is checked. */
const CHECK_REUSED_MS = 2000;

async function azuriteAlreadyListening(): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${DEV_PORTS.blobPort}/devstoreaccount1?comp=list`, {
      signal: AbortSignal.timeout(1000),
    });
    return (res.headers.get('server') ?? '').startsWith('Azurite');
  } catch {
    return false;
  }
}

export interface DevStorage {
  /** `started`: ours, restarted when it stops unexpectedly; `reused`: one that was already running, only watched. */
  readonly kind: 'started' | 'reused';
  stop(): Promise<void>;
}

/**
 * Storage for serving a lab: Azurite on the default ports with its data on disk, so blobs
 * and orchestrations survive a restart. An Azurite the learner already runs is reused. Either
 * way, `say` is told when it stops: ours is started again, theirs cannot be.
 */
export async function startDevStorage(say: (line: string) => void): Promise<DevStorage> {
  if (await azuriteAlreadyListening()) {
    const watch = watchReused(say);
    return { kind: 'reused', stop: async () => watch.stop() };
  }
  const lastLines: string[] = [];
  const keeper = new KeepRunning<RunningAzurite>({
    start: () =>
      startAzurite({
        location: dataDir,
        ...DEV_PORTS,
        // A kill must not take back what the host was told is stored: see "When Azurite is killed"
        // in docs/guide/instructor.md.
        saveBeforeAnswering: true,
        // Ctrl+C stops the host first: an activity in flight still finds its storage.
        ownProcessGroup: true,
        // Azurite runs silent; what it printed last, past its start, explains a crash loop.
        onOutput: (line) => {
          if (STARTUP_LINE.test(line)) return;
          lastLines.push(line);
          if (lastLines.length > 10) lastLines.shift();
        },
      }),
    processOf: (azurite) => azurite.process,
    stop: (azurite) => azurite.stop(),
    onEvent: (event) => sayAzuriteEvent(event, lastLines, say),
  });
  await keeper.start();
  const tablesMb = (statSync(join(dataDir, '__azurite_db_table__.json'), { throwIfNoEntry: false })?.size ?? 0) / 1e6;
  if (tablesMb > LARGE_TABLES_MB) {
    say(
      dim(
        `Azurite's tables hold ${Math.round(tablesMb)} MB, and each table write waits until all of it is saved: Durable Functions run slower. ` +
          `To start with empty storage: stop npm start, move ${DATA} aside, start again.`,
      ),
    );
  }
  return { kind: 'started', stop: () => keeper.stop() };
}

function sayAzuriteEvent(
  event: KeepRunningEvent<RunningAzurite>,
  lastLines: readonly string[],
  say: (line: string) => void,
): void {
  if (event.type === 'restarted') {
    say(green(`Azurite is back (${PORTS}), ${(event.downMs / 1000).toFixed(1)} s after it stopped.`));
    say(dim('Nothing it had confirmed is lost: it answers only once a change is on disk.'));
    return;
  }
  if (event.type === 'stopped' && !event.crashLoop) {
    say(
      red(`Azurite stopped unexpectedly (${event.how}); starting it again on the same ports with its data in ${DATA}…`),
    );
    return;
  }
  if (event.type === 'restart failed') {
    say(
      red(`Azurite could not start again: ${event.error instanceof Error ? event.error.message : String(event.error)}`),
    );
    if (!event.crashLoop) {
      say(dim(`Trying again in ${event.retryInMs / 1000} s…`));
      return;
    }
  } else {
    say(red(`Azurite stopped unexpectedly (${event.how}).`));
  }
  const { stops, withinMs } = event.crashLoop!;
  if (lastLines.length > 0) say(dim(`Its last lines:\n  ${lastLines.join('\n  ')}`));
  say(red(`That is ${stops} times within ${withinMs / 1000} s, so npm start stops trying: storage is down.`));
  say(
    dim(
      `Stop npm start (Ctrl+C) and run \`npm run doctor\`. If Azurite keeps stopping, move ${DATA} aside to start with empty storage.`,
    ),
  );
}

/** Says when an Azurite that npm start did not start stops answering, and when it is back. */
function watchReused(say: (line: string) => void): { stop(): void } {
  let up = true;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const check = async () => {
    const now = await azuriteAlreadyListening();
    if (stopped) return;
    if (now !== up) {
      up = now;
      say(
        now
          ? green(`Azurite answers again (${PORTS}).`)
          : red(
              `The Azurite that was already running (${PORTS}) has stopped. npm start did not start that one, so it cannot start it again: ` +
                'start it again yourself, or stop npm start (Ctrl+C) and run it again to have it start its own.',
            ),
      );
    }
    timer = setTimeout(check, CHECK_REUSED_MS).unref();
  };
  timer = setTimeout(check, CHECK_REUSED_MS).unref();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
