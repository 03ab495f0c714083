// Issue #12, items 2 and 3, on the verdict's own pieces (no host): the compiler's report on an app
// folder, and what the verdict makes of it and of the host's words about an async orchestrator.
// `npm test` runs the same mistakes through each lab's checks (verdict-mistakes.ts).

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runawayProblem } from '../../shared/testkit/src/durable.ts';
import { copyApp } from '../lib/app-files.ts';
import { findLab, readManifest, repoRoot, solutionDir } from '../lib/manifest.ts';
import { GENERATOR_RULE } from '../lib/orchestrator-mistake.ts';
import type { ChecksRun } from '../lib/run-checks.ts';
import type { TypecheckReport } from '../lib/type-errors.ts';
import { typecheckApp } from '../lib/typecheck-app.ts';
import { formatVerdict } from '../lib/verdict.ts';

const labs = readManifest();
const lab05 = findLab(labs, '05');
const lab08 = findLab(labs, '08');
const dir = join(repoRoot, '.workshop', 'test-not-generators');
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

const ORCHESTRATORS = `import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';

const asyncBehindACast = async function (context: OrchestrationContext) {
  return context.df.instanceId;
};
df.app.orchestration('asyncBehindACast', { handler: asyncBehindACast as unknown as OrchestrationHandler });
df.app.orchestration('arrow', ((context: OrchestrationContext) => context.df.instanceId) as unknown as OrchestrationHandler);
df.app.orchestration('asyncGenerator', async function* (context: OrchestrationContext) {
  yield context.df.callActivity('x');
} as unknown as OrchestrationHandler);
df.app.orchestration('fine', function* (context: OrchestrationContext) {
  yield context.df.callActivity('x');
});
`;

describe('the compiler beside the checks', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds no type error and no mistaken orchestrator in a solution', () => {
    expect(typecheckApp(solutionDir(lab05))).toEqual({ errors: [], notGenerators: [] });
  });

  it('finds every orchestrator that is not a generator function, behind a cast or in an options object, and the type errors with file:line', () => {
    copyApp(solutionDir(lab05), dir);
    writeFileSync(join(dir, 'src/functions/more-orchestrators.ts'), ORCHESTRATORS);
    writeFileSync(join(dir, 'src/functions/typo.ts'), "export const width: number = '200';\n");
    const report = typecheckApp(dir);
    expect(report.notGenerators.map((n) => `${n.name} ${n.what} :${n.line}`)).toEqual([
      'asyncBehindACast is an async function :4',
      'arrow is not a generator function :8',
      'asyncGenerator is an async generator function (`async function*`) :9',
    ]);
    expect(report.errors).toEqual([
      expect.objectContaining({
        file: join(dir, 'src/functions/typo.ts'),
        line: 1,
        column: 14,
        code: 2322,
        message: "Type 'string' is not assignable to type 'number'.",
      }),
    ]);
  });
});

function runWith(partial: Partial<ChecksRun>): ChecksRun {
  return {
    checks: [
      {
        title: 'the job completes',
        state: 'failed',
        hint: "the check's own hint",
        guide: 'labs/x#elsewhere',
        error: { message: 'it failed' },
      },
    ],
    errors: [],
    passed: false,
    ...partial,
  };
}

const typeErrors = (count: number): TypecheckReport => ({
  errors: Array.from({ length: count }, (_, i) => ({
    file: join(repoRoot, 'labs/05-first-orchestration/src/functions/thumbnail-orchestrator.ts'),
    line: 10 + i,
    column: 3,
    code: 2322,
    message: `Type 'number' is not assignable to type 'string'.\n  a second line the verdict leaves out ${i}`,
  })),
  notGenerators: [],
});

