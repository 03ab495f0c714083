import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { repoRoot } from './app-dir.ts';
import { withCheckSignal } from './check-signal.ts';
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
  it(title, { concurrent: false }, async ({ task, signal }) => {
    task.meta.hint = meta.hint;
    task.meta.guide = meta.guide;
    // An earlier check left the worker blocked by an orchestrator that never yields: say so now.
    const blocked = blockedWorker();
    if (blocked) throw new Error(blocked);
    let narrowed = false;
    try {
      await withCheckSignal(signal, async () =>
        fn({
          narrow: (narrower) => {
            narrowed = true;
            if (narrower.hint !== undefined) task.meta.hint = narrower.hint;
            if (narrower.guide !== undefined) task.meta.guide = narrower.guide;
          },
        }),
      );
    } catch (error) {
      if (!narrowed) Object.assign(task.meta, placeholderStep(meta, error));
      throw error;
    }
  });
}

/** What a starter's placeholder answers: "Not implemented yet: makeThumbnail() in … (lab 04, Step 4)". */
const PLACEHOLDER = /Not implemented yet: (.+?) \(lab (\d+), Step (\d+)\)/;

/**
 * A failure that quotes one of the lab's placeholders is about the step that writes it, whatever
 * the check tests (the walkthrough read Step 4 for the handler's Step 6 placeholder). The step's
 * anchor comes from the guide; without one, or when the check already points at that step (its
 * own hint says more), the check's hint and guide stay.
 */
export function placeholderStep(meta: CheckMeta, error: unknown): Partial<CheckMeta> {
  const found = PLACEHOLDER.exec(error instanceof Error ? error.message : String(error));
  const [file, ownAnchor] = meta.guide.split('#');
  if (!found || !file?.startsWith(`labs/${found[2]}-`)) return {};
  const [, what, , step] = found;
  if (ownAnchor?.startsWith(`step-${step}-`)) return {};
  try {
    const anchor = new RegExp(`<a id="(step-${step}-[^"]+)">`).exec(readFileSync(join(repoRoot, file), 'utf8'))?.[1];
    if (!anchor) return {};
    return {
      hint: `${what} is still the placeholder that answers "Not implemented yet": Step ${step} of the guide writes it.`,
      guide: `${file}#${anchor}`,
    };
  } catch {
    return {};
  }
}
