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

/** An option's value as a whole number from `min` up; anything else is a usage error naming the option. */
export function wholeNumber(option: string, text: string, min: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min)
    throw new UsageError(`--${option} must be a whole number from ${min} up (got "${text}").`);
  return value;
}

/**
 * The lab number is the one word a command takes besides its options. Anything after it was
 * not read, most often an option after a second `--` (`npm start -- 05 -- --solution`), which
 * npm hands on and Node's argument parser then takes for a word: say so, rather than serve or
 * check the other folder in silence.
 */
export function onlyTheLab(positionals: readonly string[], command: (option: string) => string): void {
  const extra = positionals.slice(1);
  if (extra.length === 0) return;
  const option = extra.find((word) => word.startsWith('-'));
  throw new UsageError(
    option
      ? `"${option}" came after a second "--", so it was not read as an option. Write one "--" only: ${command(option)}`
      : `Only one lab number, please (got "${positionals.join(' ')}").`,
  );
}