describe('the verdict', () => {
  it('counts the checks that did not run apart from the failures (the third walkthrough read "1 of 6 failed" with five that never ran)', () => {
    const run = runWith({});
    run.checks.push({ title: 'the history shows the chain', state: 'skipped' });
    const verdict = plain(formatVerdict(lab05, 'labs/05-first-orchestration', run, undefined));
    expect(verdict).toContain('Not yet: 1 of 2 checks failed, 1 did not run.');
  });

  it('prints no type errors when there are none', () => {
    const verdict = plain(
      formatVerdict(lab05, 'labs/05-first-orchestration', runWith({ typecheck: typeErrors(0) }), undefined),
    );
    expect(verdict).not.toMatch(/type error/i);
    expect(verdict).toContain("Hint: the check's own hint");
  });

  it('lists the first five type errors as file:line:column and the message, and counts the rest', () => {
    const verdict = plain(
      formatVerdict(lab05, 'labs/05-first-orchestration', runWith({ typecheck: typeErrors(7) }), undefined),
    );
    expect(verdict).toContain('✗ 7 type errors: tsc would not build this app');
    expect(verdict).toContain(
      "labs/05-first-orchestration/src/functions/thumbnail-orchestrator.ts:14:3  Type 'number' is not assignable to type 'string'.",
    );
    expect(verdict).not.toContain(':15:3');
    expect(verdict).not.toContain('a second line');
    expect(verdict).toContain('and 2 more: npx tsc -p labs/05-first-orchestration --noEmit lists them all');
    // The walkthrough: a typo tsc names, and the first check's hint blamed the event's name.
    expect(verdict).toContain('Fix the errors tsc lists above first: the failures below may only follow from them.');
    // The second walkthrough: a missing import, and the check's hint blamed new Date().
    expect(verdict).not.toContain("Hint: the check's own hint");
  });

  it('calls a file that does not parse a syntax error, and says where a stray brace usually is', () => {
    const syntax: TypecheckReport = {
      errors: [
        {
          file: join(repoRoot, 'labs/12-human-interaction/src/functions/review-orchestrator.ts'),
          line: 102,
          column: 1,
          code: 1128,
          message: 'Declaration or statement expected.',
        },
      ],
      notGenerators: [],
    };
    const verdict = plain(
      formatVerdict(lab05, 'labs/05-first-orchestration', runWith({ typecheck: syntax }), undefined),
    );
    expect(verdict).toContain('✗ 1 syntax error: tsc would not build this app');
    expect(verdict).toContain(
      'review-orchestrator.ts:102:1  Declaration or statement expected. (often a brace too many or too few somewhere above this line)',
    );
  });

  it("points at a '{' that has no '}', which tsc reports at the end of the file (the walkthrough)", () => {
    const copy = join(repoRoot, '.workshop', 'test-unmatched-brace');
    copyApp(solutionDir(lab05), copy);
    try {
      const file = join(copy, 'src/functions/thumbnail-jobs.ts');
      const lines = readFileSync(file, 'utf8').split('\n');
      const widthLine = lines.findIndex((line) => line.includes('const width = parseWidth')) + 1;
      lines.splice(widthLine - 1, 0, '  {');
      writeFileSync(file, lines.join('\n'));
      const report = typecheckApp(copy);
      const verdict = plain(
        formatVerdict(lab05, '.workshop/test-unmatched-brace', runWith({ typecheck: report }), undefined),
      );
      expect(verdict).toMatch(/thumbnail-jobs\.ts:\d+:\d+ {2}'\}' expected\./);
      expect(verdict).toContain(
        `a '{' with no '}' to match: look at .workshop/test-unmatched-brace/src/functions/thumbnail-jobs.ts:${widthLine}, `,
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('with every check passing, says the type errors still stop the build', () => {
    const run: ChecksRun = {
      checks: [{ title: 'a', state: 'passed' }],
      errors: [],
      passed: false,
      typecheck: typeErrors(1),
    };
    const verdict = plain(formatVerdict(lab05, 'labs/05-first-orchestration', run, undefined));
    expect(verdict).toContain('Not yet: all 1 checks pass, but the type errors above would stop the build.');
    expect(verdict).not.toContain('Checkpoint');
  });

  it("names an async orchestrator from the host's words alone, and sends the hint and Read link to the lab's step", () => {
    const failed = `The job should complete, but its runtimeStatus is Failed: Orchestrator function 'thumbnailOrchestrator' failed: thumbnailOrchestrator is an async function (it returned a Promise): ${GENERATOR_RULE}. (The SDK said: this.generator.next is not a function)`;
    const run = runWith({
      checks: [
        {
          title: 'answers 202',
          state: 'failed',
          hint: 'Look at thumbnail-jobs.ts',
          guide: 'labs/05-first-orchestration/README.md#step-4-start-it-from-http',
          error: { message: 'the worker crashed' },
        },
        { title: 'the job completes', state: 'failed', error: { message: failed } },
      ],
    });
    const verdict = plain(formatVerdict(lab08, 'labs/08-non-deterministic-code', run, undefined));
    expect(verdict).toContain('✗ thumbnailOrchestrator is an async function\n');
    expect(verdict).toContain(
      'Hint: Orchestrators must be generator functions: `function*` and `yield`, not `async`/`await`: see Step 4.',
    );
    expect(verdict).toContain('Read: labs/08-non-deterministic-code/README.md#step-4-io-belongs-in-activities');
    expect(verdict).not.toContain('thumbnail-jobs.ts');
  });

  it("names a loop around a task that is not yielded (the walkthrough: a forgotten yield before Task.any), not the first check's own hint", () => {
    const loop = runawayProblem(
      '[host] Orchestration reviewOrchestrator (abc123) has run for 10 s in one episode. Orchestrator code only decides…',
      'abc123',
    )!;
    const run = runWith({
      checks: [
        {
          title: 'a review waits for the event',
          state: 'failed',
          hint: "the event's name is compared exactly",
          guide: 'labs/12-human-interaction/README.md#step-2-raise-the-event',
          error: { message: loop },
        },
      ],
    });
    const verdict = plain(formatVerdict(findLab(labs, '12'), 'labs/12-human-interaction', run, undefined));
    expect(verdict).toContain(
      '✗ reviewOrchestrator never gives control back: a loop around a task that is not yielded\n',
    );
    expect(verdict).toContain('Hint: Every task must be yielded: const winner = yield context.df.Task.any([…])');
    expect(verdict).not.toContain("the event's name is compared exactly");
    expect(verdict).toContain('Read: labs/05-first-orchestration/README.md#');
  });

  it("names it from the compiler's finding with file:line, in a lab whose guide leaves it to lab 05", () => {
    const run = runWith({
      typecheck: {
        errors: [],
        notGenerators: [
          {
            name: 'thumbnailOrchestrator',
            what: 'is an async function',
            file: join(repoRoot, 'labs/06-fan-out-fan-in/src/functions/thumbnail-orchestrator.ts'),
            line: 29,
          },
        ],
      },
    });
    const verdict = plain(formatVerdict(findLab(labs, '06'), 'labs/06-fan-out-fan-in', run, undefined));
    expect(verdict).toContain(
      '✗ thumbnailOrchestrator is an async function (labs/06-fan-out-fan-in/src/functions/thumbnail-orchestrator.ts:29)',
    );
    expect(verdict).toContain('see Step 3 of lab 05.');
    expect(verdict).toContain(
      'Read: labs/05-first-orchestration/README.md#step-3-the-orchestrator-chains-the-activities',
    );
  });

  it("names a forgotten yield from the compiler's 'Task' where a result belongs (the walkthrough: only a type error said it)", () => {
    const run = runWith({
      typecheck: {
        errors: [
          {
            file: join(repoRoot, 'labs/05-first-orchestration/src/functions/thumbnail-orchestrator.ts'),
            line: 49,
            column: 13,
            code: 2739,
            message:
              "Type 'Task' is missing the following properties from type 'ThumbnailResult': source, blob, width, height, bytes",
          },
        ],
        notGenerators: [],
      },
      checks: [
        {
          title: 'the job completes',
          state: 'failed',
          hint: 'Look at thumbnail-jobs.ts',
          error: { message: 'expected 3 failures' },
        },
        { title: 'the history shows the chain', state: 'failed', error: { message: 'expected 7 rows' } },
      ],
    });
    const verdict = plain(formatVerdict(lab05, 'labs/05-first-orchestration', run, undefined));
    expect(verdict).toContain(
      '✗ a task is used where its result belongs: yield is missing (labs/05-first-orchestration/src/functions/thumbnail-orchestrator.ts:49)',
    );
    expect(verdict).toContain("Hint: A task's result comes from yield: const made = yield context.df.callActivity(…).");
    // Said once (the walkthrough: the mistake, tsc's line and the same hint under the check).
    expect(verdict.split('Hint:')).toHaveLength(2);
    expect(verdict.split('Read:')).toHaveLength(2);
    expect(verdict).toContain(
      '✗ the job completes\n    expected 3 failures\n  (it follows from the mistake named at the top)',
    );
    expect(verdict).not.toContain('Look at thumbnail-jobs.ts');
    // tsc's own line for it says it is that mistake (the walkthrough: line 49 named twice, as two problems).
    expect(verdict).toContain(
      "thumbnail-orchestrator.ts:49:13  Type 'Task' is missing the following properties from type 'ThumbnailResult': source, blob, width, height, bytes (the mistake named above)",
    );
    // One thing to fix first, the mistake: not also "the errors tsc lists" or "this one" (the walkthrough).
    expect(verdict).not.toContain('Fix the errors tsc lists above first');
    expect(verdict).not.toContain('Fix this one first');
    expect(verdict).toContain(
      'Read: labs/05-first-orchestration/README.md#step-3-the-orchestrator-chains-the-activities',
    );
  });
});
