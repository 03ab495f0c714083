// The lab's type errors in its verdict (issue #12, item 2). The checks run the app's TypeScript
// without checking its types, as Node's type stripping does; `npm start` and Azure build it with
// tsc first, which stops at the first type error. So the compiler runs on the app folder's own
// tsconfig.json in a child process (typecheck-app.ts), alongside the checks rather than after
// them: the verdict waits for it only when it outlasts the checks.

import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './manifest.ts';
import { cyan, dim, red } from './style.ts';
import { likelyStrayOpeningBrace } from './unmatched-brace.ts';
import type { TypecheckReport } from './typecheck-app.ts';

export type { NotAGenerator, TypecheckReport, TypeDiagnostic } from './typecheck-app.ts';

const SCRIPT = fileURLToPath(new URL('./typecheck-app.ts', import.meta.url));
/** V8's compile cache, as the host and Azurite use it: the compiler's 9 MB of JavaScript loads about 150 ms sooner. */
const CHILD_ENV = { NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache'), ...process.env };
/** Nice 15: a few per cent of a core while the checks want it, all of it while they wait. */
const LOW_PRIORITY = 15;
/** How many type errors the verdict lists; the rest are counted. */
const SHOWN = 5;
/** A message longer than this is cut: the compiler's longest run to several hundred characters. */
const MAX_MESSAGE = 320;
/** TS1xxx: the file does not parse (a stray brace, a missing parenthesis), the rest are about types. */
export const isSyntax = (code: number) => code >= 1000 && code < 2000;

export interface RunningTypecheck {
  /** The report; undefined when the compiler could not run (the verdict is then about the checks only). */
  result: Promise<TypecheckReport | undefined>;
  /** Ends the child early (a new run in watch mode replaces it). */
  cancel(): void;
}

/** Starts the compiler on `appDir` in a child process, on this Node. */
export function startTypecheck(appDir: string): RunningTypecheck {
  let child: ChildProcess | undefined;
  const result = new Promise<TypecheckReport | undefined>((resolve) => {
    child = spawn(process.execPath, [SCRIPT, appDir], {
      cwd: repoRoot,
      env: CHILD_ENV,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    // The checks first: the compiler takes the CPU they leave (they wait on the host and storage a lot).
    try {
      if (child.pid) setPriority(child.pid, LOW_PRIORITY);
    } catch {
      // not allowed here: it runs at the usual priority
    }
    const chunks: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => {
      if (code !== 0) return resolve(undefined);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as TypecheckReport);
      } catch {
        resolve(undefined);
      }
    });
  });
  return {
    result,
    cancel: () => {
      if (child && child.exitCode === null) child.kill();
    },
  };
}

/**
 * Watch mode: one compiler process kept warm for the app folder, asked again after each save
 * (a run then costs a fraction of the first: only what changed is read again).
 */
export class WarmTypechecker {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, (report: TypecheckReport | undefined) => void>();
  #next = 0;

  constructor(appDir: string) {
    this.#child = spawn(process.execPath, [SCRIPT, appDir, '--serve'], {
      cwd: repoRoot,
      env: CHILD_ENV,
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    try {
      if (this.#child.pid) setPriority(this.#child.pid, LOW_PRIORITY);
    } catch {
      // not allowed here: it runs at the usual priority
    }
    this.#child.on('message', (message: { id: number; report?: TypecheckReport }) => {
      this.#waiting.get(message.id)?.(message.report);
      this.#waiting.delete(message.id);
    });
    this.#child.on('exit', () => {
      for (const resolve of this.#waiting.values()) resolve(undefined);
      this.#waiting.clear();
    });
  }

  check(): RunningTypecheck {
    const id = this.#next++;
    const result = new Promise<TypecheckReport | undefined>((resolve) => {
      if (!this.#child.connected) return resolve(undefined);
      this.#waiting.set(id, resolve);
      this.#child.send({ id });
    });
    // A run that is replaced leaves its answer unread; the compiler finishes it, then takes the next.
    return { result, cancel: () => this.#waiting.get(id)?.(undefined) };
  }

  stop(): void {
    if (this.#child.exitCode === null) this.#child.kill();
  }
}

/** A place in the repository as a learner's terminal can open it: `labs/05-…/src/x.ts:29:14`. */
export function locationOf(file: string, line: number, column?: number): string {
  return `${relative(repoRoot, file)}:${line}${column ? `:${column}` : ''}`;
}

function firstLine(message: string, code: number): string {
  let line = message.split('\n')[0] ?? '';
  // TS1128 at the end of a file: the brace out of place is above, where the compiler could not tell.
  if (code === 1128) line += ' (often a brace too many or too few somewhere above this line)';
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 1)}…` : line;
}

/**
 * The verdict's lines for the type errors; none when there are none. `explainedAt` (`file:line`)
 * is where a mistake the verdict already named was found: its error says so, not a second story.
 */
export function formatTypeErrors(
  report: TypecheckReport | undefined,
  appLabel: string,
  explainedAt?: string,
): string[] {
  const errors = report?.errors ?? [];
  if (errors.length === 0) return [];
  const kind = errors.every((e) => isSyntax(e.code)) ? 'syntax error' : 'type error';
  const count = errors.length === 1 ? `1 ${kind}` : `${errors.length} ${kind}s`;
  const out = [
    red(`✗ ${count}: tsc would not build this app (func start and a deployment to Azure build it with tsc first):`),
  ];
  for (const error of errors.slice(0, SHOWN)) {
    const explained = explainedAt === locationOf(error.file, error.line) ? dim(' (the mistake named above)') : '';
    out.push(
      `    ${cyan(locationOf(error.file, error.line, error.column))}  ${firstLine(error.message, error.code)}${explained}`,
    );
    const stray =
      error.code === 1005 && error.message.startsWith("'}' expected") ? likelyStrayOpeningBrace(error.file) : undefined;
    if (stray !== undefined && stray !== error.line)
      out.push(
        `      a '{' with no '}' to match: look at ${cyan(locationOf(error.file, stray))}, the line that opens a block and indents nothing under it`,
      );
  }
  if (errors.length > SHOWN) {
    out.push(`    and ${errors.length - SHOWN} more: ${cyan(`npx tsc -p ${appLabel} --noEmit`)} lists them all`);
  }
  return out;
}
