// A syntax error in the verdict (found by the newcomer walkthrough): tsc's list and the failed
// load named the same line twice, and the checks that did not run showed an unexplained "–".

import { describe, expect, it } from 'vitest';
import { findLab, readManifest, repoRoot } from '../lib/manifest.ts';
import type { ChecksRun } from '../lib/run-checks.ts';
import { formatVerdict } from '../lib/verdict.ts';

const lab = findLab(readManifest(), '01');
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
const LOAD_ERROR =
  'Could not load src/functions/hello.ts: SyntaxError [TS1128]: Declaration or statement expected. (src/functions/hello.ts:35)';

function strayBrace(typecheck: ChecksRun['typecheck']): ChecksRun {
  return {
    checks: [
      { title: 'GET /api/hello?name=Ada answers 200 with Hello, Ada!', state: 'skipped' },
      { title: 'GET /api/hello without a name answers 400 with the JSON error', state: 'skipped' },
    ],
    errors: [{ message: LOAD_ERROR }],
    passed: false,
    ...(typecheck ? { typecheck } : {}),
  };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('a stray brace in the verdict', () => {
  it('is listed once, by tsc, and the checks that did not run say why', () => {
    const run = strayBrace({
      errors: [
        {
          file: `${repoRoot}labs/01-http-trigger/src/functions/hello.ts`,
          line: 35,
          column: 1,
          code: 1128,
          message: 'Declaration or statement expected.',
        },
      ],
      notGenerators: [],
    });
    const verdict = plain(formatVerdict(lab, 'labs/01-http-trigger', run, undefined, true));
    expect(count(verdict, 'Declaration or statement expected.'), verdict).toBe(1);
    expect(verdict).toContain('labs/01-http-trigger/src/functions/hello.ts:35:1');
    expect(verdict).toContain('✗ The checks could not run: the app does not load with the syntax error above.');
    expect(verdict).toContain('(– did not run)');
  });

  it('is shown as the load failed when the compiler could not say', () => {
    const verdict = plain(formatVerdict(lab, 'labs/01-http-trigger', strayBrace(undefined), undefined));
    expect(verdict).toContain('✗ The checks could not run:');
    expect(verdict).toContain(LOAD_ERROR);
  });

  it("is the compiler's to tell when Node's own parser refused the file (a yield left in an async function, the walkthrough)", () => {
    const run: ChecksRun = {
      ...strayBrace({
        errors: [
          {
            file: `${repoRoot}labs/01-http-trigger/src/functions/hello.ts`,
            line: 12,
            column: 20,
            code: 1163,
            message: "A 'yield' expression is only allowed in a generator body.",
          },
        ],
        notGenerators: [],
      }),
      errors: [{ message: 'Could not load src/functions/hello.ts: SyntaxError: Unexpected strict mode reserved word' }],
    };
    const verdict = plain(formatVerdict(lab, 'labs/01-http-trigger', run, undefined));
    expect(verdict).not.toContain('Unexpected strict mode reserved word');
    expect(verdict).toContain('labs/01-http-trigger/src/functions/hello.ts:12:20');
    expect(verdict).toContain('✗ The checks could not run: the app does not load with the syntax error above.');
  });
});
