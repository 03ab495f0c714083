import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appFiles } from '../lib/app-files.ts';
import { guideHints, hintsQuoting, parseHints } from '../lib/guide-hints.ts';
import { findLab, readManifest, solutionDir } from '../lib/manifest.ts';
import type { ChecksRun } from '../lib/run-checks.ts';
import { formatVerdict } from '../lib/verdict.ts';

const labs = readManifest();

/** The solution's TypeScript, all files in one string. */
function solutionSource(dir: string): string {
  return appFiles(dir)
    .filter((file) => file.startsWith('src/') && file.endsWith('.ts'))
    .map((file) => readFileSync(join(dir, file), 'utf8'))
    .join('\n');
}

/**
 * The solution's string literals as patterns: a template's `${…}` matches any text, and a
 * message split over lines with `+` is joined first.
 */
function solutionStrings(source: string): RegExp[] {
  const joined = source.replace(/(['`])\s*\+\s*\n\s*(['`])/g, '');
  const literals = [...joined.matchAll(/'((?:[^'\\\n]|\\.)*)'|`([^`]*)`/g)].map((m) => m[1] ?? m[2]!);
  return literals.map(
    (text) =>
      new RegExp(
        `^${text
          .split(/\$\{[^}]*\}/)
          .map((part) => part.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&'))
          .join('.*')}$`,
      ),
  );
}

/** The messages a hint's code writes as literals: a capital, then at least 24 characters. */
function quotedMessages(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].flatMap((block) =>
    [...block[1]!.matchAll(/'([A-Z][^'\n]{24,})'|`([A-Z][^`\n]{24,})`/g)].map((m) =>
      (m[1] ?? m[2]!).replace(/\$\{[^}]*\}/g, '…'),
    ),
  );
}

