// App settings, resolved as Core Tools does for `func start`: the `Values` of
// local.settings.json are copied into the environment unless the environment already defines
// them (the environment wins), and the app — loaded into this process — reads them from
// process.env. Settings are applied before the app is imported, so module-level code sees them.

import path from 'node:path';
import { isRecord, readJsonFile } from './jsonc.ts';

export interface LocalSettings {
  /** `Values` of local.settings.json (empty when the file is absent, as it is git-ignored). */
  values: Record<string, string>;
  /** `Host.LocalHttpPort`, which `func start` uses as its default port. */
  localHttpPort?: number;
  /** Whether local.settings.json exists. */
  found: boolean;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

export function readLocalSettings(appDir: string): LocalSettings {
  const file = path.join(appDir, 'local.settings.json');
  let raw: unknown;
  try {
    raw = readJsonFile(file);
  } catch (err) {
    throw new SettingsError(`local.settings.json: ${(err as Error).message.replace(file + ' ', '')}`);
  }
  if (raw === undefined) return { values: {}, found: false };
  if (!isRecord(raw)) throw new SettingsError('local.settings.json must contain a JSON object.');
  if (raw.IsEncrypted === true) {
    throw new SettingsError(
      'local.settings.json is encrypted (IsEncrypted: true); this host reads only plain settings.',
    );
  }
  const values: Record<string, string> = {};
  if (isRecord(raw.Values)) {
    for (const [key, value] of Object.entries(raw.Values)) {
      // Core Tools reads every value as a string; null becomes empty.
      values[key] =
        value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  const result: LocalSettings = { values, found: true };
  if (isRecord(raw.Host)) {
    const port = Number(raw.Host.LocalHttpPort);
    if (Number.isInteger(port) && port > 0 && port < 65536) result.localHttpPort = port;
  }
  return result;
}

export interface AppliedSettings {
  local: LocalSettings;
  /** Names of local settings skipped because the environment already defines them. */
  overriddenByEnvironment: string[];
}

/**
 * Applies settings to `target` (process.env by default): explicit `env` first (it is the
 * environment the host was started with), then local settings for names still undefined.
 * Then checks FUNCTIONS_WORKER_RUNTIME, which must say `node` for this host.
 */
export function applySettings(
  appDir: string,
  env: Record<string, string> = {},
  target: NodeJS.ProcessEnv = process.env,
): AppliedSettings {
  for (const [key, value] of Object.entries(env)) target[key] = value;
  const local = readLocalSettings(appDir);
  const overriddenByEnvironment: string[] = [];
  for (const [key, value] of Object.entries(local.values)) {
    if (target[key] !== undefined) overriddenByEnvironment.push(key);
    else target[key] = value;
  }
  checkWorkerRuntime(target);
  return { local, overriddenByEnvironment };
}

/**
 * The real host starts the Node worker only when FUNCTIONS_WORKER_RUNTIME is `node`. When it is
 * unset Core Tools infers the language from the project files; this host only runs Node apps,
 * so it assumes `node` then (and sets it, as the app may read it).
 */
export function checkWorkerRuntime(target: NodeJS.ProcessEnv): void {
  const runtime = target.FUNCTIONS_WORKER_RUNTIME;
  if (runtime === undefined || runtime.trim() === '') {
    target.FUNCTIONS_WORKER_RUNTIME = 'node';
    return;
  }
  if (runtime.trim().toLowerCase() !== 'node') {
    throw new SettingsError(
      `FUNCTIONS_WORKER_RUNTIME is "${runtime}", but this host runs only Node.js apps. ` +
        'Set it to "node" in local.settings.json (Values) or in the environment.',
    );
  }
}

/** Looks a setting up the way binding `connection` names and `%name%` tokens are resolved. */
export function getSetting(name: string, source: NodeJS.ProcessEnv = process.env): string | undefined {
  const direct = source[name];
  if (direct !== undefined) return direct;
  // App settings are case-insensitive in Azure (environment variables on Windows).
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(source)) {
    if (key.toLowerCase() === lower) return value;
  }
  // Nested configuration (`Section:Key`) is also reachable as `Section__Key`.
  if (name.includes(':')) return getSetting(name.replaceAll(':', '__'), source);
  return undefined;
}

/** An environment as the plain strings it is handed over as (to a host or worker in standby). */
export function environmentVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) variables[name] = value;
  return variables;
}

/** Makes this process's environment exactly `variables`: what a process in standby is handed. */
export function replaceEnvironment(variables: Record<string, string>): void {
  for (const name of Object.keys(process.env)) if (!(name in variables)) delete process.env[name];
  Object.assign(process.env, variables);
}
