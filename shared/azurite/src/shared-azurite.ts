// One Azurite for many check runs (issue #14): starting an emulator costs about a second of CPU,
// and `npm test` started some ninety of them. The runs share one process instead, each in a storage
// account of its own: Azurite keeps every account's containers, queues and tables apart, as two
// accounts in Azure are, so a run still begins with empty storage. The accounts are declared when
// Azurite starts (it reads AZURITE_ACCOUNTS only then, and once a minute after), so each run claims
// the next unused one; claims are folders, made atomically, so processes running side by side
// never get the same account. The runner hands the folder on before Azurite is up, so that
// Azurite starts beside the test runner rather than before it. Its ports are chosen before it
// starts and written down at once: `claimSharedAccount` waits until Azurite is up, while
// `claimSharedAccountNow` answers at once, so that a host can start beside Azurite as well.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from './free-ports.ts';
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

/** Written to `<folder>/azurite.json` as Azurite starts (its ports), or when no ports could be had. */
type SharedAzuriteInfo =
  { blobPort: number; queuePort: number; tablePort: number; accounts: number } | { error: string };

/** Written to `<folder>/up.json` once Azurite listens, or once it could not start. */
type SharedAzuriteState = { up: true } | { error: string };

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

/** An account claimed before Azurite is up (claimSharedAccountNow). */
export interface EarlyAccount extends SharedAccount {
  /** Resolves once Azurite listens; rejects with its own words when it could not start. */
  readonly up: Promise<void>;
}

const accountName = (index: number) => `run${index}`;

/** The names of a shared Azurite's accounts. */
export function sharedAccountNames(count: number): string[] {
  return Array.from({ length: count }, (_, index) => accountName(index));
}
const infoFile = (folder: string) => join(folder, 'azurite.json');
const stateFile = (folder: string) => join(folder, 'up.json');

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
  const publish = (file: string, content: SharedAzuriteInfo | SharedAzuriteState) => {
    writeFileSync(`${file}.tmp`, JSON.stringify(content));
    renameSync(`${file}.tmp`, file);
  };
  const failed = (error: unknown) => ({ error: String((error as Error)?.message ?? error) });
  const accounts = sharedAccountNames(count);
  const { accounts: _count, ...azuriteOptions } = options;
  const ready = (async () => {
    let ports: { blobPort: number; queuePort: number; tablePort: number };
    try {
      const [blobPort, queuePort, tablePort] = await freePorts(3);
      ports = {
        blobPort: options.blobPort ?? blobPort!,
        queuePort: options.queuePort ?? queuePort!,
        tablePort: options.tablePort ?? tablePort!,
      };
    } catch (error) {
      publish(infoFile(folder), failed(error));
      throw error;
    }
    // The ports before Azurite binds them (another program could take one meanwhile: Azurite
    // then fails loudly, and up.json says so to every claim).
    publish(infoFile(folder), { ...ports, accounts: count });
    try {
      const azurite = await startAzurite({ ...azuriteOptions, ...ports, accounts });
      publish(stateFile(folder), { up: true });
      return azurite;
    } catch (error) {
      publish(stateFile(folder), failed(error));
      throw error;
    }
  })();
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

/** A file the shared Azurite writes once, when it has written it; undefined after a minute or when the folder is gone. */
async function readWhenWritten<T>(file: string, folder: string): Promise<T | undefined> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync(folder) || Date.now() > deadline)
        return undefined;
    }
    // Azurite is still starting (it began beside the test runner): it is up within a second or two.
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const readInfo = (folder: string) => readWhenWritten<SharedAzuriteInfo>(infoFile(folder), folder);

/** Undefined once Azurite is up; else why it is not. */
async function whyNotUp(folder: string): Promise<string | undefined> {
  const state = await readWhenWritten<SharedAzuriteState>(stateFile(folder), folder);
  if (!state) return 'The shared Azurite did not start within a minute.';
  return 'error' in state ? state.error : undefined;
}

/** Undefined unless the shared Azurite has already said it could not start. */
function failedAlready(folder: string): string | undefined {
  try {
    const state = JSON.parse(readFileSync(stateFile(folder), 'utf8')) as SharedAzuriteState;
    return 'error' in state ? state.error : undefined;
  } catch {
    return undefined;
  }
}

/** The next account nobody has claimed (claims are folders, made atomically); undefined when all are taken. */
function claimNext(folder: string, info: Exclude<SharedAzuriteInfo, { error: string }>): SharedAccount | undefined {
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

/**
 * An account of the shared Azurite that no run has had before, once that Azurite is up; or
 * undefined when there is no shared Azurite (or it failed, or every account is taken): the caller
 * then starts an Azurite of its own.
 */
export async function claimSharedAccount(env: NodeJS.ProcessEnv = process.env): Promise<SharedAccount | undefined> {
  const folder = env[SHARED_AZURITE_ENV];
  if (!folder) return undefined;
  const info = await readInfo(folder);
  if (!info || 'error' in info || (await whyNotUp(folder)) !== undefined) return undefined;
  return claimNext(folder, info);
}

/**
 * An account of the shared Azurite as soon as its ports are known, which is at once: a host can
 * start with it while Azurite is still starting (the host waits for storage), and only what
 * needs storage itself, such as seeding blobs, waits for `up`. Undefined as for
 * claimSharedAccount, and when the shared Azurite has already failed.
 */
export async function claimSharedAccountNow(env: NodeJS.ProcessEnv = process.env): Promise<EarlyAccount | undefined> {
  const folder = env[SHARED_AZURITE_ENV];
  if (!folder) return undefined;
  const info = await readInfo(folder);
  if (!info || 'error' in info || failedAlready(folder) !== undefined) return undefined;
  const account = claimNext(folder, info);
  if (!account) return undefined;
  const up = whyNotUp(folder).then((why) => {
    if (why !== undefined) throw new Error(why);
  });
  up.catch(() => undefined);
  return { ...account, up };
}
