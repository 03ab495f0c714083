import { it } from 'vitest';
import { blockedWorker } from './lab-app.ts';

declare module 'vitest' {
  interface TaskMeta {
    /** What to try when this check fails, in the learner's words. */
    hint?: string;
    /** Where in the guide to read: a path from the repo root, with an anchor. */
    guide?: string;
  }
}

export interface CheckMeta {
  hint: string;
  guide: string;
}

export interface CheckContext {
  /**
   * Replaces the hint (and the guide section) once the check knows more about where the
   * learner is: a function that answers 501 is registered already, so "register it" would
   * send them back to a step they have done.
   */
  narrow(meta: Partial<CheckMeta>): void;
}

/**
 * A lab check: a Vitest test that carries a hint and a pointer into the guide, so the
 * checkpoint runner can tell a learner what to do next when it fails.
 */
export function check(title: string, meta: CheckMeta, fn: (context: CheckContext) => Promise<void> | void): void {
  // One after another, always: the checks of a describe block share its app and often its job.
  // The blocks themselves may run side by side (`describe(name, { concurrent: true }, …)`), each
  // on an app of its own, so a lab's verdict waits for its slowest block, not for their sum.
  it(title, { concurrent: false }, async ({ task }) => {
    task.meta.hint = meta.hint;
    task.meta.guide = meta.guide;
    // An earlier check left the worker blocked by an orchestrator that never yields: say so now.
    const blocked = blockedWorker();
    if (blocked) throw new Error(blocked);
    await fn({
      narrow: (narrower) => {
        if (narrower.hint !== undefined) task.meta.hint = narrower.hint;
        if (narrower.guide !== undefined) task.meta.guide = narrower.guide;
      },
    });
  });
}