describe("the hints: one source, the guide's Hints section", () => {
  it.each(labs.map((lab) => [lab.id, lab] as const))('lab %s: its guide has hints numbered from 1', (_id, lab) => {
    expect(guideHints(lab).length).toBeGreaterThan(0);
  });

  it.each(labs.map((lab) => [lab.id, lab] as const))(
    "lab %s: every message a hint's code quotes is the solution's, word for word",
    (_id, lab) => {
      const patterns = solutionStrings(solutionSource(solutionDir(lab)));
      const quoted = guideHints(lab).flatMap((hint) => quotedMessages(hint.body));
      const missing = quoted.filter((message) => !patterns.some((pattern) => pattern.test(message)));
      expect(missing).toEqual([]);
    },
  );

  it("points lab 13's failures at their hint, and not a wait that only shows lastJobAt in its JSON", () => {
    // Found by the newcomer walkthrough of issue #14: Hint 3 quoted the bare word "lastJobAt".
    const hints = guideHints(findLab(labs, '13'));
    expect(
      hintsQuoting(
        hints,
        "the usage says the last job ran at 2026-12-06T10:00:00.000Z, but the job's own clock " +
          '(context.df.currentUtcDateTime) said 2026-12-06T09:00:00.000Z',
      ),
    ).toEqual([3]);
    expect(
      hintsQuoting(
        hints,
        "after these checks' 2 jobs on uploads, the state of containerUsage@uploads is 228 bytes, with the list " +
          '"made" (4 items)',
      ),
    ).toEqual([3]);
    expect(
      hintsQuoting(
        hints,
        'GET /api/usage?container=samples did not count the job within 20 s: it says {"jobs":0,"reserved":7,"lastJobAt":null}.',
      ),
    ).toEqual([]);
  });

  it("points each of lab 05's failures on the way, step by step, at its hint (the walkthrough: npm run hint went on to the orchestrator's answer while the job still answered 501)", () => {
    const hints = guideHints(findLab(labs, '05'));
    // The checks' words, from the starter and from copies with Step 4, then Steps 4 and 3 done.
    expect(
      hintsQuoting(
        hints,
        'POST /api/thumbnail-jobs?container=samples&width=200 should answer 202 (it answered 501: "Not implemented yet: start the orchestration in src/functions/thumbnail-jobs.ts (lab 05, Step 4)."): expected 501 to be 202',
      ),
    ).toEqual([1]);
    expect(
      hintsQuoting(
        hints,
        "The job on samples (instance b5aa) should complete, but its runtimeStatus is Failed: Orchestrator function 'thumbnailOrchestrator' failed: Not implemented yet: thumbnailOrchestrator in src/functions/thumbnail-orchestrator.ts (lab 05, Step 3).",
      ),
    ).toEqual([2]);
    expect(
      hintsQuoting(
        hints,
        "the orchestration's output (what the orchestrator returns). The manifest says: badge.png: Activity function 'makeThumbnail' failed: Not implemented yet: the activity makeThumbnail in src/functions/thumbnail-activities.ts (lab 05, Step 2).",
      ),
    ).toEqual([2]);
  });

  it("points lab 10's log lines at their hints, the one with a guard on step() only too (the walkthrough got hint 1 for it)", () => {
    const hints = guideHints(findLab(labs, '10'));
    const said = (line: string) =>
      `'${line}' was logged 5 times: the orchestrator logs again on every replay; guard with context.df.isReplaying`;
    expect(hintsQuoting(hints, said('Listing samples'))).toEqual([1]);
    expect(hintsQuoting(hints, said('Resizing photo.jpg'))).toEqual([2]);
    expect(hintsQuoting(hints, "the job's customStatus: expected null to be type of 'object'")).toEqual([3]);
  });

  it("points lab 12's event name with a capital at its hint (the walkthrough found none)", () => {
    const hints = guideHints(findLab(labs, '12'));
    expect(
      hintsQuoting(
        hints,
        "the review took the event 'Approval' (capital A) for its 'approval': it should wait for exactly APPROVAL_EVENT.",
      ),
    ).toEqual([4]);
    expect(
      hintsQuoting(
        hints,
        "the review 3f0c did not take the approval raised at once, and publish: once the app had nothing left to do, it was Running, custom status {}. An event reaches only an orchestrator that waits for its exact name: context.df.waitForExternalEvent(APPROVAL_EVENT), 'approval'.",
      ),
    ).toEqual([4]);
  });

  it("points lab 02's starter, answered by the host's own 404, at hint 1 (the walkthrough got none)", () => {
    expect(
      hintsQuoting(
        guideHints(findLab(labs, '02')),
        'GET /api/images?container=samples&blob=photo.jpg answered 404 with no body: no function answers at /api/images yet.',
      ),
    ).toEqual([1]);
  });

  it("points lab 03's missing blob answered 500 at hint 2, so that a failure no hint quotes is not given it (the verification walkthrough)", () => {
    expect(
      hintsQuoting(
        guideHints(findLab(labs, '03')),
        'GET /api/images?container=samples&blob=no-such-photo.jpg should answer 404 (it answered 500: "Storage failed: BlobNotFound")',
      ),
    ).toEqual([2]);
  });

  it("points lab 06's starter at the hint about its calls made one after another", () => {
    expect(
      hintsQuoting(
        guideHints(findLab(labs, '06')),
        'every makeThumbnail should be scheduled before the first one answers, but the history shows: scheduled badge.png, answered badge.png: expected false to be true',
      ),
    ).toEqual([1]);
  });

  it("points a failing check at the guide's hint that quotes its failure, by number", () => {
    const lab = findLab(labs, '10');
    const message =
      "the custom status went back to null 3 time(s) while the job ran ('Listing samples' → null): an " +
      'episode that only replays saved none';
    expect(hintsQuoting(guideHints(lab), message)).toEqual([4]);
    expect(hintsQuoting(guideHints(lab), "'Listing samples' was logged 7 times, once per episode")).toEqual([1]);
    const run: ChecksRun = {
      checks: [{ title: 'while a job with batchSize=2 runs…', state: 'failed', error: { message } }],
      errors: [],
      passed: false,
    };
    const verdict = formatVerdict(lab, 'labs/10-debugging-replay', run, undefined).replace(/\x1b\[[0-9;]*m/g, '');
    expect(verdict).toContain('More: Hint 4 in the guide: npm run hint -- 10 4');
  });

  it('refuses hints out of order, so a guide cannot skip one', () => {
    const text = '## Hints\n\n<details><summary>Hint 2 — x</summary>\n\nbody\n\n</details>\n';
    expect(() => parseHints(text, 'guide.md')).toThrow('hint 2 comes where hint 1 should');
  });
});
