import { bold, green, red } from './style.ts';

/** A figure for the table: its label, its value, and a note after it (a goal, a unit). */
export type FigureRow = readonly [label: string, value: string, note?: string];

/** Prints figures as a two-column table under a title, values right-aligned so they compare at a glance. */
export function printFigures(title: string, rows: readonly FigureRow[]): void {
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  console.log(bold(title));
  for (const [label, value, note] of rows) {
    console.log(`  ${label.padEnd(labelWidth)}  ${value.padStart(valueWidth)}${note ? `  ${note}` : ''}`);
  }
}

/** 123.4 MB (1 MB = 1024 × 1024 bytes), or n/a when the figure could not be read. */
export function megabytes(bytes: number | undefined): string {
  return bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** 12.34 s, or n/a when the figure could not be read. */
export function seconds(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${value.toFixed(2)} s`;
}

/** Prints the success line, or every problem (the first 20); answers the exit code: 0 or 1. */
export function printOutcome(problems: readonly string[], success: string, failureContext = ''): number {
  if (problems.length === 0) {
    console.log(green(`\n${success}`));
    return 0;
  }
  console.log(red(`\n${problems.length} broken promise(s)${failureContext}:`));
  for (const problem of problems.slice(0, 20)) console.log(red(`  ${problem}`));
  if (problems.length > 20) console.log(red(`  … and ${problems.length - 20} more`));
  return 1;
}
