// The parts of host.json this host honours: the HTTP route prefix, the log levels and the
// function timeout (which an app setting `AzureFunctionsJobHost__functionTimeout` overrides, as
// app settings override host.json values in the Functions host).
// A missing host.json means the defaults, as with the real host.

import path from 'node:path';
import type { RpcLogLevel } from './core-types.ts';
import { parseLogLevel } from './console-log.ts';
import { isRecord, readJsonFile } from './jsonc.ts';

export interface HostJson {
  /** `extensions.http.routePrefix`; default "api"; "" serves functions at the root. */
  routePrefix: string;
  /** `logging.logLevel.default` (default Information). */
  defaultLogLevel: RpcLogLevel;
  /** `logging.logLevel` entries for `Function` and `Function.<name>` (and `Function.<name>.User`). */
  functionLogLevels: Record<string, RpcLogLevel>;
  /**
   * `functionTimeout` in ms; undefined for none (`-1`). Default 30 minutes, the host's default
   * outside the Consumption plan (which `func start` uses too); the host refuses less than 1 s.
   */
  functionTimeoutMs: number | undefined;
}

/** The Functions host's default functionTimeout when the app runs on a dedicated plan or locally. */
export const DEFAULT_FUNCTION_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * A .NET TimeSpan as host.json writes it: `hh:mm:ss`, `d.hh:mm:ss`, optional `.fff`. Undefined
 * when the text is not one.
 */
export function parseTimeSpan(text: string): number | undefined {
  const match = /^\s*(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?\s*$/.exec(text);
  if (!match) return undefined;
  const [, days = '0', hours, minutes, seconds, fraction = ''] = match;
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return undefined;
  const ms = Number(`0.${fraction || '0'}`) * 1000;
  return (
    ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000 + Math.round(ms)
  );
}

function readFunctionTimeout(value: unknown): number | undefined {
  if (value === undefined || value === null) return DEFAULT_FUNCTION_TIMEOUT_MS;
  if (value === '-1' || value === -1) return undefined;
  const ms = typeof value === 'string' ? parseTimeSpan(value) : undefined;
  if (ms === undefined)
    throw new Error(
      `host.json: functionTimeout must be a time span such as "00:05:00" (or "-1" for none), not ${JSON.stringify(value)}.`,
    );
  if (ms < 1000) throw new Error(`host.json: functionTimeout must be at least 00:00:01, not "${String(value)}".`);
  return ms;
}

/** A host.json value as an app setting overrides it: `AzureFunctionsJobHost__a__b__c` (names compared case-insensitively). */
export function hostJsonOverride(env: NodeJS.ProcessEnv, path: string[]): string | undefined {
  const wanted = ['AzureFunctionsJobHost', ...path].join('__').toLowerCase();
  return Object.entries(env).find(([key]) => key.toLowerCase() === wanted)?.[1];
}

export function readHostJson(appDir: string, env: NodeJS.ProcessEnv = process.env): HostJson {
  const raw = readJsonFile(path.join(appDir, 'host.json'));
  const result: HostJson = {
    routePrefix: 'api',
    defaultLogLevel: 'information',
    functionLogLevels: {},
    functionTimeoutMs: DEFAULT_FUNCTION_TIMEOUT_MS,
  };
  result.functionTimeoutMs = readFunctionTimeout(
    hostJsonOverride(env, ['functionTimeout']) ?? (isRecord(raw) ? raw.functionTimeout : undefined),
  );
  if (!isRecord(raw)) return result;

  const http = isRecord(raw.extensions) && isRecord(raw.extensions.http) ? raw.extensions.http : undefined;
  if (http && typeof http.routePrefix === 'string') {
    result.routePrefix = http.routePrefix.replace(/^\/+|\/+$/g, '');
  }

  const logLevel = isRecord(raw.logging) && isRecord(raw.logging.logLevel) ? raw.logging.logLevel : undefined;
  if (logLevel) {
    for (const [category, value] of Object.entries(logLevel)) {
      const level = parseLogLevel(value);
      if (!level) continue;
      if (category.toLowerCase() === 'default') result.defaultLogLevel = level;
      else if (category.toLowerCase() === 'function' || category.toLowerCase().startsWith('function.')) {
        result.functionLogLevels[category.toLowerCase()] = level;
      }
    }
  }
  return result;
}

/**
 * The minimum level for logs of one function: the most specific `logging.logLevel` category
 * wins (`Function.<name>.User`, then `Function.<name>`, then `Function`, then `default`),
 * which is how category filters of .NET logging apply to the host's `Function.<name>` loggers.
 */
export function functionLogLevel(hostJson: HostJson, functionName: string): RpcLogLevel {
  const name = functionName.toLowerCase();
  return (
    hostJson.functionLogLevels[`function.${name}.user`] ??
    hostJson.functionLogLevels[`function.${name}`] ??
    hostJson.functionLogLevels['function'] ??
    hostJson.defaultLogLevel
  );
}
