import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../../', import.meta.url)));

export interface Lab {
  id: string;
  slug: string;
  title: string;
  /** The title of the check an untouched starter must fail: the lab's own lesson. */
  starterFails: string;
  /** App files the starter may change relative to the previous lab's solution. */
  changes: string[];
}

export function readManifest(): Lab[] {
  const text = readFileSync(join(repoRoot, 'labs', 'manifest.json'), 'utf8');
  return (JSON.parse(text) as { labs: Lab[] }).labs;
}

/** Accepts "1", "01" or "01-http-trigger"; answers with a message a learner can act on. */
export function findLab(labs: readonly Lab[], wanted: string | undefined): Lab {
  const ids = labs.map((l) => l.id).join(', ');
  if (!wanted) throw new UsageError(`Which lab? Give its number, one of: ${ids}.`);
  const id = /^\d+$/.test(wanted) ? wanted.padStart(2, '0') : wanted.slice(0, 2);
  const lab = labs.find((l) => l.id === id);
  if (!lab) throw new UsageError(`There is no lab "${wanted}". Labs are: ${ids}.`);
  return lab;
}

export const starterDir = (lab: Lab) => join(repoRoot, 'labs', lab.slug);
export const solutionDir = (lab: Lab) => join(repoRoot, 'solutions', lab.slug);
export const guidePath = (lab: Lab) => `labs/${lab.slug}/README.md`;

/** Lab folders that exist on disk, to catch a manifest that forgot one. */
export function labFolders(): string[] {
  return readdirSync(join(repoRoot, 'labs'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^\d\d-/.test(d.name))
    .map((d) => d.name)
    .sort();
}

/** An error whose message is all the user needs: print it without a stack. */
export class UsageError extends Error {}
