// The mistakes the pitfall labs make learners write on purpose, added to a copy of the lab 06
// solution for `npm run faults`: an async orchestrator (the SDK fails the instance, then the
// stray async body throws where nobody catches it and ends the worker), and an orchestrator
// that trusts its input (batch size 0 loops until the worker runs out of memory, every time it
// is retried, until its message is poison). The host must outlive both, keep answering, and
// leave no instance Pending or Running.

import { rmSync, writeFileSync } from 'node:fs';
import { copyApp } from './app-files.ts';
import { join } from 'node:path';
import { repoRoot } from './manifest.ts';
import { LAB06_APP } from './thumbnail-fleet.ts';

export const ASYNC_ORCHESTRATOR = 'asyncThumbnails';
export const RUNAWAY_ORCHESTRATOR = 'unvalidatedBatches';

const MISTAKES = `// Added by npm run faults: mistakes a learner makes, next to the lab 06 solution.
import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { LIST_IMAGES } from '../lib/thumbnail-job.ts';

// async/await instead of function*/yield.
const asyncThumbnails = async function (context: OrchestrationContext) {
  const images = (await context.df.callActivity(LIST_IMAGES, context.df.getInput<string>())) as unknown as string[];
  for (const image of images) context.log(image);
  return images.length;
};
df.app.orchestration('${ASYNC_ORCHESTRATOR}', asyncThumbnails as unknown as OrchestrationHandler);

// Batches of a size nobody checked: 0 never ends.
df.app.orchestration('${RUNAWAY_ORCHESTRATOR}', function* (context) {
  const { container, batchSize } = context.df.getInput<{ container: string; batchSize: number }>();
  const images: string[] = yield context.df.callActivity(LIST_IMAGES, container);
  const batches: string[][] = [];
  for (let i = 0; i < images.length; i += batchSize) batches.push(images.slice(i, i + batchSize));
  return batches.length;
});
`;

/**
 * A copy of the lab 06 solution with the mistakes in one more file, under `.workshop/` (two
 * folders deep, like `solutions/06-…`, so its tsconfig's `extends` and its packages resolve as
 * the solution's do). Returns the folder and a function that removes it.
 */
export function lab06WithMistakes(name: string): { dir: string; remove: () => void } {
  const dir = join(repoRoot, '.workshop', name);
  copyApp(LAB06_APP, dir);
  writeFileSync(join(dir, 'src', 'functions', 'learner-mistakes.ts'), MISTAKES);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
