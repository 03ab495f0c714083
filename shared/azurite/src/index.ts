import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Azurite's well-known development account. It is public (documented by Microsoft) and only
 * ever works against the emulator, so it is safe to commit.
 */
export const DEV_ACCOUNT = {
  name: 'devstoreaccount1',
  key: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
} as const;

export interface AzuriteOptions {
  /** Keep data in this folder, so it survives a restart. Omit to keep everything in memory. */
  location?: string;
  /** Ports to listen on; 0 (the default) lets the system pick free ones. */
  blobPort?: number;
  queuePort?: number;
  tablePort?: number;
  /**
   * Reject storage SDKs newer than this Azurite, as Azurite does by default. Off unless asked:
   * newer SDKs work against it, and `npm run doctor` turns it on to report the mismatch.
   */
  apiVersionCheck?: boolean;
  /**
   * With `location`: answer each request only once what it changed is on disk, so a `kill -9`
   * loses nothing Azurite confirmed (see saved-answers.ts); `npm start` turns it on. Off, Azurite
   * saves every 5 s, so a `kill -9` loses the confirmed writes of up to the last 5 s; each write
   * is faster (it does not wait for a save of the whole database, which grows with its tables).
   */
  saveBeforeAnswering?: boolean;
  /** Called with every line Azurite prints; by default its output is kept quiet. */
  onOutput?: (line: string) => void;
  /**
   * More storage accounts beside the development account, each with the same public key
   * (Azurite's AZURITE_ACCOUNTS): each one is a namespace of its own, as separate accounts are.
   */
  accounts?: readonly string[];
  /**
   * Run Azurite in a process group of its own, so that Ctrl+C in the terminal (a SIGINT to the
   * whole foreground group) does not reach it: whoever started it stops it once nothing needs
   * it (`npm start`: after the host, whose activities in flight still read and write storage).
   * It still ends with the process that started it (exit-with-parent.ts).
   */
  ownProcessGroup?: boolean;
}

export interface AzuriteEndpoints {
  blobEndpoint: string;
  queueEndpoint: string;
  tableEndpoint: string;
}

export interface RunningAzurite extends AzuriteEndpoints {
  /** A full connection string for the storage SDKs and for `AzureWebJobsStorage`. */
  connectionString: string;
  readonly process: ChildProcess;
  /** Stops Azurite and waits until it has exited. */
  stop(): Promise<void>;
}

const SERVICES = ['Blob', 'Queue', 'Table'] as const;
type Service = (typeof SERVICES)[number];

export { freePorts } from './free-ports.ts';
export { startStorageProxy, type StorageExchange, type StorageProxy, type StorageWatchers } from './storage-proxy.ts';
export {
  claimSharedAccount,
  claimSharedAccountNow,
  SHARED_ACCOUNTS,
  sharedAccountNames,
  SHARED_AZURITE_ENV,
  startSharedAzurite,
  type EarlyAccount,
  type SharedAccount,
  type SharedAzurite,
} from './shared-azurite.ts';
export {
  KeepRunning,
  KEEP_RUNNING_DEFAULTS,
  type CrashLoop,
  type Exiting,
  type KeepRunningEvent,
  type KeepRunningOptions,
} from './keep-running.ts';

/** Azurite's AZURITE_ACCOUNTS for the development account and these, all with its public key. */
export function accountsSetting(accounts: readonly string[]): string {
  return [DEV_ACCOUNT.name, ...accounts].map((name) => `${name}:${DEV_ACCOUNT.key}`).join(';');
}

/** Azurite's endpoints for known ports, before it runs; of the development account unless named. */
export function endpointsFor(
  ports: { blobPort: number; queuePort: number; tablePort: number },
  account: string = DEV_ACCOUNT.name,
): AzuriteEndpoints {
  const at = (port: number) => `http://127.0.0.1:${port}/${account}`;
  return { blobEndpoint: at(ports.blobPort), queueEndpoint: at(ports.queuePort), tableEndpoint: at(ports.tablePort) };
}

/**
 * A storage account nobody listens on (port 1 is reserved and closed), for checks of what an
 * app answers when storage is unreachable.
 */
export const UNREACHABLE_STORAGE = connectionStringFor(endpointsFor({ blobPort: 1, queuePort: 1, tablePort: 1 }));

/**
 * Builds the connection string the storage SDKs and the Functions host read. The account is the
 * one the endpoints name (Azurite's path-style URLs: `http://127.0.0.1:10000/devstoreaccount1`).
 */
