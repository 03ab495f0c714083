// Prints host and function logs the way `func start` does: every entry on the console,
// prefixed with its UTC timestamp, e.g. `[2026-11-27T21:20:00.000Z] Executing 'Functions.hello' ...`.
// Warnings and errors go to stderr so a parent process can tell them apart.

import type { RpcLogLevel } from './core-types.ts';

const SEVERITY: Record<RpcLogLevel, number> = {
  trace: 0,
  debug: 1,
  information: 2,
  warning: 3,
  error: 4,
  critical: 5,
  none: 6,
};

export function severity(level: RpcLogLevel): number {
  return SEVERITY[level] ?? SEVERITY.information;
}

/** Maps the log levels found in host.json (`Information`, `Warning`, ...) to RPC levels. */
export function parseLogLevel(value: unknown): RpcLogLevel | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  const aliases: Record<string, RpcLogLevel> = {
    trace: 'trace',
    debug: 'debug',
    information: 'information',
    info: 'information',
    warning: 'warning',
    warn: 'warning',
    error: 'error',
    critical: 'critical',
    none: 'none',
  };
  return aliases[v];
}

export type LogWriter = (level: RpcLogLevel, message: string) => void;

export function timestamp(date = new Date()): string {
  return `[${date.toISOString()}]`;
}

/** A writer that prints to this process's stdout/stderr, dropping entries below `minLevel`. */
export function consoleWriter(minLevel: RpcLogLevel = 'information'): LogWriter {
  return (level, message) => {
    if (level === 'none' || severity(level) < severity(minLevel)) return;
    const line = `${timestamp()} ${message}\n`;
    if (severity(level) >= SEVERITY.warning) process.stderr.write(line);
    else process.stdout.write(line);
  };
}
