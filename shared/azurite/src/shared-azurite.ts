// One Azurite for many check runs (issue #14): starting an emulator costs about a second of CPU,
// and `npm test` started some ninety of them. The runs share one process instead, each in a storage
// account of its own: Azurite keeps every account's containers, queues and tables apart, as two
// accounts in Azure are, so a run still begins with empty storage. The accounts are declared when
// Azurite starts (it reads AZURITE_ACCOUNTS only then, and once a minute after), so each run claims
// the next unused one; claims are folders, made atomically, so processes running side by side
// never get the same account. The runner hands the folder on before Azurite is up, so that
// Azurite starts beside the test runner rather than before it: a claim waits for it.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connectionStringFor,
  endpointsFor,
  startAzurite,
  type AzuriteEndpoints,
  type AzuriteOptions,
  type RunningAzurite,
} from './index.ts';

/** The environment variable that hands a shared Azurite to the processes that run checks: its folder. */
export const SHARED_AZURITE_ENV = 'WORKSHOP_SHARED_AZURITE';

/**
 * Accounts one shared Azurite declares. AZURITE_ACCOUNTS holds each with its key (about 95
 * characters), and Windows allows 32,767 characters per variable: 300 fit, enough for `npm test`'s
 * runs (about 100 app starts each) and for a long `--watch` session; past them, an app starts an
 * Azurite of its own again.
 */
export const SHARED_ACCOUNTS = 300;

/** How long a claim waits for the shared Azurite to be up, before the caller starts its own. */
const READY_TIMEOUT_MS = 60_000;

/** Written to `<folder>/azurite.json` once Azurite listens, or once it could not start. */
type SharedAzuriteInfo =
  { blobPort: number; queuePort: number; tablePort: number; accounts: number } | { error: string };

export interface SharedAzurite {
  /** The variable that lets `claimSharedAccount` in another process find this Azurite. */
  readonly env: Record<string, string>;
  /** Azurite, once it listens (it starts in the background, beside whatever else starts). */
  readonly ready: Promise<RunningAzurite>;
  stop(): Promise<void>;
}

export interface SharedAccount extends AzuriteEndpoints {
  readonly account: string;
  readonly connectionString: string;
}

const accountName = (index: number) => `run${index}`;

/** The names of a shared Azurite's accounts. */
export function sharedAccountNames(count: number): string[] {
  return Array.from({ length: count }, (_, index) => accountName(index));
}
const infoFile = (folder: string) => join(folder, 'azurite.json');

/**
 * Starts, in the background, an in-memory Azurite whose accounts check runs can claim, one each.
 * Its `env` can be handed on at once: a claim waits until Azurite is up.
 */
export function startSharedAzurite(
  options: Pick<AzuriteOptions, 'onOutput' | 'blobPort' | 'queuePort' | 'tablePort'> & { accounts?: number } = {},
): SharedAzurite {
  const count = options.accounts ?? SHARED_ACCOUNTS;
  const folder = mkdtempSync(join(tmpdir(), 'workshop-azurite-'));
  mkdirSync(join(folder, 'claims'));
  // Written whole, then renamed: a reader never sees half of it.
  const publish = (info: SharedAzuriteInfo) => {
    writeFileSync(`${infoFile(folder)}.tmp`, JSON.stringify(info));
    renameSync(`${infoFile(folder)}.tmp`, infoFile(folder));
  };
  const accounts = sharedAccountNames(count);
  const { accounts: _count, ...azuriteOptions } = options;
  const ready = startAzurite({ ...azuriteOptions, accounts }).then(
    (azurite) => {
      const port = (endpoint: string) => Number(new URL(endpoint).port);
      publish({
        blobPort: port(azurite.blobEndpoint),
        queuePort: port(azurite.queueEndpoint),
        tablePort: port(azurite.tableEndpoint),
        accounts: count,
      });
      return azurite;
    },
    (error: unknown) => {
      publish({ error: String((error as Error)?.message ?? error) });
      throw error;
    },
  );
  ready.catch(() => undefined);
  // Also when the process ends without stop() (Ctrl+C in a watch): Azurite goes with it, and so must its folder.
  const removeFolder = () => rmSync(folder, { recursive: true, force: true });
  process.once('exit', removeFolder);
  return {
    env: { [SHARED_AZURITE_ENV]: folder },
    ready,
    async stop() {
      const azurite = await ready.catch(() => undefined);
      await azurite?.stop();
      process.off('exit', removeFolder);
      removeFolder();
    },
  };
}

async function readInfo(folder: string): Promise<SharedAzuriteInfo | undefined> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      return JSON.parse(readFileSync(infoFile(folder), 'utf8')) as SharedAzuriteInfo;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync(folder) || Date.now() > deadline)
        return undefined;
    }
    // Azurite is still starting (it began beside the test runner): it is up within a second or two.
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * An account of the shared Azurite that no run has had before, once that Azurite is up; or
 * undefined when there is no shared Azurite (or it failed, or every account is taken): the caller
 * then starts an Azurite of its own.
 */
export async function claimSharedAccount(env: NodeJS.ProcessEnv = process.env): Promise<SharedAccount | undefined> {
  const folder = env[SHARED_AZURITE_ENV];
  if (!folder) return undefined;
  const info = await readInfo(folder);
  if (!info || 'error' in info) return undefined;
  for (let index = 0; index < info.accounts; index++) {
    try {
      mkdirSync(join(folder, 'claims', String(index)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      return undefined;
    }
    const account = accountName(index);
    const endpoints = endpointsFor(info, account);
    return { account, ...endpoints, connectionString: connectionStringFor(endpoints) };
  }
  return undefined;
}
