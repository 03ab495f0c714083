// ESLint kept loaded by `npm run lab -- --watch` between runs of the checks (issue #14). Loading
// ESLint, its TypeScript parser and the compiler it uses costs a run about 0.5 s of CPU, on 2
// cores beside the app's hosts; a warm instance lints an app's few files in tens of
// milliseconds. A check's lintFindings asks it over a local socket (one line of JSON each way)
// and lints by itself when there is none, or it does not answer.

import type net from 'node:net';
import { listenLocally, onJsonLines, writeJsonLine } from '@workshop/host/local-socket';
import { LINT_SERVICE_ENV, lintWith } from './lint.ts';

export { LINT_SERVICE_ENV };

export interface LintService {
  env: Record<string, string>;
  /** How many requests it has answered. */
  answered(): number;
  stop(): Promise<void>;
}

export async function startLintService(): Promise<LintService> {
  const { ESLint } = await import('eslint');
  const { repoRoot } = await import('./app-dir.ts');
  const eslint = new ESLint({ cwd: repoRoot });
  // One lint at a time: a second request waits for the first, as a second process would.
  let queue: Promise<unknown> = Promise.resolve();
  let answered = 0;
  const server = await listenLocally('lint', (socket: net.Socket) => {
    let asked = false;
    onJsonLines(socket, (value) => {
      // One request per connection.
      if (asked) return;
      asked = true;
      const appDir = (value as { appDir?: unknown } | null)?.appDir;
      if (typeof appDir !== 'string') return void socket.destroy();
      const answer = (queue = queue.then(() => lintWith(eslint, appDir)));
      answer.then(
        (findings) => {
          answered++;
          writeJsonLine(socket, { findings });
          socket.end();
        },
        (error: unknown) => {
          writeJsonLine(socket, { error: String(error) });
          socket.end();
        },
      );
    });
    socket.on('error', () => undefined);
  });
  return {
    env: { [LINT_SERVICE_ENV]: server.path },
    answered: () => answered,
    stop: () => server.close(),
  };
}
