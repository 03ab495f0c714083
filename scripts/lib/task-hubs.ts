import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { taskHubName } from '../../shared/testkit/src/durable.ts';
import { solutionDir, starterDir, type Lab } from './manifest.ts';

const DEFAULT_HUB = 'TestHubName';

function usesDurableFunctions(appDir: string): boolean {
  const pkg = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as { dependencies?: object };
  return Object.hasOwn(pkg.dependencies ?? {}, 'durable-functions');
}

/**
 * Every lab with orchestrations keeps them in a task hub of its own, named in host.json: two
 * apps on one storage account with one hub would take each other's messages (Azure requires
 * distinct hubs), and serving lab 06 after lab 05 would replay lab 05's leftovers. Returns
 * one line per problem.
 */
export function findSharedTaskHubs(labs: Lab[]): string[] {
  const problems: string[] = [];
  const owner = new Map<string, string>();
  for (const lab of labs) {
    const hubs = new Set<string>();
    for (const [kind, appDir] of [
      ['starter', starterDir(lab)],
      ['solution', solutionDir(lab)],
    ] as const) {
      if (!usesDurableFunctions(appDir)) continue;
      const hub = taskHubName(appDir);
      if (hub === DEFAULT_HUB) {
        problems.push(`lab ${lab.id}'s ${kind}: host.json names no task hub (extensions.durableTask.hubName)`);
        continue;
      }
      hubs.add(hub.toLowerCase());
    }
    if (hubs.size > 1) problems.push(`lab ${lab.id}: its starter and solution name different task hubs`);
    for (const hub of hubs) {
      const other = owner.get(hub);
      if (other) problems.push(`labs ${other} and ${lab.id} share the task hub ${hub}`);
      else owner.set(hub, lab.id);
    }
  }
  return problems;
}
