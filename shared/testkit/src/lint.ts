import { join, relative } from 'node:path';
import { repoRoot } from './app-dir.ts';

/**
 * What the workshop's ESLint config (eslint.config.js at the repository's root, with the rule
 * durable/orchestrator-determinism) finds in an app's `src`, one line each:
 * `src/functions/x.ts:12:5 message (rule)`. Empty when it finds nothing.
 */
export async function lintFindings(appDir: string): Promise<string[]> {
  // Loaded here, not with the test kit: only the labs that lint pay for ESLint.
  const { ESLint } = await import('eslint');
  const eslint = new ESLint({ cwd: repoRoot });
  const results = await eslint.lintFiles([join(appDir, 'src')]);
  return results.flatMap((result) =>
    result.messages.map(
      (m) =>
        `${relative(appDir, result.filePath)}:${m.line}:${m.column} ${m.message}${m.ruleId ? ` (${m.ruleId})` : ''}`,
    ),
  );
}