export function connectionStringFor(endpoints: AzuriteEndpoints): string {
  const account = new URL(endpoints.blobEndpoint).pathname.split('/')[1] || DEV_ACCOUNT.name;
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${account}`,
    `AccountKey=${DEV_ACCOUNT.key}`,
    `BlobEndpoint=${endpoints.blobEndpoint}`,
    `QueueEndpoint=${endpoints.queueEndpoint}`,
    `TableEndpoint=${endpoints.tableEndpoint}`,
    '',
  ].join(';');
}

function azuriteEntryPoint(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('azurite/dist/src/azurite.js');
}

/** Preloaded into Azurite: it stops when the process that started it is gone. */
const EXIT_WITH_PARENT = fileURLToPath(new URL('./exit-with-parent.ts', import.meta.url));
/** Preloaded into Azurite: it does not load the telemetry client that --disableTelemetry leaves unused. */
const WITHOUT_TELEMETRY = fileURLToPath(new URL('./without-telemetry.ts', import.meta.url));

/** Azurite's command line, answering only once a change is on disk: for data on disk. */
const SAVING_ENTRY_POINT = fileURLToPath(new URL('./azurite-process.ts', import.meta.url));

/**
 * Starts Azurite from npm in its own process and resolves once all three services listen.
 * Ports default to 0, so runs side by side never collide; the real ports are read from
 * Azurite's own "successfully listening at" lines.
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const args = [
    '--import',
    EXIT_WITH_PARENT,
    '--import',
    WITHOUT_TELEMETRY,
    options.location && options.saveBeforeAnswering ? SAVING_ENTRY_POINT : azuriteEntryPoint(),
    '--blobPort',
    String(options.blobPort ?? 0),
    '--queuePort',
    String(options.queuePort ?? 0),
    '--tablePort',
    String(options.tablePort ?? 0),
    '--loose',
    '--silent',
    '--disableTelemetry',
  ];
  // Newer storage SDKs send API versions Azurite does not know yet; the emulator still
  // understands the requests, so the check only gets in the way.
  if (!options.apiVersionCheck) args.push('--skipApiVersionCheck');
  if (options.location) {
    mkdirSync(options.location, { recursive: true });
    args.push('--location', options.location);
  } else {
    args.push('--inMemoryPersistence', '--extentMemoryLimit', '1024');
  }

  const child = spawn(process.execPath, args, {
    cwd: options.location ?? tmpdir(),
    detached: options.ownProcessGroup ?? false,
    // The IPC channel is how Azurite knows its parent is gone (exit-with-parent.ts).
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Node's on-disk code cache (the folder Node itself uses by default): Azurite is a large
    // program, and every check run starts one; compiled once, it starts about a third faster.
    env: {
      NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache'),
      ...process.env,
      ...(options.accounts?.length ? { AZURITE_ACCOUNTS: accountsSetting(options.accounts) } : {}),
    },
  });
  // The channel must not keep this process alive: it only tells Azurite when this one is gone.
  child.channel?.unref();
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => process.off('exit', killOnExit));

  const endpoints = await new Promise<Record<Service, string>>((resolve, reject) => {
    const found: Partial<Record<Service, string>> = {};
    const onLine = (line: string) => {
      output.push(line);
      options.onOutput?.(line);
      const match = /Azurite (Blob|Queue|Table) service is successfully listening at (http:\/\/\S+)/.exec(line);
      if (!match) return;
      found[match[1] as Service] = match[2]!;
      if (SERVICES.every((s) => found[s])) resolve(found as Record<Service, string>);
    };
    readLines(child.stdout!, onLine);
    readLines(child.stderr!, onLine);
    child.once('error', reject);
    child.once('exit', (code) => {
      reject(new Error(explainFailure(code, output, options)));
    });
  });

  const account = `/${DEV_ACCOUNT.name}`;
  const running: AzuriteEndpoints = {
    blobEndpoint: endpoints.Blob + account,
    queueEndpoint: endpoints.Queue + account,
    tableEndpoint: endpoints.Table + account,
  };
  return {
    ...running,
    connectionString: connectionStringFor(running),
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function explainFailure(code: number | null, output: string[], options: AzuriteOptions): string {
  const text = output.join('\n');
  if (/EADDRINUSE/.test(text)) {
    const ports = [options.blobPort, options.queuePort, options.tablePort].filter(Boolean).join(', ');
    return (
      `Azurite could not start: port ${ports} is already in use by another program. ` +
      'Stop that program (another Azurite?) or choose other ports.'
    );
  }
  return `Azurite exited (code ${code}) before it was ready.\n${text}`.trim();
}

function readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split(/\r?\n/);
    rest = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
  });
}
