import { appFiles, readText } from './app-files.ts';

/** package.json differs in its name by design (workspace names are unique). */
function comparable(file: string, text: string | undefined): string | undefined {
  if (file !== 'package.json' || text === undefined) return text;
  const { name: _name, ...rest } = JSON.parse(text) as Record<string, unknown>;
  return JSON.stringify(rest, null, 2);
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
