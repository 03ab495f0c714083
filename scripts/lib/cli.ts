import { UsageError } from './manifest.ts';

/**
 * Runs a command's `main`. A UsageError prints its message and the usage (exit 2); any other
 * error prints in full (exit 1). A number that `main` returns is the exit code; nothing means
 * the command keeps running or has set `process.exitCode` itself.
 */
export function runCli(main: () => Promise<number | void> | number | void, usage: string): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => {
        if (typeof code === 'number') process.exit(code);
      },
      (error: unknown) => {
        // parseArgs' own errors (an unknown option, a missing value) are usage errors too.
        const parseError = String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
        if (error instanceof UsageError || parseError) {
          console.error(`${(error as Error).message}\n${usage}`);
          process.exit(2);
        }
        console.error(error instanceof Error && !error.stack ? error.message : error);
        process.exit(1);
      },
    );
}
