import { appFiles, readText } from './app-files.ts';

/**
 * Two files differ by design: package.json in its name (workspace names are unique), and
 * host.json in its task hub name (each lab keeps its orchestrations in a hub of its own).
 */
function comparable(file: string, text: string | undefined): string | undefined {
  if (text === undefined) return text;
  if (file === 'package.json') {
    const { name: _name, ...rest } = JSON.parse(text) as Record<string, unknown>;
    return JSON.stringify(rest, null, 2);
  }
  if (file === 'host.json') return JSON.stringify(withoutHubName(JSON.parse(text) as HostJson), null, 2);
  return text;
}

interface HostJson {
  extensions?: { durableTask?: Record<string, unknown>; [key: string]: unknown };
  [key: string]: unknown;
}

function withoutHubName(hostJson: HostJson): HostJson {
  const durableTask = hostJson.extensions?.durableTask;
  if (!durableTask) return hostJson;
  const { hubName: _hubName, ...rest } = durableTask;
  const { durableTask: _durableTask, ...otherExtensions } = hostJson.extensions ?? {};
  const extensions = Object.keys(rest).length > 0 ? { ...otherExtensions, durableTask: rest } : otherExtensions;
  const { extensions: _extensions, ...others } = hostJson;
  return Object.keys(extensions).length > 0 ? { ...others, extensions } : others;
}

/**
 * Starter NN must be solution NN−1 plus lab NN's TODOs. Returns one line per file that differs
 * although the manifest does not list it among the lab's changes.
 */
export function findDrift(previousSolution: string, starter: string, allowedChanges: string[]): string[] {
  const allowed = new Set(allowedChanges);
  const files = new Set([...appFiles(previousSolution), ...appFiles(starter)]);
  const problems: string[] = [];
  for (const file of [...files].sort()) {
    if (allowed.has(file)) continue;
    const before = comparable(file, readText(previousSolution, file));
    const after = comparable(file, readText(starter, file));
    if (before === after) continue;
    if (before === undefined) problems.push(`${file} is new in the starter but not listed in the manifest's "changes"`);
    else if (after === undefined) problems.push(`${file} is missing from the starter`);
    else problems.push(`${file} differs from the previous solution but is not listed in the manifest's "changes"`);
  }
  return problems;
}
