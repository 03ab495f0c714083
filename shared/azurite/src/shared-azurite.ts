// One Azurite for many check runs (issue #14): starting an emulator costs about a second of CPU,
// and `npm test` started some ninety of them. The runs share one process instead, each in a storage
// account of its own: Azurite keeps every account's containers, queues and tables apart, as two
// accounts in Azure are, so a run still begins with empty storage. The accounts are declared when
// Azurite starts (it reads AZURITE_ACCOUNTS only then, and once a minute after), so each run claims
// the next unused one; claims are folders, made atomically, so processes running side by side
// never get the same account.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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

/** The environment variable that hands a shared Azurite to the processes that run checks. */
export const SHARED_AZURITE_ENV = 'WORKSHOP_SHARED_AZURITE';

/** Accounts one shared Azurite declares: AZURITE_ACCOUNTS must stay under Linux's 128 KiB per variable. */
const DEFAULT_ACCOUNTS = 1000;

interface SharedAzuriteInfo {
  blobPort: number;
  queuePort: number;
  tablePort: number;
  accounts: number;
  claims: string;
}

export interface SharedAzurite {
  /** The variables that let `claimSharedAccount` in another process find this Azurite. */
  readonly env: Record<string, string>;
  readonly azurite: RunningAzurite;
  stop(): Promise<void>;
}

export interface SharedAccount extends AzuriteEndpoints {
  readonly account: string;
  readonly connectionString: string;
}

const accountName = (index: number) => `run${index}`;

/** Starts an in-memory Azurite whose accounts check runs can claim, one each. */
export async function startSharedAzurite(
  options: Pick<AzuriteOptions, 'onOutput'> & { accounts?: number } = {},
): Promise<SharedAzurite> {
  const count = options.accounts ?? DEFAULT_ACCOUNTS;
  const accounts = Array.from({ length: count }, (_, index) => accountName(index));
  const azurite = await startAzurite({ accounts, ...(options.onOutput ? { onOutput: options.onOutput } : {}) });
  const claims = mkdtempSync(join(tmpdir(), 'workshop-azurite-claims-'));
  const port = (endpoint: string) => Number(new URL(endpoint).port);
  const info: SharedAzuriteInfo = {
    blobPort: port(azurite.blobEndpoint),
    queuePort: port(azurite.queueEndpoint),
    tablePort: port(azurite.tableEndpoint),
    accounts: count,
    claims,
  };
  return {
    env: { [SHARED_AZURITE_ENV]: JSON.stringify(info) },
    azurite,
    async stop() {
      await azurite.stop();
      rmSync(claims, { recursive: true, force: true });
    },
  };
}

/**
 * An account of the shared Azurite that no run has had before, or undefined when there is no
 * shared Azurite (or every account is taken): the caller then starts an Azurite of its own.
 */
export function claimSharedAccount(env: NodeJS.ProcessEnv = process.env): SharedAccount | undefined {
  const raw = env[SHARED_AZURITE_ENV];
  if (!raw) return undefined;
  let info: SharedAzuriteInfo;
  try {
    info = JSON.parse(raw) as SharedAzuriteInfo;
  } catch {
    return undefined;
  }
  for (let index = 0; index < info.accounts; index++) {
    try {
      mkdirSync(join(info.claims, String(index)));
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
