import net from 'node:net';
import { join, relative } from 'node:path';
import type { ESLint } from 'eslint';
import { repoRoot } from './app-dir.ts';
import { onJsonLines, writeJsonLine } from '@workshop/host/local-socket';

/** Where lintFindings asks a warm ESLint (lint-service.ts): a socket's path, in the checks' environment. */
export const LINT_SERVICE_ENV = 'WORKSHOP_LINT_SERVICE';

/**
 * What the workshop's ESLint config (eslint.config.js at the repository's root, with the rule
 * durable/orchestrator-determinism) finds in an app's `src`, one line each:
 * `src/functions/x.ts:12:5 message (rule)`. Empty when it finds nothing. Under
 * `npm run lab -- --watch`, the ESLint the watching process keeps loaded answers (lint-service.ts).
 */
export async function lintFindings(appDir: string): Promise<string[]> {
  const warm = await askLintService(appDir);
  if (warm) return warm;
  // Loaded here, not with the test kit: only the labs that lint pay for ESLint.
  const { ESLint } = await import('eslint');
  return lintWith(new ESLint({ cwd: repoRoot }), appDir);
}

/** The findings of one ESLint instance in an app's `src`. */
export async function lintWith(eslint: ESLint, appDir: string): Promise<string[]> {
  const results = await eslint.lintFiles([join(appDir, 'src')]);
  return results.flatMap((result) =>
    result.messages.map(
      (m) =>
        `${relative(appDir, result.filePath)}:${m.line}:${m.column} ${m.message}${m.ruleId ? ` (${m.ruleId})` : ''}`,
    ),
  );
}

/** The warm ESLint's findings; undefined when there is none, or it did not answer. */
function askLintService(appDir: string): Promise<string[] | undefined> {
  const socketPath = process.env[LINT_SERVICE_ENV];
  if (!socketPath) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    writeJsonLine(socket, { appDir });
    onJsonLines(socket, (value) => {
      const findings = (value as { findings?: unknown } | null)?.findings;
      resolve(Array.isArray(findings) ? (findings as string[]) : undefined);
      socket.destroy();
    });
    socket.on('error', () => resolve(undefined));
    socket.on('close', () => resolve(undefined));
  });
}
