import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { failureExcerpt } from '../lib/failure-excerpt.ts';

// What the end of `npm test` repeats for a failed part, since a CI log is often read from its tail.
describe("npm test's excerpt of a failed part", () => {
  it("keeps Vitest's failing test, its error and diff, and the totals, without source frames", () => {
    const output = readFileSync(new URL('./fixtures/vitest-failure.txt', import.meta.url), 'utf8');
    expect(failureExcerpt(output)).toEqual([
      ' FAIL  scripts/test/zz-tmp.test.ts > fails on purpose',
      'AssertionError: expected { a: 1, b: 2 } to deeply equal { a: 1, b: 3 }',
      '- Expected',
      '+ Received',
      '  {',
      '    "a": 1,',
      '-   "b": 3,',
      '+   "b": 2,',
      '  }',
      ' ❯ scripts/test/zz-tmp.test.ts:3:55',
      'Test Files  1 failed | 1 passed (2)',
      'Tests  1 failed | 2 passed (3)',
    ]);
  });

  it("keeps a script's ✗ lines with their indented details", () => {
    const output = [
      'Supply chain',
      '  ✓ package-lock.json is committed',
      '  ✗ instance ids are validated — 2627/2628 answered 400 JSON',
      '      GET /runtime/webhooks/durabletask/instances/%00 answered 500',
      '  ✓ no secret in any log',
      'FAIL bad input 8412/8413',
    ].join('\n');
    expect(failureExcerpt(output)).toEqual([
      '  ✗ instance ids are validated — 2627/2628 answered 400 JSON',
      '      GET /runtime/webhooks/durabletask/instances/%00 answered 500',
      'FAIL bad input 8412/8413',
    ]);
  });

  it('falls back on the last ten lines that are not blank', () => {
    const output = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n\n');
    expect(failureExcerpt(output)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i + 21}`));
  });

  it('keeps at most 40 lines', () => {
    const output = Array.from({ length: 60 }, (_, i) => `✗ check ${i}`).join('\n');
    const excerpt = failureExcerpt(output);
    expect(excerpt).toHaveLength(40);
    expect(excerpt.at(-1)).toBe('…');
  });
});

describe("npm test's excerpt of a Vitest failure with a long message", () => {
  it("keeps the test's name, the start of its error, and its end, where the assertion and the diff are", () => {
    const log = Array.from({ length: 60 }, (_, i) => `[host] line ${i + 1}`);
    const output = [
      '⎯⎯⎯⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯⎯⎯⎯',
      '',
      ' FAIL  shared/host/test/durable/early-answer.test.ts > an answer > completes',
      `AssertionError: ${log[0]}`,
      ...log.slice(1),
      ": expected 'Running' to be 'Completed' // Object.is equality",
      '',
      '- Expected',
      '+ Received',
      '',
      "- 'Completed'",
      "+ 'Running'",
      '',
      ' ❯ shared/host/test/durable/early-answer.test.ts:58:72',
      '     58|     expect(status, host.logs()).toBe(…',
      '',
      ' Test Files  1 failed | 102 passed (103)',
      '      Tests  1 failed | 574 passed (575)',
    ].join('\n');
    expect(failureExcerpt(output)).toEqual([
      ' FAIL  shared/host/test/durable/early-answer.test.ts > an answer > completes',
      'AssertionError: [host] line 1',
      '[host] line 2',
      '[host] line 3',
      '…',
      '[host] line 57',
      '[host] line 58',
      '[host] line 59',
      '[host] line 60',
      ": expected 'Running' to be 'Completed' // Object.is equality",
      '- Expected',
      '+ Received',
      "- 'Completed'",
      "+ 'Running'",
      ' ❯ shared/host/test/durable/early-answer.test.ts:58:72',
      'Test Files  1 failed | 102 passed (103)',
      'Tests  1 failed | 574 passed (575)',
    ]);
  });
});
