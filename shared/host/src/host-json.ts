// The parts of host.json this host honours: the HTTP route prefix and the log levels.
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
}

export function readHostJson(appDir: string): HostJson {
  const raw = readJsonFile(path.join(appDir, 'host.json'));
  const result: HostJson = { routePrefix: 'api', defaultLogLevel: 'information', functionLogLevels: {} };
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
